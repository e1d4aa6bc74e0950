import { HealPolicySettings, HealRule, parseHealRules } from '../core/healPolicy';

/** Everything the healer reads from `realm.healer.*` (plus Workspace Trust), times in ms. */
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

/**
 * Builds settings from a `get(key, default)` reader — `vscode.workspace.getConfiguration('realm.healer').get`
 * in the extension — so this file stays vscode-free. Invalid values fall back to defaults.
 */
export function readHealerSettings(get: <T>(key: string, fallback: T) => T, trusted: boolean, baseDir?: string): HealerSettings {
  const d = DEFAULT_HEALER_SETTINGS;
  const num = (key: string, fallback: number, min: number) => {
    const v = Number(get<number>(key, fallback));
    return Number.isFinite(v) && v >= min ? v : fallback;
  };
  const strings = (key: string) => {
    const v = get<unknown>(key, []);
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : [];
  };
  const minReplicas = get<unknown>('minReplicas', {});
  return {
    enabled: get('enabled', d.enabled) !== false,
    dryRun: get('dryRun', d.dryRun) === true,
    trusted,
    optOut: strings('optOut'),
    graceMs: num('gracePeriodSeconds', d.graceMs / 1000, 0) * 1000,
    backoffMs: num('backoffSeconds', d.backoffMs / 1000, 0) * 1000,
    engineRestartGraceMs: num('engineRestartGraceSeconds', d.engineRestartGraceMs / 1000, 0) * 1000,
    minReplicas: minReplicas && typeof minReplicas === 'object' ? Object.fromEntries(Object.entries(minReplicas).filter(([, v]) => Number.isInteger(v) && (v as number) >= 1)) as Record<string, number> : {},
    maxActionsPerHour: Math.floor(num('maxActionsPerHour', d.maxActionsPerHour, 1)),
    rules: parseHealRules(get<unknown>('rules', [])),
    stopTimeoutSeconds: num('stopTimeoutSeconds', d.stopTimeoutSeconds, 0),
    logDirectories: strings('logDirectories'),
    logMaxAgeDays: num('logMaxAgeDays', d.logMaxAgeDays, 0),
    pruneBuildCache: get('pruneBuildCache', d.pruneBuildCache) === true,
    baseDir,
  };
}
