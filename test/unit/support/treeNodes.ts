/** Nodes of every kind and state the Realm trees build, for tests of menus and looks (vscode shim). */
import type { Silence } from '../../../src/clients/alertmanagerTypes';
import type { RealmAlert } from '../../../src/core/alerts';
import type { ContainerInfo, ServiceGroup } from '../../../src/core/containers';
import { groupByService } from '../../../src/core/containers';
import type { Incident } from '../../../src/core/incidents';
import type { AuditEntry } from '../../../src/healer/auditTrail';
import type { ServiceHealState } from '../../../src/healer/healer';
import { DEFAULT_HEALER_SETTINGS } from '../../../src/core/healerSettings';
import { AlertDetailNode, AlertNode, SeverityGroupNode, SilenceNode, SilencesNode } from '../../../src/views/alertNodes';
import { DecisionNode, HealerGroupNode, HealerModeNode, ServiceBudgetNode, UnactionableAlertNode } from '../../../src/views/healerNodes';
import { IncidentNode, TimelineNode } from '../../../src/views/incidentsTree';
import { ContainerNode, ProjectNode, ServiceNode } from '../../../src/views/serviceNodes';
import type { ServiceHealing } from '../../../src/views/serviceNodes';
import { containerInfo } from '../../support/containerInfo';

export const NOW = Date.UTC(2026, 10, 28, 11, 0, 0);

export function container(over: Partial<ContainerInfo> = {}): ContainerInfo {
  return containerInfo({
    id: `id-${over.service ?? 'web'}-${over.number ?? 1}-${over.state ?? 'running'}`,
    name: `app-${over.service ?? 'web'}-${over.number ?? 1}`,
    image: 'busybox',
    createdAt: NOW - 600_000,
    startedAt: NOW - 49_000,
    ...over,
  });
}

export function group(containers: ContainerInfo[], service = 'web'): ServiceGroup {
  return groupByService(containers, [{ project: 'app', service }]).find((g) => g.service === service)!;
}

/** One service node per state a user can meet, named by the state. */
export function serviceStates(): Record<string, { node: ServiceNode; group: ServiceGroup; healing: ServiceHealing }> {
  const exited = (exitCode: number, oomKilled = false) => container({ state: 'exited', exitCode, oomKilled, startedAt: undefined, finishedAt: NOW - 5_000 });
  const cases: Record<string, [ContainerInfo[], ServiceHealing]> = {
    running: [[container()], {}],
    healthy: [[container({ health: 'healthy' })], {}],
    unhealthy: [[container({ health: 'unhealthy' })], {}],
    starting: [[container({ health: 'starting' })], {}],
    restarting: [[container({ state: 'restarting' })], {}],
    partial: [[container(), container({ number: 2, state: 'exited', exitCode: 1, startedAt: undefined })], {}],
    paused: [[container({ state: 'paused' })], {}],
    stoppedByUser: [[exited(143)], { stoppedByUserAt: NOW - 60_000, text: 'left alone: stopped by the user at 10:59' }],
    exitedCleanly: [[exited(0)], {}],
    crashed: [[exited(1)], {}],
    oomKilled: [[exited(137, true)], {}],
    gaveUp: [[exited(1)], { gaveUp: true, text: 'gave up' }],
    notCreated: [[], {}],
  };
  return Object.fromEntries(
    Object.entries(cases).map(([name, [cs, healing]]) => {
      const g = group(cs);
      return [name, { node: new ServiceNode(g, NOW, undefined, healing, 'app'), group: g, healing }];
    }),
  );
}

const alert = (over: Partial<RealmAlert> = {}): RealmAlert => ({
  key: `fp-${over.state ?? 'firing'}-${over.source ?? 'am'}`,
  name: 'ServiceDown',
  state: 'firing',
  severity: 'critical',
  labels: { alertname: 'ServiceDown', service: 'web' },
  annotations: { summary: 'down' },
  since: NOW - 180_000,
  silencedBy: [],
  inhibitedBy: [],
  generatorURL: 'http://p/graph',
  source: 'alertmanager',
  ...over,
});
const silence = (state: Silence['state']): Silence => ({
  id: `s-${state}`,
  matchers: [{ name: 'alertname', value: 'ServiceDown', isRegex: false, isEqual: true }],
  startsAt: NOW - 1000,
  endsAt: NOW + 3_600_000,
  updatedAt: NOW,
  createdBy: 'a',
  comment: 'c',
  state,
});

