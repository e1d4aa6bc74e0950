import { stripAnsi } from '../shared/ansi';
import type { LogLevel } from '../shared/protocol';

// the one ANSI stripper lives in shared (the Logs webview uses it too); level detection reads through it
export { stripAnsi };

/** Level words and their aliases, as services actually write them. */
const ALIASES: Record<string, LogLevel> = {
  error: 'error',
  err: 'error',
  fatal: 'error',
  panic: 'error',
  critical: 'error',
  crit: 'error',
  alert: 'error',
  emerg: 'error',
  severe: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'info',
  information: 'info',
  notice: 'info',
  debug: 'debug',
  dbg: 'debug',
  trace: 'debug',
  verbose: 'debug',
};

/** Only the head of a line is inspected: levels sit near the start, and 1 MB lines must stay cheap. */
const HEAD = 2_000;
const LOGFMT = /(?:^|\s)(?:level|lvl|severity|loglevel)=["']?([A-Za-z]+)/gi;
const JSON_FIELD = /"(?:level|lvl|severity|loglevel|log\.level)"\s*:\s*"([A-Za-z]+)"/gi;
// Upper-case words (ERROR, WARN…) or bracketed ones ([error], <warn>): plain lower-case "error" in
// prose is too often not a level ("0 errors").
const WORD = /\b(FATAL|PANIC|CRITICAL|CRIT|ERROR|ERR|WARNING|WARN|INFO|NOTICE|DEBUG|TRACE)\b|[[<(](fatal|panic|error|err|warning|warn|info|debug|trace)[\]>)]/i;

/**
 * Detects a log line's level: logfmt `level=…`, a JSON `"level": "…"` field, then common level
 * words (ERROR, WARN, INFO, DEBUG…). ANSI colour codes are ignored. `unknown` when nothing matches.
 */
export function detectLogLevel(line: string): LogLevel {
  const head = stripAnsi(line.length > HEAD ? line.slice(0, HEAD) : line);
  // The first field whose value is a known level wins ("lvl=dbug … level=info" is info).
  for (const re of [LOGFMT, JSON_FIELD]) {
    for (const field of head.matchAll(re)) {
      const level = ALIASES[field[1].toLowerCase()];
      if (level) return level;
    }
  }
  const word = WORD.exec(head);
  if (word) {
    if (word[1] && word[1] !== word[1].toUpperCase()) return detectFromLaterWord(head, word.index + word[0].length);
    return ALIASES[(word[1] ?? word[2]).toLowerCase()] ?? 'unknown';
  }
  return 'unknown';
}

/** The first word match was lower/mixed case (prose); look further for a real level marker. */
function detectFromLaterWord(head: string, from: number): LogLevel {
  const rest = head.slice(from);
  return rest ? detectLogLevel(rest) : 'unknown';
}
