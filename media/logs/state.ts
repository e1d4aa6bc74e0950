import type { TimeRange } from '../../src/shared/protocol';
import { loadState, saveState } from '../common/vscodeApi';

/** What the Logs panel keeps across reloads (VS Code's getState/setState). */
export interface LogsSaved {
  query: string;
  range: TimeRange;
  limit: number;
  direction: 'backward' | 'forward';
  filter: string;
}

/**
 * The Logs webview's state in one place: what it saves, and what lives only as long as the page
 * (whether it tails, the tail's buffer size, the range of the lines shown, the example selector).
 */
export class LogsSession {
  readonly saved: LogsSaved = loadState<LogsSaved>({ query: '', range: { kind: 'relative', last: '1h' }, limit: 1000, direction: 'backward', filter: '' });
  tailing = false;
  tailCapacity = 5_000;
  /** The range the shown search covered (the histogram's axis). */
  lastRange: { startMs: number; endMs: number } | undefined;
  /** An example selector naming one of the workspace's services (until they are known: a generic one). */
  example = '{compose_service="web"}';

  save(next: LogsSaved): void {
    saveState(next);
  }
}
