import type { DockerClient } from './dockerClient';

export interface ContainerLogOptions {
  /** Last N lines (default 500). */
  tail?: number;
  timestamps?: boolean;
  timeoutMs?: number;
  /** Only lines written before this time (epoch ms): a dead container's run, not what a restart printed since. */
  untilMs?: number;
}

/**
 * The last lines of one container's stdout and stderr, in order, read from the engine (not
 * through compose, so it works for any project's container and for one replica).
 */
export async function readContainerLogs(docker: DockerClient, containerId: string, options: ContainerLogOptions = {}): Promise<string[]> {
  const container = docker.raw.getContainer(containerId);
  const work = (async () => {
    const info = await container.inspect();
    const buffer = (await container.logs({ stdout: true, stderr: true, follow: false, tail: options.tail ?? 500, timestamps: options.timestamps ?? true, ...(options.untilMs !== undefined ? { until: (options.untilMs / 1000).toFixed(3) } : {}) } as Parameters<typeof container.logs>[0] & { follow: false })) as unknown as Buffer;
    return splitLines(info.Config.Tty ? buffer.toString('utf8') : demuxLogBuffer(buffer));
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Docker engine at ${docker.engine} did not send the logs of ${containerId.slice(0, 12)} within ${(options.timeoutMs ?? 15_000) / 1000} s`)), options.timeoutMs ?? 15_000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Non-TTY containers' logs come as frames: 1 byte stream (1 stdout, 2 stderr), 3 zero bytes, a
 * 4-byte big-endian length, then the payload. Frames are concatenated in the order written.
 */
export function demuxLogBuffer(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, Math.min(buffer.length, offset + 8 + size)));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
