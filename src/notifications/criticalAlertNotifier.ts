/**
 * The one "critical alert" notification per incident. An incident starts when a critical alert
 * starts firing and ends when no critical alert fires any more; alerts that start firing during it
 * (ServiceDown after ArcanumNeedsRestart, same outage) join it instead of raising another toast.
 * The toast waits a moment (`settleMs`) so the alerts of one outage arrive together, and is not
 * shown at all for alerts that resolved meanwhile or whose service the healer already restarted.
 *
 * VS Code cannot edit a notification once shown, so "updated" means: the toast's actions act on
 * the incident as it is when clicked (Silence 1h silences every alert of it still firing, Show
 * reveals the live view), and the status bar counts live — as the GitHub Pull Requests and
 * Container Tools extensions keep one notification and put live state in their views.
 */
import { alertTarget, RealmAlert } from '../core/alerts';
import { plain, withoutLinks } from '../core/text';
import { Disposable, toDisposable } from '../platform/disposable';
import type { Event } from '../platform/event';
import type { AlertSnapshot } from '../state/alertStore';
import { quickSilence, type AlertCommandDeps } from '../commands/alertCommands';

/** The store's events the notifier follows (AlertStore satisfies it). */
export interface CriticalAlertSource {
  readonly onDidFireCritical: Event<RealmAlert[]>;
  readonly onDidChange: Event<{ snapshot: AlertSnapshot }>;
}

export interface CriticalAlertNotifierOptions {
  /** `realm.alerts.notifyOnCritical`. */
  enabled: () => boolean;
  /** Why an alert needs no toast although it fires (the healer already restarted its service), or undefined. */
  alreadyHandled?: (alert: RealmAlert) => string | undefined;
  /** How long a new incident waits before its toast (ms); default 4000, two polls. */
  settleMs?: number;
}

const FOCUS_ALERTS_VIEW = 'realm.alerts.focus';

interface Incident {
  alerts: Map<string, RealmAlert>;
  notified: boolean;
}

export class CriticalAlertNotifier extends Disposable {
  private incident: Incident | undefined;
  private check: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    source: CriticalAlertSource,
    private readonly deps: AlertCommandDeps,
    private readonly options: CriticalAlertNotifierOptions,
  ) {
    super();
    this.register(source.onDidFireCritical((alerts) => void this.notify(alerts)));
    this.register(source.onDidChange((c) => this.endIfQuiet(c.snapshot)));
    this.register(
      toDisposable(() => {
        clearTimeout(this.timer);
        this.wake?.();
      }),
    );
  }

  /** Adds critical alerts that started firing; resolves once a pending toast was shown and handled (tests await it). */
  notify(alerts: RealmAlert[]): Promise<void> {
    if (!this.options.enabled() || alerts.length === 0) return Promise.resolve();
    const incident = (this.incident ??= { alerts: new Map(), notified: false });
    for (const a of alerts) incident.alerts.set(a.key, a);
    if (incident.notified) return Promise.resolve(); // joins the toast already shown
    this.check ??= new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, this.options.settleMs ?? 4000);
    })
      .then(() => this.showIfStillFiring(incident))
      .finally(() => {
        this.check = undefined;
      });
    return this.check;
  }

  private async showIfStillFiring(incident: Incident): Promise<void> {
    if (this.isDisposed || this.incident !== incident || !this.options.enabled()) return;
    const firing = this.stillFiring(incident);
    const live = firing.filter((a) => {
      const handled = this.options.alreadyHandled?.(a);
      if (handled) this.deps.logger.info(`No notification for ${a.name}: ${handled}`);
      return !handled;
    });
    if (live.length === 0) return; // resolved or healed meanwhile: nothing to tell
    incident.notified = true;
    const first = live[0];
    const target = alertTarget(first.labels);
    const message =
      live.length === 1
        ? `Critical alert ${plain(first.name, 60)} is firing${target ? ` for ${plain(target, 60)}` : ''}${first.annotations.summary ? `: ${plain(first.annotations.summary, 140)}` : ''}`
        : `${live.length} critical alerts are firing: ${namesOf(live)}`;
    const choice = await this.deps.ui.showErrorMessage(withoutLinks(`Realm: ${message}`), 'Show', 'Silence 1h');
    if (choice === 'Show') await this.deps.ui.executeCommand(FOCUS_ALERTS_VIEW);
    if (choice === 'Silence 1h') {
      // the incident as it is now: alerts that joined after the toast appeared are silenced too
      const now = this.stillFiring(incident);
      await quickSilence(this.deps, now.length ? now : live).catch((err: Error) => {
        this.deps.logger.error(err);
        void this.deps.ui.showErrorMessage(withoutLinks(`Realm: could not silence: ${plain(err.message, 200)}`));
      });
    }
  }

  /** The incident's alerts that the store still shows firing (matched by key, or by name and labels across sources). */
  private stillFiring(incident: Incident): RealmAlert[] {
    const shown = this.deps.store.snapshot.alerts.filter((a) => a.state === 'firing');
    return [...incident.alerts.values()].filter((old) => shown.some((a) => a.key === old.key || (a.name === old.name && sameTarget(a.labels, old.labels))));
  }

  /** The incident ends when no critical alert fires (and the store knows it: not while both backends are down). */
  private endIfQuiet(s: AlertSnapshot): void {
    if (!this.incident || (s.status !== 'ok' && !s.fallback)) return;
    if (!s.alerts.some((a) => a.state === 'firing' && a.severity === 'critical')) this.incident = undefined;
  }
}

/** A healer decision, as the audit trail records it (the fields read here). */
export interface HealRecord {
  time: number;
  service?: string;
  outcome: string;
  action?: string;
}

/**
 * Why a critical alert needs no toast: the healer already acted on its service (restart, scale
 * down) within `withinMs` — the alert is about to resolve, and the Healer view says what was done.
 */
export function healedRecently(records: readonly HealRecord[], alert: RealmAlert, now: number, withinMs = 10 * 60_000): string | undefined {
  const service = alert.labels.service ?? alert.labels.compose_service;
  if (!service) return undefined;
  const hit = [...records]
    .reverse()
    .find(
      (r) =>
        r.outcome === 'done' && r.action && r.action !== 'cleanup' && now - r.time <= withinMs && (r.service === service || r.service?.endsWith(`/${service}`)),
    );
  return hit ? `the healer already did ${hit.action!.replace('_', ' ')} on ${hit.service} ${Math.round((now - hit.time) / 1000)} s ago` : undefined;
}

function sameTarget(a: Record<string, string>, b: Record<string, string>): boolean {
  return ['service', 'instance', 'job'].every((k) => a[k] === b[k]);
}

/** "A (2), B" — each alert name once, with its count, at most five names. */
function namesOf(alerts: RealmAlert[]): string {
  const counts = new Map<string, number>();
  for (const a of alerts) counts.set(plain(a.name, 40), (counts.get(plain(a.name, 40)) ?? 0) + 1);
  const names = [...counts].map(([name, n]) => (n > 1 ? `${name} (${n})` : name));
  return names.slice(0, 5).join(', ') + (names.length > 5 ? '…' : '');
}
