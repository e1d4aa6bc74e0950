/**
 * One job per service at a time, at most `concurrency` services at once. Requests for a service
 * whose job is waiting join it (replicas that die together become one check); requests that arrive
 * while it runs make one more job after it. Bounded concurrency keeps a crash storm from flooding
 * the engine, and nothing is dropped.
 */
export class HealQueue<R> {
  private readonly jobs = new Map<string, { requests: R[]; running: boolean; again: R[] }>();
  private readonly ready: string[] = [];
  private running = 0;

  constructor(
    private readonly concurrency: number,
    private readonly work: (key: string, requests: R[]) => Promise<void>,
    private readonly onError: (key: string, e: unknown) => void,
  ) {}

  /** Services with a job waiting or running. */
  get size(): number {
    return this.jobs.size;
  }

  has(key: string): boolean {
    return this.jobs.has(key);
  }

  push(key: string, request: R): void {
    const job = this.jobs.get(key);
    if (!job) {
      this.jobs.set(key, { requests: [request], running: false, again: [] });
      this.ready.push(key);
      this.pump();
    } else if (job.running) job.again.push(request);
    else job.requests.push(request);
  }

  private pump(): void {
    while (this.running < this.concurrency && this.ready.length) {
      const key = this.ready.shift()!;
      const job = this.jobs.get(key)!;
      job.running = true;
      this.running++;
      const requests = job.requests.splice(0);
      void this.work(key, requests)
        .catch((e: unknown) => this.onError(key, e))
        .finally(() => {
          this.running--;
          if (job.again.length) {
            job.requests = job.again.splice(0);
            job.running = false;
            this.ready.push(key);
          } else this.jobs.delete(key);
          this.pump();
        });
    }
  }
}
