import type { Clock } from '../../src/platform/clock';

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private time = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
