/** Parent side of the scale bench: the forked engine side (counting proxy + driver) and figures. */
import { fork, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CountedRequest, EngineSideCommand } from './scaleEngineSide';

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export const ms = (x: number) => `${Math.round(x * 10) / 10} ms`;

export class EngineSide {
  readonly proxyHost: string;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    proxyPath: string,
  ) {
    this.proxyHost = `unix://${proxyPath}`;
    child.on('message', (m: { id?: number; result?: unknown; error?: string }) => {
      const w = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id!);
      if (m.error) w.reject(new Error(m.error));
      else w.resolve(m.result);
    });
  }

  static async start(): Promise<EngineSide> {
    const engine = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
    if (!engine) throw new Error('source /tmp/realm-it/env first (DOCKER_HOST names the harness engine)');
    const proxyPath = path.join(os.tmpdir(), `realmscale-proxy-${process.pid}.sock`);
    const child = fork(path.join(__dirname, 'scaleEngineSide.js'), [proxyPath, engine], { stdio: 'inherit' });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`engine side exited (${code})`)));
    });
    return new EngineSide(child, proxyPath);
  }

  call<T>(command: EngineSideCommand): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, command });
    });
  }

  /** Requests counted since `since` (an index: pass the previous total). */
  requests(since: number): Promise<CountedRequest[]> {
    return this.call({ op: 'requests', since });
  }

  requestCount(): Promise<number> {
    return this.call({ op: 'count' });
  }

  stop(): void {
    this.child.disconnect();
  }
}

/** Samples the heap every 20 ms; `peak` is the largest sample since the last reset. */
export class HeapSampler {
  peak = 0;
  private readonly timer = setInterval(() => this.sample(), 20);
  sample(): number {
    const used = process.memoryUsage().heapUsed;
    this.peak = Math.max(this.peak, used);
    return used;
  }
  reset(): void {
    this.peak = this.sample();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

export const mb = (bytes: number) => `${Math.round(bytes / 1e5) / 10} MB`;
