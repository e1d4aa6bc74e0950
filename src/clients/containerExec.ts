import type { Duplex } from 'node:stream';
import { DockerClient, DockerError, toDockerError } from './dockerClient';

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
  const engine = docker.engine;
  let stream: Duplex | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const exec = await docker.raw.getContainer(containerId).exec({ Cmd: [...cmd], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false });
    stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = { write: (c: Buffer) => { if (size < MAX_OUTPUT) { chunks.push(c); size += c.length; } return true; } };
    const done = new Promise<void>((resolve, reject) => {
      stream!.on('end', resolve);
      stream!.on('close', resolve);
      stream!.on('error', reject);
      timer = setTimeout(() => reject(new DockerError('timeout', 'exec', engine, `docker exec ${cmd[0]} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    docker.raw.modem.demuxStream(stream, collect as unknown as NodeJS.WritableStream, collect as unknown as NodeJS.WritableStream);
    stream.end(stdin);
    await done;
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8').slice(0, MAX_OUTPUT) };
  } catch (err) {
    throw toDockerError(err, 'exec', engine);
  } finally {
    clearTimeout(timer);
    stream?.destroy();
  }
}
