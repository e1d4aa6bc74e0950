import type { Duplex } from 'node:stream';
import type { DockerClient } from './dockerClient';

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr, demultiplexed, capped at 64 KB. */
  output: string;
}

const MAX_OUTPUT = 64 * 1024;

/**
 * `docker exec -i` through the engine API: runs `cmd` (an argv array, never a shell string) in a
 * running container, writes `stdin` to it and closes it, and resolves with the exit code and
 * output. Secrets go through stdin so they never appear in a process list. Bounded by `timeoutMs`.
 */
export async function execWithStdin(docker: DockerClient, containerId: string, cmd: readonly string[], stdin: string, timeoutMs = 30_000): Promise<ExecResult> {
  // one bound for the whole exec: create, attach, the command's run and its exit code
  return docker.call(
    `exec ${cmd[0]}`,
    async (d, abortSignal) => {
      const exec = await d
        .getContainer(containerId)
        .exec({ Cmd: [...cmd], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false, abortSignal });
      const stream = (await exec.start({ hijack: true, stdin: true, abortSignal })) as Duplex;
      const stop = () => stream.destroy();
      abortSignal.addEventListener('abort', stop, { once: true });
      try {
        const chunks: Buffer[] = [];
        let size = 0;
        const collect = {
          write: (c: Buffer) => {
            if (size < MAX_OUTPUT) {
              chunks.push(c);
              size += c.length;
            }
            return true;
          },
        };
        const done = new Promise<void>((resolve, reject) => {
          stream.on('end', resolve);
          stream.on('close', resolve);
          stream.on('error', reject);
        });
        d.modem.demuxStream(stream, collect as unknown as NodeJS.WritableStream, collect as unknown as NodeJS.WritableStream);
        stream.end(stdin);
        await done;
        const info = await exec.inspect({ abortSignal });
        return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8').slice(0, MAX_OUTPUT) };
      } finally {
        abortSignal.removeEventListener('abort', stop);
        stop();
      }
    },
    timeoutMs,
  );
}
