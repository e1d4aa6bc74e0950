import * as vscode from 'vscode';
import { LogsPanels } from './logsPanel';
import { MetricsPanels } from './metricsPanel';

/**
 * Lets VS Code bring the Metrics and Logs panels back after a window reload. The webviews restore
 * their own inputs with getState/setState and re-run their last query; the extension re-attaches
 * the message handling here. Needs `onWebviewPanel:realm.metrics` / `onWebviewPanel:realm.logs`
 * activation events.
 */
export function registerPanelSerializers(metrics: MetricsPanels, logs: LogsPanels): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(MetricsPanels.viewType, {
      deserializeWebviewPanel: async (panel) => metrics.revive(panel),
    }),
    vscode.window.registerWebviewPanelSerializer(LogsPanels.viewType, {
      deserializeWebviewPanel: async (panel) => logs.revive(panel),
    }),
  ];
}
