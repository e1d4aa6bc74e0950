import type { HealPolicySettings } from './healPolicy';
import type { HealRule } from './healRules';

/** Everything the healer reads (read by platform/settings.ts) from `realm.healer.*` (plus Workspace Trust), times in ms. */
export interface HealerSettings extends HealPolicySettings {
  maxActionsPerHour: number;
  rules: readonly HealRule[];
  /** Seconds the engine waits for a graceful stop before SIGKILL on restart / scale down. */
  stopTimeoutSeconds: number;
  logDirectories: readonly string[];
  logMaxAgeDays: number;
  pruneBuildCache: boolean;
  /** The workspace folder relative log directories resolve against. */
  baseDir?: string;
}

export const DEFAULT_HEALER_SETTINGS: HealerSettings = {
  enabled: true,
  dryRun: false,
  trusted: true,
  optOut: [],
  graceMs: 30_000,
  backoffMs: 10_000,
  engineRestartGraceMs: 15_000,
  minReplicas: {},
  maxActionsPerHour: 3,
  rules: [],
  stopTimeoutSeconds: 10,
  logDirectories: [],
  logMaxAgeDays: 7,
  pruneBuildCache: false,
};
