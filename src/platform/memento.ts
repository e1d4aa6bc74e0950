/**
 * The part of VS Code's Memento (workspace state) that the healer's budget and audit trail use.
 * vscode.Memento satisfies it; tests use `InMemoryMemento` (test/support/inMemoryMemento.ts).
 */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}
