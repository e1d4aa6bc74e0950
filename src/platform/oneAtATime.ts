/**
 * One run at a time; asking while one runs queues exactly one more, however many ask (a burst of
 * saves, events or alert changes is one more pass, not one each). Everyone who asked during a run
 * gets the promise of the whole loop, which settles after the queued pass.
 */
export class OneAtATime<T> {
  private current: Promise<T> | undefined;
  private again = false;

  /** `more()`: work is waiting that was not asked for through `run()` (the store's `whenCurrent` callers). */
  constructor(
    private readonly work: () => Promise<T>,
    private readonly more: () => boolean = () => false,
  ) {}

  get running(): boolean {
    return this.current !== undefined;
  }

  run(): Promise<T> {
    if (this.current) {
      this.again = true;
      return this.current;
    }
    const loop = (async () => {
      let result: T;
      do {
        this.again = false;
        result = await this.work();
      } while (this.again || this.more());
      return result;
    })();
    this.current = loop.finally(() => {
      this.current = undefined;
      // asked after the loop's last check but before this callback: that pass must still run
      if (this.again || this.more()) {
        this.again = false;
        void this.run().catch(() => undefined); // its errors are the work's to report; nobody awaits this run
      }
    });
    return this.current;
  }
}
