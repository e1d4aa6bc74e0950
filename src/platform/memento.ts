/**
 * The part of VS Code's Memento (workspace state) that the healer's budget and audit trail use.
 * vscode.Memento satisfies it; tests use `InMemoryMemento`.
 */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

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
