/**
 * A fixed-capacity FIFO: pushing past the capacity evicts the oldest items. Live tail keeps its
 * lines here so a chatty service cannot grow memory without bound.
 */
export class RingBuffer<T> {
  private readonly items: Array<T | undefined>;
  private start = 0;
  private count = 0;
  private evictedTotal = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  /** Number of items held (≤ capacity). */
  get size(): number {
    return this.count;
  }

  /** How many items were evicted since creation (or the last `clear`). */
  get evicted(): number {
    return this.evictedTotal;
  }

  /** Appends one item, evicting the oldest when full. */
  push(item: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.items[end] = item;
    if (this.count < this.capacity) {
      this.count++;
    } else {
      this.start = (this.start + 1) % this.capacity;
      this.evictedTotal++;
    }
  }

  /** Appends many items in order. */
  pushAll(items: Iterable<T>): void {
    for (const item of items) this.push(item);
  }

  /** Item `i` counted from the oldest held (0) to the newest (size - 1). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  /** The newest item, if any. */
  last(): T | undefined {
    return this.at(this.count - 1);
  }

  /** A copy of the held items, oldest first. */
  toArray(): T[] {
    const out: T[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.start + i) % this.capacity] as T;
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.evictedTotal = 0;
  }
}
