import type { TimeRange } from '../../src/shared/protocol';
import { loadState, saveState } from '../common/vscodeApi';

/** What the Metrics panel keeps across reloads (VS Code's getState/setState). */
export interface MetricsSaved {
  query: string;
  range: TimeRange;
  history: string[];
  refreshSeconds: number;
  showPresets: boolean;
}

/**
 * The Metrics webview's state in one place: what it saves, and what lives only as long as the
 * page (whether metric names were asked for, the auto-refresh timer).
 */
export class MetricsSession {
  readonly saved: MetricsSaved = loadState<MetricsSaved>({
    query: '',
    range: { kind: 'relative', last: '1h' },
    history: [],
    refreshSeconds: 0,
    showPresets: true,
  });
  namesRequested = false;
  private refreshTimer: ReturnType<typeof setInterval> | undefined;

  /** Saves for the next reload (`saved` stays what the page started with: the fallback for an invalid range). */
  save(next: MetricsSaved): void {
    saveState(next);
  }

  /** Runs `tick` every `seconds` (0: never), replacing the previous schedule. */
  scheduleRefresh(seconds: number, tick: () => void): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = seconds > 0 ? setInterval(tick, seconds * 1000) : undefined;
  }
}
