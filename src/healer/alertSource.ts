import type { HealableAlert } from '../core/healPolicy';
import type { Event } from '../platform/event';

export type { HealableAlert } from '../core/healPolicy';

/**
 * Where the healer gets firing alerts from. The alert store (src/state/alertStore.ts) satisfies
 * it through a small adapter; tests pass one that polls Alertmanager or Prometheus directly.
 */
export interface AlertSource {
  /** Fires whenever the set of firing alerts may have changed. */
  readonly onDidChange: Event<void>;
  /** The alerts firing now (not silenced or inhibited). */
  firing(): HealableAlert[];
}
