/** Anything that holds a timer, stream, process or listener is one of these and is disposed on deactivate. */
export interface IDisposable {
  dispose(): void;
}

/** Base class that disposes what it registered, in reverse order, exactly once. */
export abstract class Disposable implements IDisposable {
  private readonly toDispose: IDisposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected register<T extends IDisposable>(d: T): T {
    if (this.disposed) {
      d.dispose();
    } else {
      this.toDispose.push(d);
    }
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.toDispose.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // one failing disposable must not keep the others alive
      }
    }
  }
}

/** Wraps a function (clearTimeout, stream.destroy…) as a disposable. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}
