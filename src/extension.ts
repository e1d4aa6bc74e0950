import * as vscode from 'vscode';
import { BackendClients, BackendConfig, currentAlertmanager, currentAlertSources } from './clients/backendClients';
import { lazyComposeRunner } from './clients/composeLifecycle';
import { appFolder, isComposeFileOf } from './core/composeProject';
import { DockerClient } from './clients/dockerClient';
import { vscodeAlertUi } from './commands/alertCommands';
import { CriticalAlertNotifier, healedRecently } from './notifications/criticalAlertNotifier';
import { alertCommandTable } from './commands/alertCommandTable';
import { loadBackendAuth, setBackendCredentials } from './commands/backendCredentials';
import { openBackendSettings } from './commands/backendSettings';
import { openGrafana } from './commands/openInGrafana';
import { watchRemoteBackends } from './notifications/remoteBackendWarning';
import { healerCommandTable } from './commands/healerCommands';
import { registerGaveUpNotifications } from './notifications/gaveUpNotification';
import { HealerStatusHint } from './views/healerStatusHint';
import { CommandTable, registerCommands } from './commands/registry';
import { stackCommandTable } from './commands/stackCommands';
import { RateLimiter } from './core/rateLimiter';
import { HealActions } from './healer/actions';
import { AuditTrail } from './healer/auditTrail';
import { Healer } from './healer/healer';
import type { HealableAlert } from './healer/alertSource';
import { HealerLease } from './healer/lease';
import { LokiDecisionLog } from './healer/lokiDecisionLog';
import { systemClock, systemTimers } from './platform/clock';
import { Settings } from './platform/settings';
import type { RealmApi } from './realmApi';
import { vscodeConfiguration } from './vscodeConfiguration';
import { followVisibility } from './views/viewVisibility';
import { AlertStore, firingAlertSource } from './state/alertStore';
import { ServiceStore, storeContainerSource } from './state/serviceStore';
import { ScrapeTargetStore } from './state/scrapeTargetStore';
import { AlertsTreeProvider } from './views/alertsTree';
import { HealerTreeProvider } from './views/healerTree';
import { ServicesTreeProvider } from './views/servicesTree';
import { AlertStatusBar } from './views/statusBar';
import { LogsPanels } from './webviews/logsPanel';
import { MetricsPanels } from './webviews/metricsPanel';
import { IncidentPanels } from './webviews/incidentPanel';
import { registerPanelSerializers } from './webviews/panelSerializers';
import { WorkspaceProjects } from './state/workspaceProjects';
import { clearComposeProblems, showComposeProblems } from './commands/composeDiagnostics';
import { logsArgument, metricsQuery, rangeArgument, silenceAuthor } from './commands/commandArguments';
import { readContainerLogs } from './clients/containerLogs';
import { incidentCommandTable } from './commands/incidentCommands';
import { ContainerLogDocuments, LOGS_SCHEME } from './commands/containerLogsDocument';
import { IncidentStore } from './state/incidentStore';
import { crashReason } from './core/incidents';
import { bothEvents } from './platform/event';
import { IncidentsTreeProvider } from './views/incidentsTree';

export type { RealmApi } from './realmApi';

