import type { Logger } from '../../src/platform/logger';

export interface MemoryLogger extends Logger {
  readonly lines: string[];
}

/** A logger that keeps its lines in memory, for tests and benchmarks. */
export function memoryLogger(echo = false): MemoryLogger {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (message: string | Error, ...args: unknown[]) => {
      const text = `[${level}] ${message instanceof Error ? (message.stack ?? message.message) : message}${args.length ? ' ' + args.map(String).join(' ') : ''}`;
      lines.push(text);
      if (echo) console.log(text);
    };
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
