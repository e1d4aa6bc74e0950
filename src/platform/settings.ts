import { DEFAULT_HEALER_SETTINGS, HealerSettings } from '../core/healerSettings';
import { parseHealRules } from '../core/healRules';
import { Disposable } from './disposable';
import { Emitter, Event } from './event';

/** Every `realm.*` setting the extension reads outside the healer, typed, defaults as in package.json. */
export interface RealmSettings {
  prometheusUrl: string;
  alertmanagerUrl: string;
  lokiUrl: string;
  lokiTenantId: string;
  grafanaUrl: string;
  composeFiles: string[];
  composeProjectName: string;
  arcanumTarget: string;
  pollIntervalSeconds: number;
  notifyOnCritical: boolean;
  tailBufferLines: number;
}

/** `get(key, default)` of one configuration section: `vscode.workspace.getConfiguration(section).get`. */
export type SettingGetter = <T>(key: string, fallback: T) => T;

/** What a settings change says: VS Code's ConfigurationChangeEvent, reduced to the one question anyone asks of it. */
export interface SettingsChange {
  affectsConfiguration(section: string): boolean;
}

/**
 * The one way a setting's value is read: whatever the user typed (a string for a number, a negative interval,
 * an object for a list), the result has the documented type and range. Out of range is `clamp`ed to it (a poll
 * interval of 0 s means "as often as allowed") or replaced by the `default` (a healer margin of -30 s is a typo,
 * not a wish for no margin).
 */
export function settingReader(get: SettingGetter) {
  return {
    number(key: string, fallback: number, range: { min: number; max?: number; outOfRange: 'clamp' | 'default' }): number {
      const raw = get<unknown>(key, fallback);
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(v)) return fallback;
      const max = range.max ?? Number.POSITIVE_INFINITY;
      if (range.outOfRange === 'default') return v >= range.min && v <= max ? v : fallback;
      return Math.min(max, Math.max(range.min, v));
    },
    string(key: string, fallback: string): string {
      const v = get<unknown>(key, fallback);
      return typeof v === 'string' ? v.trim() : fallback;
    },
    /** A list of non-empty strings; anything else in it is dropped. */
    strings(key: string): string[] {
      const v = get<unknown>(key, []);
      return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : [];
    },
    /** `true` unless the setting is exactly the other boolean. */
    flag(key: string, fallback: boolean): boolean {
      const v = get<unknown>(key, fallback);
      return fallback ? v !== false : v === true;
    },
    raw<T>(key: string, fallback: T): unknown {
      return get<unknown>(key, fallback);
    },
  };
}

/** `realm.*` (outside `realm.healer`), clamped to the documented ranges. */
export function readSettings(get: SettingGetter): RealmSettings {
  const r = settingReader(get);
  return {
    prometheusUrl: r.string('prometheusUrl', 'http://127.0.0.1:9090'),
    alertmanagerUrl: r.string('alertmanagerUrl', 'http://127.0.0.1:9093'),
    lokiUrl: r.string('lokiUrl', 'http://127.0.0.1:3100'),
    lokiTenantId: r.string('lokiTenantId', ''),
    grafanaUrl: r.string('grafanaUrl', 'http://127.0.0.1:3000'),
    composeFiles: r.strings('composeFiles'),
    composeProjectName: r.string('composeProjectName', ''),
    arcanumTarget: r.string('arcanumTarget', 'host.docker.internal:8000'),
    pollIntervalSeconds: r.number('pollIntervalSeconds', 2, { min: 1, max: 300, outOfRange: 'clamp' }),
    notifyOnCritical: r.flag('alerts.notifyOnCritical', true),
    tailBufferLines: Math.floor(r.number('logs.tailBufferLines', 5000, { min: 100, max: 100_000, outOfRange: 'clamp' })),
  };
}

/** `realm.healer.*` (plus Workspace Trust and the folder relative log directories resolve against), times in ms. */
export function readHealerSettings(get: SettingGetter, trusted: boolean, baseDir?: string): HealerSettings {
  const d = DEFAULT_HEALER_SETTINGS;
  const r = settingReader(get);
  const margin = (key: string, fallback: number) => r.number(key, fallback, { min: 0, outOfRange: 'default' });
  const minReplicas = r.raw('minReplicas', {});
  return {
    enabled: r.flag('enabled', d.enabled),
    dryRun: r.flag('dryRun', d.dryRun),
    trusted,
    optOut: r.strings('optOut'),
    graceMs: margin('gracePeriodSeconds', d.graceMs / 1000) * 1000,
    backoffMs: margin('backoffSeconds', d.backoffMs / 1000) * 1000,
    engineRestartGraceMs: margin('engineRestartGraceSeconds', d.engineRestartGraceMs / 1000) * 1000,
    minReplicas:
      minReplicas && typeof minReplicas === 'object'
        ? (Object.fromEntries(Object.entries(minReplicas).filter(([, v]) => Number.isInteger(v) && (v as number) >= 1)) as Record<string, number>)
        : {},
    maxActionsPerHour: Math.floor(r.number('maxActionsPerHour', d.maxActionsPerHour, { min: 1, outOfRange: 'default' })),
    rules: parseHealRules(r.raw('rules', [])),
    stopTimeoutSeconds: margin('stopTimeoutSeconds', d.stopTimeoutSeconds),
    logDirectories: r.strings('logDirectories'),
    logMaxAgeDays: margin('logMaxAgeDays', d.logMaxAgeDays),
    pruneBuildCache: r.flag('pruneBuildCache', d.pruneBuildCache),
    baseDir,
  };
}

/** What the Settings module needs from VS Code (vscode.workspace in the extension), so it stays vscode-free. */
export interface ConfigurationHost {
  /** `getConfiguration(section).get`. */
  get: (section: string) => SettingGetter;
  /** Writes one key of a section where the user expects it (the workspace's settings when a folder is open). */
  update: (section: string, key: string, value: unknown) => PromiseLike<void>;
  onDidChangeConfiguration: Event<SettingsChange>;
  isTrusted: () => boolean;
}

/**
 * The one place `realm.*` settings are read and written. Reads are live (VS Code updates its configuration and
 * fires the change event in one step, so a read after a change sees it); `onDidChange` relays VS Code's event
 * once for every listener, which asks `affectsConfiguration` for the sections it cares about.
 */
export class Settings extends Disposable {
  private readonly changes = this.register(new Emitter<SettingsChange>());
  /** Fired after a `realm.*` setting changed. */
  readonly onDidChange: Event<SettingsChange> = this.changes.event;

  constructor(
    private readonly host: ConfigurationHost,
    private readonly baseDir: () => string | undefined = () => undefined,
  ) {
    super();
    this.register(
      host.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('realm')) this.changes.fire(e);
      }),
    );
  }

  /** `realm.*` now. */
  realm(): RealmSettings {
    return readSettings(this.host.get('realm'));
  }

  /** `realm.healer.*` now, with the current trust and app folder. */
  healer(): HealerSettings {
    return readHealerSettings(this.host.get('realm.healer'), this.host.isTrusted(), this.baseDir());
  }

  /** Rewrites `realm.healer.optOut` through `update(current)`; nothing is written when the list stays the same. */
  async updateHealerOptOut(update: (current: string[]) => string[]): Promise<void> {
    const current = settingReader(this.host.get('realm.healer')).strings('optOut');
    const next = update(current);
    if (next.length === current.length && next.every((v, i) => v === current[i])) return;
    await this.host.update('realm.healer', 'optOut', next);
  }
}
