/** The Services view's node kinds: a compose project, a service, one of its containers. */
import * as vscode from 'vscode';
import { ContainerInfo, containerStatus, ServiceGroup } from '../core/containers';
import { formatDuration } from '../core/duration';
import type { ServiceScrapeHealth } from '../core/scrapeTargets';
import { contextValue } from './contextValues';
import { containerLook, HealFacts, Look, serviceLook, upSince } from './serviceLook';

/** What the healer says about a service: its facts (stopped, gave up) and its words ("restart in 8 s …"). */
export interface ServiceHealing extends HealFacts {
  text?: string;
}

function themeIcon(look: Look): vscode.ThemeIcon {
  return new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
}

const isUp = (c: ContainerInfo) => c.state === 'running' || c.state === 'restarting';

/** A compose project (shown as a root only when more than one project has services). */
export class ProjectNode extends vscode.TreeItem {
  constructor(
    readonly project: string,
    readonly role: 'app' | 'stack',
    readonly groups: ServiceGroup[],
  ) {
    super(project, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `project:${project}`;
    this.description = role === 'stack' ? 'observability stack' : 'workspace project';
    this.iconPath = new vscode.ThemeIcon(role === 'stack' ? 'pulse' : 'package');
    // `app` gets App Up / App Down inline, `stack` Stack Up / Stack Down
    this.contextValue = contextValue('realm.project', role);
  }
}

function scrapeText(scrape: ServiceScrapeHealth): string {
  if (scrape.health === 'up') return 'target up';
  if (scrape.neverUp) return 'target never up: configuration problem';
  return scrape.health === 'down' ? `target down${scrape.total > 1 ? ` (${scrape.up}/${scrape.total} up)` : ''}` : 'target unknown';
}

/** The description's parts of a service at `now`: look, uptime, replicas, restarts, scrape, the healer's word. */
export function serviceParts(group: ServiceGroup, now: number, scrape?: ServiceScrapeHealth, healing: ServiceHealing = {}): { look: Look; parts: string[] } {
  const look = serviceLook(group, healing);
  const parts = [look.text];
  const since = upSince(group.containers);
  if (since !== undefined && (look.kind === 'running' || look.kind === 'healthy' || look.kind === 'unhealthy'))
    parts.push(`up ${formatDuration(now - since, 'age')}`);
  if (group.containers.length > 1) parts.push(`${group.containers.length} replicas`);
  const restarts = group.containers.reduce((n, c) => n + c.restartCount, 0);
  if (restarts > 0) parts.push(`${restarts} restart${restarts === 1 ? '' : 's'}`);
  if (scrape) parts.push(scrapeText(scrape));
  // the healer's word: "left alone: stopped by the user at 10:42", "restart in 8 s (back-off after 2 restarts)", "gave up"
  if (healing.text) parts.push(healing.text);
  return { look, parts };
}

/** One compose service; its replicas are the children. */
export class ServiceNode extends vscode.TreeItem {
  constructor(
    readonly group: ServiceGroup,
    now: number,
    scrape?: ServiceScrapeHealth,
    healing: ServiceHealing = {},
    role?: 'app' | 'stack',
  ) {
    super(group.service, group.containers.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = `service:${group.project}/${group.service}`;
    const { look, parts } = serviceParts(group, now, scrape, healing);
    this.description = parts.join(' · ');
    this.iconPath = themeIcon(look);
    // plain text: service names and scrape errors come from compose files and servers
    const scrapeNotes = [scrape?.neverUp, scrape?.lastError && `last scrape error: ${scrape.lastError.slice(0, 300)}`].filter((x): x is string => !!x);
    this.tooltip = [`${group.service} (${group.project})`, look.meaning, ...parts.slice(1), ...scrapeNotes].join('\n');
    const containers = group.containers;
    const up = containers.some(isUp);
    const created = containers.length > 0;
    // not created: Start creates it (compose up -d); stopped replicas: Start starts them
    const startable = !up || containers.some((c) => containerStatus(c) === 'exited');
    const status = group.status === 'not-created' ? 'notCreated' : group.status;
    this.contextValue = contextValue(
      'realm.service',
      status,
      look.kind,
      role,
      startable && 'start',
      !up && 'down',
      up && 'stop',
      created && 'restart',
      created && 'logs',
    );
    this.accessibilityInformation = { label: `${group.service}, ${parts.join(', ')}` };
  }
}

/** The description's parts of a container at `now` (uptime from the same formatter as its service's). */
export function containerParts(container: ContainerInfo, now: number, healing: HealFacts = {}): { look: Look; parts: string[] } {
  const look = containerLook(container, healing);
  const parts = [look.text];
  if (container.state === 'running' && container.startedAt !== undefined) parts.push(`up ${formatDuration(now - container.startedAt, 'age')}`);
  if (container.restartCount) parts.push(`${container.restartCount} restart${container.restartCount === 1 ? '' : 's'}`);
  return { look, parts };
}

/** One container (replica) of a service. */
export class ContainerNode extends vscode.TreeItem {
  constructor(
    readonly container: ContainerInfo,
    now: number,
    healing: HealFacts = {},
  ) {
    super(container.name, vscode.TreeItemCollapsibleState.None);
    this.id = `container:${container.id}`;
    const { look, parts } = containerParts(container, now, healing);
    this.description = parts.join(' · ');
    this.iconPath = themeIcon(look);
    this.tooltip = `${container.name}\n${look.meaning}\n${container.image}\n${container.id.slice(0, 12)}`;
    const up = isUp(container);
    this.contextValue = contextValue('realm.container', containerStatus(container), look.kind, !up && 'start', !up && 'down', up && 'stop', 'restart', 'logs');
  }
}

export type ServicesTreeNode = ProjectNode | ServiceNode | ContainerNode;
