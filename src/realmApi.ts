import type * as vscode from 'vscode';
import type { AuditTrail } from './healer/auditTrail';
import type { Healer } from './healer/healer';
import type { AlertStore } from './state/alertStore';
import type { IncidentStore } from './state/incidentStore';
import type { ServiceStore } from './state/serviceStore';
import type { WorkspaceProjects } from './state/workspaceProjects';
import type { AlertsTreeProvider } from './views/alertsTree';
import type { HealerTreeProvider } from './views/healerTree';
import type { ServicesTreeProvider } from './views/servicesTree';
import type { IncidentPanels } from './webviews/incidentPanel';
import type { LogsPanels } from './webviews/logsPanel';
import type { MetricsPanels } from './webviews/metricsPanel';

/**
 * What activate() returns, for the host-tier tests (test/host) and nothing else: read-only facets of the live
 * objects those tests observe (snapshots, tree children, events, the views they reveal in) plus the two healer
 * calls they set a scene with. Not an API for other extensions: it may change with the tests.
 */
export interface RealmApi {
  /** How long activate() itself took (the start-up test's figure). */
  readonly activatedInMs: number;
  readonly serviceStore: Pick<ServiceStore, 'snapshot' | 'onDidChange'>;
  readonly alertStore: Pick<AlertStore, 'snapshot' | 'onDidChange'>;
  readonly workspaceProjects: Pick<WorkspaceProjects, 'current' | 'resolve' | 'resolved'>;
  readonly audit: Pick<AuditTrail, 'entries' | 'onDidChange'>;
  readonly incidents: Pick<IncidentStore, 'all' | 'get' | 'openOf' | 'latestOf'>;
  readonly healer: Pick<Healer, 'serviceStates' | 'onDidStartAction' | 'onDidFinishAction' | 'isIdle' | 'resetBudget'>;
  readonly servicesTree: Pick<ServicesTreeProvider, 'getChildren' | 'onDidChangeTreeData'>;
  readonly alertsTree: Pick<AlertsTreeProvider, 'getChildren' | 'onDidChangeTreeData'>;
  readonly healerTree: Pick<HealerTreeProvider, 'getChildren' | 'onDidChangeTreeData'>;
  readonly servicesView: vscode.TreeView<unknown>;
  readonly alertsView: vscode.TreeView<unknown>;
  readonly statusBarItem: Pick<vscode.StatusBarItem, 'text' | 'tooltip' | 'command' | 'backgroundColor'>;
  /** What each panel posted to its webview. */
  readonly metricsPanels: Pick<MetricsPanels, 'onDidPost'>;
  readonly logsPanels: Pick<LogsPanels, 'onDidPost'>;
  readonly incidentPanels: Pick<IncidentPanels, 'onDidPost'>;
}
