/**
 * What the vscode-free layers log through. VS Code's LogOutputChannel satisfies it structurally;
 * tests pass `memoryLogger()` (test/support/memoryLogger.ts).
 */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(error: string | Error, ...args: unknown[]): void;
}