const healState = (over: Partial<ServiceHealState> = {}): ServiceHealState => ({
  key: 'app/web',
  ref: { project: 'app', service: 'web' },
  budget: { key: 'app/web', used: 1, max: 3, remaining: 2 },
  gaveUp: false,
  inFlight: false,
  ...over,
});
const entry = (outcome: AuditEntry['outcome']): AuditEntry => ({
  id: `e-${outcome}`,
  time: NOW - 5_000,
  trigger: { kind: 'manual' } as AuditEntry['trigger'],
  service: 'app/web',
  action: 'restart',
  outcome,
  durationMs: 10,
});
const incident = (open: boolean): Incident =>
  ({
    id: `i-${open}`,
    key: 'app/web',
    project: 'app',
    service: 'web',
    cause: 'crash',
    openedAt: NOW - 120_000,
    closedAt: open ? undefined : NOW,
    exitCode: 1,
    firing: [],
    timeline: [{ time: NOW - 120_000, kind: 'die', text: 'died' }],
  }) as unknown as Incident;

/** Every node kind of every view, as [view id, node]. */
export function everyNode(): Array<[string, { contextValue?: string; label?: unknown }]> {
  const services = Object.values(serviceStates()).map((s) => s.node);
  const containers = Object.values(serviceStates()).flatMap((s) => s.group.containers.map((c) => new ContainerNode(c, NOW, s.healing)));
  const firing = alert();
  const alerts = [
    firing,
    alert({ state: 'pending' }),
    alert({ state: 'suppressed', silencedBy: ['s-active'] }),
    alert({ state: 'suppressed', inhibitedBy: ['x'] }),
    alert({ source: 'prometheus' }),
  ];
  const sched = {
    key: 'app/web',
    ref: { project: 'app', service: 'web' },
    action: 'restart',
    kind: 'backoff',
    at: NOW + 8_000,
    why: 'back-off',
    trigger: { kind: 'manual' },
  } as unknown as ServiceHealState['scheduled'];
  return [
    ...[new ProjectNode('app', 'app', []), new ProjectNode('realm-stack', 'stack', [])].map((n) => ['realm.services', n] as [string, ProjectNode]),
    ...services.map((n) => ['realm.services', n] as [string, ServiceNode]),
    ...containers.map((n) => ['realm.services', n] as [string, ContainerNode]),
    ['realm.alerts', new SeverityGroupNode({ severity: 'critical', alerts }, undefined, NOW)],
    ...alerts.map((a) => ['realm.alerts', new AlertNode(a, NOW, [silence('active')])] as [string, AlertNode]),
    ['realm.alerts', new AlertDetailNode(firing, 'label', 'service', 'web')],
    ['realm.alerts', new AlertDetailNode(firing, 'annotation', 'summary', 'x')],
    ['realm.alerts', new SilencesNode([silence('active')])],
    ['realm.alerts', new SilenceNode(silence('active'), 1, NOW)],
    ['realm.alerts', new SilenceNode(silence('pending'), 0, NOW)],
    ['realm.healer', new HealerModeNode(DEFAULT_HEALER_SETTINGS, true)],
    ['realm.healer', new HealerGroupNode('budgets', 1)],
    ...[
      healState(),
      healState({ gaveUp: true }),
      healState({ scheduled: sched }),
      healState({ optedOut: 'setting' }),
      healState({ optedOut: 'label' }),
      healState({ key: '(cleanup)', ref: { project: '', service: '(cleanup)' } }),
    ].map((s) => ['realm.healer', new ServiceBudgetNode(s, NOW)] as [string, ServiceBudgetNode]),
    ...(['done', 'failed', 'skipped'] as const).map((o) => ['realm.healer', new DecisionNode(entry(o), NOW)] as [string, DecisionNode]),
    ['realm.healer', new UnactionableAlertNode('Foo', [entry('skipped')], NOW)],
    ['realm.incidents', new IncidentNode(incident(true), NOW)],
    ['realm.incidents', new IncidentNode(incident(false), NOW)],
    ['realm.incidents', new TimelineNode(incident(true), incident(true).timeline[0], 0)],
  ];
}
