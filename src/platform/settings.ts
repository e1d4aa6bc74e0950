import type * as vscode from 'vscode';

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

/**
 * Reads the settings through a `getConfiguration`-shaped function (vscode.workspace.getConfiguration
 * in the extension), clamping nonsense (negative intervals) to the documented range. The healer's
 * settings are read by `readHealerSettings` (src/healer/healerSettings.ts).
 */
export function readSettings(getConfiguration: (section: string) => vscode.WorkspaceConfiguration): RealmSettings {
  const c = getConfiguration('realm');
  const num = (key: string, def: number, min: number, max: number) => {
    const v = c.get<number>(key, def);
    return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
  };
  const str = (key: string, def: string) => {
    const v = c.get<string>(key, def);
    return typeof v === 'string' ? v.trim() : def;
  };
  return {
    prometheusUrl: str('prometheusUrl', 'http://127.0.0.1:9090'),
    alertmanagerUrl: str('alertmanagerUrl', 'http://127.0.0.1:9093'),
    lokiUrl: str('lokiUrl', 'http://127.0.0.1:3100'),
    lokiTenantId: str('lokiTenantId', ''),
    grafanaUrl: str('grafanaUrl', 'http://127.0.0.1:3000'),
    composeFiles: (c.get<string[]>('composeFiles', []) ?? []).filter((f) => typeof f === 'string' && f.trim() !== ''),
    composeProjectName: str('composeProjectName', ''),
    arcanumTarget: str('arcanumTarget', 'host.docker.internal:8000'),
    pollIntervalSeconds: num('pollIntervalSeconds', 2, 1, 300),
    notifyOnCritical: c.get<boolean>('alerts.notifyOnCritical', true) !== false,
    tailBufferLines: Math.floor(num('logs.tailBufferLines', 5000, 100, 100_000)),
  };
}
