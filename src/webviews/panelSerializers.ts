import * as vscode from 'vscode';
import { IncidentPanels } from './incidentPanel';
import { LogsPanels } from './logsPanel';
import { MetricsPanels } from './metricsPanel';

/**
 * Lets VS Code bring the Metrics, Logs and Incident panels back after a window reload. The webviews restore
 * their own inputs with getState/setState and re-run their last query; the extension re-attaches
 * the message handling here. Needs `onWebviewPanel:realm.metrics` / `onWebviewPanel:realm.logs`
 * activation events (and `onWebviewPanel:realm.incident`).
 */
export function registerPanelSerializers(metrics: MetricsPanels, logs: LogsPanels, incident: IncidentPanels): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(MetricsPanels.viewType, {
      deserializeWebviewPanel: async (panel) => metrics.revive(panel),
    }),
    vscode.window.registerWebviewPanelSerializer(LogsPanels.viewType, {
      deserializeWebviewPanel: async (panel) => logs.revive(panel),
    }),
    vscode.window.registerWebviewPanelSerializer(IncidentPanels.viewType, {
      deserializeWebviewPanel: async (panel) => incident.revive(panel),
    }),
  ];
}
