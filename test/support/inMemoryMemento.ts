import type { MementoLike } from '../../src/platform/memento';

/** Workspace state in memory, stored as JSON as VS Code stores it. */
export class InMemoryMemento implements MementoLike {
  private readonly values = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const raw = this.values.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    // stored as JSON, as VS Code does, so tests catch values that do not survive a reload
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
  }
}
