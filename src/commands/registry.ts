import * as vscode from 'vscode';
import { Logger } from '../platform/logger';
import { withoutLinks } from '../core/text';

/** A command handler; what it returns is returned to `executeCommand` callers (tests use it). */
export type CommandHandler = (...args: never[]) => unknown;

/** The one table of commands: id → handler. Every contributed command must appear here. */
export type CommandTable = Record<string, CommandHandler>;

/**
 * Registers every command of the table, each wrapped by one error handler: the whole error goes
 * to the log, the user gets a short message with "Show Logs". Cancellation is not an error.
 */
export function registerCommands(table: CommandTable, logger: Logger, showLogs: () => void): vscode.Disposable[] {
  return Object.entries(table).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await (handler as (...a: unknown[]) => unknown)(...args);
      } catch (err) {
        if (err instanceof vscode.CancellationError) return undefined;
        const message = err instanceof Error ? err.message : String(err);
        logger.error(`${id} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
        void vscode.window.showErrorMessage(withoutLinks(`Realm: ${firstLine(message)}`), 'Show Logs').then((choice) => {
          if (choice === 'Show Logs') showLogs();
        });
        return undefined;
      }
    }),
  );
}

function firstLine(s: string): string {
  const line = s.split('\n')[0];
  return line.length > 300 ? line.slice(0, 297) + '…' : line;
}
