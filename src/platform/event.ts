import { IDisposable } from './disposable';

/** A subscription function in VS Code's `Event<T>` shape, so stores stay vscode-free. */
export type Event<T> = (listener: (e: T) => void) => IDisposable;

/**
 * A vscode-free event emitter. It counts listeners so a store can stop polling when nobody
 * listens (see `onListenerCountChange`).
 */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(e: T) => void>();
  constructor(private readonly onListenerCountChange?: (count: number) => void) {}

  readonly event: Event<T> = (listener) => {
    const wrapped = (e: T) => listener(e);
    this.listeners.add(wrapped);
    this.onListenerCountChange?.(this.listeners.size);
    return {
      dispose: () => {
        if (this.listeners.delete(wrapped)) this.onListenerCountChange?.(this.listeners.size);
      },
    };
  };

  get listenerCount(): number {
    return this.listeners.size;
  }

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a failing listener must not break the others or the store
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** One event that fires whenever either of two fires (without their payloads): "something changed". */
export function bothEvents(a: Event<unknown>, b: Event<unknown>): Event<void> {
  return (listener) => {
    const subs = [a(() => listener()), b(() => listener())];
    return { dispose: () => subs.forEach((s) => s.dispose()) };
  };
}
