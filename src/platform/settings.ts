import type * as vscode from 'vscode';

/** Every `realm.*` setting the extension reads, typed, with defaults matching package.json. */
export interface RealmSettings {
  prometheusUrl: string;
  alertmanagerUrl: string;
  lokiUrl: string;
  grafanaUrl: string;
  composeFiles: string[];
  composeProjectName: string;
  pollIntervalSeconds: number;
  healer: { enabled: boolean; dryRun: boolean; maxActionsPerHour: number };
}

/**
 * Reads the settings through a `getConfiguration`-shaped function (vscode.workspace.getConfiguration
 * in the extension), clamping nonsense (negative intervals) to the documented range.
 */
export function readSettings(getConfiguration: (section: string) => vscode.WorkspaceConfiguration): RealmSettings {
  const c = getConfiguration('realm');
  const num = (key: string, def: number, min: number, max: number) => {
    const v = c.get<number>(key, def);
    return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
  };
  return {
    prometheusUrl: c.get<string>('prometheusUrl', 'http://127.0.0.1:9090'),
    alertmanagerUrl: c.get<string>('alertmanagerUrl', 'http://127.0.0.1:9093'),
    lokiUrl: c.get<string>('lokiUrl', 'http://127.0.0.1:3100'),
    grafanaUrl: c.get<string>('grafanaUrl', 'http://127.0.0.1:3000'),
    composeFiles: c.get<string[]>('composeFiles', []),
    composeProjectName: c.get<string>('composeProjectName', ''),
    pollIntervalSeconds: num('pollIntervalSeconds', 2, 1, 300),
    healer: {
      enabled: c.get<boolean>('healer.enabled', true),
      dryRun: c.get<boolean>('healer.dryRun', false),
      maxActionsPerHour: num('healer.maxActionsPerHour', 3, 1, 100),
    },
  };
}