/** The composition root: builds every object, wires them, and hands each to `context.subscriptions`. */
export async function activate(context: vscode.ExtensionContext): Promise<RealmApi> {
  const started = performance.now();
  // the one clock: every timestamp, age and countdown below reads it, so tests can drive time
  const clock = systemClock;
  const subs = context.subscriptions;
  const logger = vscode.window.createOutputChannel('Realm Observability', { log: true });
  const showLogs = () => logger.show(true);
  // the one settings reader and writer; changes reach the objects below through `realmSettings.onDidChange`
  const realmSettings = new Settings(vscodeConfiguration(), () => appFolderPath);
  const settings = () => realmSettings.realm();
  // the app folder is chosen once and again when folders or compose files change (it stats files)
  let appFolderPath: string | undefined;
  const chooseAppFolder = () =>
    (appFolderPath = appFolder(
      (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      settings().composeFiles.length > 0,
    ));
  chooseAppFolder();
  const folder = () => appFolderPath;
  const healerSettings = () => realmSettings.healer();
  const diagnostics = vscode.languages.createDiagnosticCollection('realm-compose');
  subs.push(logger, diagnostics, realmSettings);

  // Backends: the Docker engine (DOCKER_HOST) and the HTTP backends (settings + SecretStorage auth).
  const docker = new DockerClient({ clock });
  // The clients are rebuilt when a backend setting changes (they subscribe first, so every other
  // listener below already sees the new clients); credentials come from SecretStorage (async) and
  // are re-read when secrets change.
  let auth: BackendConfig['auth'] = {};
  const backends = new BackendClients(() => ({ ...settings(), auth }), realmSettings.onDidChange);
  const reloadAuth = async () => {
    auth = await loadBackendAuth(context.secrets);
    backends.refresh();
  };
  void reloadAuth();
  subs.push(
    backends,
    watchRemoteBackends({
      settings,
      state: context.globalState,
      warn: (m) => vscode.window.showWarningMessage(m),
      onDidChangeConfiguration: realmSettings.onDidChange,
      logger,
    }),
  );

  // Stores: the only objects that fetch. Views and the healer subscribe to them.
  // the compose CLI gets DOCKER_HOST only when the user set it; otherwise it follows its docker context
  const composeRunner = lazyComposeRunner(process.env.DOCKER_HOST);
  const workspaceProjects = new WorkspaceProjects({
    folder,
    settings,
    composeRunner,
    logger,
    memory: context.workspaceState,
    isTrusted: () => vscode.workspace.isTrusted,
    onComposeProblem: (err, files) => void (err ? showComposeProblems(diagnostics, err, folder()) : clearComposeProblems(diagnostics, files)),
    onNoComposeCli: (message) => {
      logger.warn(message);
      void vscode.window.showWarningMessage(message);
    },
    engineProjectOf: (dir) => docker.composeProjectOfFolder(dir),
  });
  const serviceStore = new ServiceStore(docker, workspaceProjects.current, logger, { clock });
  subs.push(
    serviceStore,
    workspaceProjects,
    workspaceProjects.onDidChange((p) => serviceStore.setProjects(p)),
  );
  const alertStore = new AlertStore(currentAlertSources(backends), { logger, intervalMs: settings().pollIntervalSeconds * 1000 });
  subs.push(alertStore);

  const scrapeTargets = new ScrapeTargetStore(() => backends.prometheus, logger, undefined, clock);

  // Healer: engine events and firing alerts → policy → persistent rate limit → actions → audit trail.
  const audit = new AuditTrail(context.workspaceState, clock, logger);
  const lease = new HealerLease({ directory: (context.storageUri ?? context.globalStorageUri).fsPath, logger, clock });
  const healer = new Healer({
    docker,
    actions: new HealActions(docker),
    audit,
    clock,
    logger,
    settings: healerSettings,
    lease,
    rateLimiter: new RateLimiter(context.workspaceState, clock, { maxActionsPerHour: healerSettings().maxActionsPerHour }),
    // nothing is healed on a guessed project name: only once compose's own naming is known
    projects: () => (workspaceProjects.resolved ? workspaceProjects.current.filter((p) => p.role === 'app').map((p) => p.name) : []),
    // one event stream and one container state for the tree and the healer: the healer fetches nothing itself
    alerts: firingAlertSource(alertStore),
    engineEvents: serviceStore.onEngineEvent,
    containers: storeContainerSource(serviceStore),
    state: context.workspaceState,
    // a target never up since the stack started is a wrong address: shown, not healed
    configurationProblem: (alert) => scrapeTargets.configurationProblem(alert.labels),
  });

  // Incidents: engine events, alerts and the healer's decisions joined per service, kept in workspace state.
  const incidents = new IncidentStore(
    {
      engineEvents: serviceStore.onEngineEvent,
      services: serviceStore,
      alerts: alertStore.onDidChange,
      decisions: audit.onDidChange,
      projects: () => workspaceProjects.current.filter((p) => p.role === 'app').map((p) => p.name),
      inspect: (id) => docker.inspectContainer(id),
      lastLines: (id, tail, untilMs) => readContainerLogs(docker, id, { tail, timestamps: false, untilMs }),
    },
    { memento: context.workspaceState, clock, timers: systemTimers, logger },
  );
  // the open incident's reason, while the service's container still shows that crash (a later stop is not it)
  const crashReasonOf = (key: string) => {
    const i = incidents.openOf(key);
    const c = serviceStore.snapshot.groups.find((g) => `${g.project}/${g.service}` === key)?.containers[0];
    return i && (i.cause !== 'crash' || c?.exitCode === i.exitCode) ? crashReason(i) : undefined;
  };

  // Views. The Services tree redraws when the healer's state or an incident's reason changes.
  const treeHealer = { serviceStates: () => healer.serviceStates(), onDidChange: bothEvents(healer.onDidChange, incidents.onDidChange) };
  const servicesTree = new ServicesTreeProvider(serviceStore, scrapeTargets, treeHealer, clock, systemTimers, crashReasonOf);
  const servicesView = vscode.window.createTreeView('realm.services', { treeDataProvider: servicesTree, showCollapseAll: true });
  const alertsTree = new AlertsTreeProvider(
    alertStore,
    undefined,
    clock,
    (m) => {
      alertsView.message = m;
    },
    scrapeTargets,
  );
  const alertsView = vscode.window.createTreeView('realm.alerts', { treeDataProvider: alertsTree, showCollapseAll: true });
  const statusBar = new AlertStatusBar(alertStore, undefined, clock);
  subs.push(scrapeTargets, servicesTree, servicesView, alertsTree, alertsView, statusBar);
  subs.push(serviceStore.onDidChange((s) => void vscode.commands.executeCommand('setContext', 'realm.engine', s.engine)));
  // App Up / Down lead the Services title bar when the workspace has a compose project; Stack Up otherwise
  const hasApp = () =>
    void vscode.commands.executeCommand(
      'setContext',
      'realm.hasAppProject',
      workspaceProjects.current.some((p) => p.role === 'app'),
    );
  hasApp();
  subs.push(workspaceProjects.onDidChange(hasApp));
  const logDocuments = new ContainerLogDocuments((id, tail) => readContainerLogs(docker, id, { tail }));
  subs.push(logDocuments, vscode.workspace.registerTextDocumentContentProvider(LOGS_SCHEME, logDocuments));

  const healerTree = new HealerTreeProvider({ healer, audit, settings: healerSettings, clock, lease });
  const healerView = vscode.window.createTreeView('realm.healer', { treeDataProvider: healerTree });
  const healerDeps = {
    healer,
    audit,
    settings: healerSettings,
    updateOptOut: (u: (current: string[]) => string[]) => realmSettings.updateHealerOptOut(u),
    clock,
    logger,
    showLogs,
    crashReason: crashReasonOf,
  };
  subs.push(lease, healer, healerTree, healerView, registerGaveUpNotifications(healerDeps), new HealerStatusHint(healer));
  subs.push(lease.onDidChange(() => healerTree.refresh()));
  // every decision also goes to Loki (Grafana's "Self-healing actions"), queued and retried, never in an action's way
  const credentials = () => Object.values(auth).flatMap((a) => (a?.kind === 'basic' ? [a.password] : a?.kind === 'bearer' ? [a.token] : []));
  subs.push(
    new LokiDecisionLog({
      decisions: audit.onDidChange,
      backlog: () => audit.entries(),
      state: context.workspaceState,
      loki: () => backends.loki,
      clock,
      logger,
      knownSecrets: credentials,
    }),
  );

  const incidentsTree = new IncidentsTreeProvider(incidents, clock);
  const incidentsView = vscode.window.createTreeView('realm.incidents', { treeDataProvider: incidentsTree });
  subs.push(incidents, incidentsTree, incidentsView);

  // Views report their visibility: hidden views do no work, and alerts poll faster while one is visible.
  const visibility = followVisibility(
    [
      [servicesView, servicesTree],
      [alertsView, alertsTree],
      [healerView, healerTree],
      [incidentsView, incidentsTree],
    ],
    (any) => alertStore.setVisible(any),
  );
  subs.push(visibility);

  // Webview panels: the extension fetches, the webviews render.
  const grafana = () => ({ url: settings().grafanaUrl, prometheusUid: 'prometheus', lokiUid: 'loki' });
  const openGrafanaPage = (url: string) => openGrafana({ grafanaUrl: () => settings().grafanaUrl, secrets: context.secrets }, url);
  const metricsPanels = new MetricsPanels({
    extensionUri: context.extensionUri,
    logger,
    openGrafana: openGrafanaPage,
    prometheus: () => backends.prometheus,
    grafana,
  });
  // the Logs panel's examples name the workspace's own services first, then the stack's
  const services = () =>
    [...serviceStore.snapshot.groups].sort((a, b) => Number(roleOf(b.project) === 'app') - Number(roleOf(a.project) === 'app')).map((g) => g.service);
  const roleOf = (project: string) => serviceStore.snapshot.projects.find((p) => p.name === project)?.role;
  const logsPanels = new LogsPanels({
    extensionUri: context.extensionUri,
    logger,
    openGrafana: openGrafanaPage,
    loki: () => backends.loki,
    grafana,
    tailCapacity: () => settings().tailBufferLines,
    services,
  });
  // the Incident panel's links go through the extension's own commands, never a URL from the page
  const incidentPanels = new IncidentPanels({
    extensionUri: context.extensionUri,
    logger,
    incidents,
    loki: () => backends.loki,
    prometheus: () => backends.prometheus,
    follow: {
      logs: (query, startMs, endMs) => vscode.commands.executeCommand('realm.searchLogs', { query, startMs, endMs }),
      metrics: (query, startMs, endMs) => vscode.commands.executeCommand('realm.openMetrics', { query, startMs, endMs }),
      alertmanager: (alert) => vscode.commands.executeCommand('realm.alerts.openInAlertmanager', alert),
    },
  });
  subs.push(metricsPanels, logsPanels, incidentPanels, ...registerPanelSerializers(metricsPanels, logsPanels, incidentPanels));

  // Commands: one table, one error handler.
  const alertDeps = { alertmanager: currentAlertmanager(backends), store: alertStore, ui: vscodeAlertUi(), userName: silenceAuthor, logger, clock };
  subs.push(
    new CriticalAlertNotifier(alertStore, alertDeps, {
      enabled: () => settings().notifyOnCritical,
      alreadyHandled: (a) => healedRecently(audit.entries(), a, clock.now()),
    }),
  );
  const commands: CommandTable = {
    'realm.showLogs': showLogs,
    'realm.refresh': async () => {
      await Promise.all([serviceStore.refresh(), alertStore.refresh()]);
      healerTree.refresh();
    },
    'realm.openMetrics': (arg?: unknown) => metricsPanels.show(metricsQuery(arg), rangeArgument(arg)),
    'realm.searchLogs': (arg?: unknown) => logsPanels.show(logsArgument(arg), rangeArgument(arg)),
    'realm.useExistingBackends': openBackendSettings,
    'realm.gettingStarted': () => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#realm.gettingStarted`, false),
    'realm.setBackendCredentials': async () => {
      if (await setBackendCredentials(context.secrets, (b) => settings()[`${b}Url`])) await reloadAuth();
    },
    ...stackCommandTable({
      docker,
      composeRunner,
      output: logger,
      diagnostics,
      secrets: context.secrets,
      extensionPath: context.extensionUri.fsPath,
      storagePath: context.globalStorageUri.fsPath,
      settings,
      workspaceFolder: folder,
      isTrusted: () => vscode.workspace.isTrusted,
      afterChange: () => {
        void serviceStore.refresh();
        void workspaceProjects.resolve();
      },
      services: () => serviceStore.snapshot.groups,
      logDocuments,
    }),
    ...alertCommandTable(alertDeps),
    ...healerCommandTable(healerDeps),
    ...incidentCommandTable({
      incidents,
      clock,
      open: (i) => incidentPanels.show(i),
      reveal: (i) => incidentsView.reveal(incidentsTree.nodeOf(i), { select: true, focus: false, expand: true }),
    }),
    'realm.healAlert': (alert?: HealableAlert) => (alert ? healer.healAlert(alert) : undefined),
  };
  subs.push(...registerCommands(commands, logger, showLogs));

  subs.push(
    realmSettings.onDidChange((e) => {
      if (e.affectsConfiguration('realm.composeProjectName') || e.affectsConfiguration('realm.composeFiles')) resolveProjects();
      if (e.affectsConfiguration('realm.pollIntervalSeconds')) alertStore.setIntervals(settings().pollIntervalSeconds * 1000);
      // a backend moved: poll it now (the clients follow the settings on their next use)
      if (e.affectsConfiguration('realm.alertmanagerUrl') || e.affectsConfiguration('realm.prometheusUrl')) void alertStore.settingsChanged();
      if (e.affectsConfiguration('realm.healer')) healerTree.refresh();
    }),
  );
  subs.push(context.secrets.onDidChange(() => void reloadAuth()));
  // a fixed (or broken) compose, override, extends/include or .env file re-resolves the project
  const composeWatcher = vscode.workspace.createFileSystemWatcher('**/{*.yaml,*.yml,.env,*.env}');
  const resolveProjects = (uri?: vscode.Uri) => {
    if (uri && !workspaceProjects.isWatched(uri.fsPath) && !isComposeFileOf(uri.fsPath, folder(), settings().composeFiles)) return;
    chooseAppFolder();
    workspaceProjects.scheduleResolve(uri?.fsPath);
  };
  subs.push(
    composeWatcher,
    composeWatcher.onDidChange(resolveProjects),
    composeWatcher.onDidCreate(resolveProjects),
    composeWatcher.onDidDelete(resolveProjects),
  );
  // a save in the editor is known at once; the watcher's event for it follows later and is dropped as unchanged
  subs.push(
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.uri.scheme === 'file') resolveProjects(doc.uri);
    }),
  );
  subs.push(vscode.workspace.onDidChangeWorkspaceFolders(() => resolveProjects()));
  subs.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      healerTree.refresh();
      void workspaceProjects.resolve();
    }),
  );

  // Start-up work (engine stream, compose CLI detection, polling, the healer's lease) begins after
  // activate() returns, so VS Code's start-up never waits for it.
  const kickoff = setTimeout(() => {
    visibility.update();
    void workspaceProjects.resolve();
    void lease
      .start()
      .then(() => healer.start())
      .catch((e: Error) => logger.error(`Healer did not start: ${e.message}`));
  }, 0);
  subs.push({ dispose: () => clearTimeout(kickoff) });

  const activatedInMs = performance.now() - started;
  logger.info(`Realm Observability activated in ${activatedInMs.toFixed(1)} ms`);
  return {
    activatedInMs,
    serviceStore,
    servicesTree,
    servicesView: servicesView as vscode.TreeView<unknown>,
    alertStore,
    alertsTree,
    alertsView: alertsView as vscode.TreeView<unknown>,
    statusBarItem: statusBar.item,
    healer,
    audit,
    healerTree,
    metricsPanels,
    logsPanels,
    workspaceProjects,
    incidents,
    incidentPanels,
  };
}

export function deactivate(): void {
  // everything is in context.subscriptions
}
