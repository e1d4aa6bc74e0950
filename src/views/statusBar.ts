import * as vscode from 'vscode';
import { presentStatusBar } from '../core/alertSummary';
import { Disposable, toDisposable } from '../platform/disposable';
import type { Event } from '../platform/event';
import type { AlertSnapshot, AlertStoreChange } from '../state/alertStore';
import { Clock, systemClock } from '../platform/clock';

/** The part of the AlertStore the status bar needs. */
export interface AlertStatusSource {
  readonly snapshot: AlertSnapshot;
  readonly onDidChange: Event<AlertStoreChange>;
}

/** Command the item runs: VS Code's generated "focus" command of the Alerts view. */
export const FOCUS_ALERTS_COMMAND = 'realm.alerts.focus';

// Keeps "firing for 3m" in the tooltip current without a store change.
const AGE_REFRESH_MS = 30_000;

/**
 * The one alerts item in the status bar: `$(bell) N` coloured by the highest firing severity,
 * `$(check)` when nothing fires, a distinct unreachable state, and "stack down" before Alertmanager
 * has ever answered. It always listens to the store, so the store always polls (slowly while no
 * Realm view is visible).
 */
export class AlertStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;
  private lastSnapshot: AlertSnapshot;

  constructor(
    store: AlertStatusSource,
    item: vscode.StatusBarItem = vscode.window.createStatusBarItem('realm.alerts', vscode.StatusBarAlignment.Left, 50),
    private readonly clock: Clock = systemClock,
  ) {
    super();
    this.item = this.register(item);
    this.item.name = 'Realm Alerts';
    this.item.command = FOCUS_ALERTS_COMMAND;
    this.lastSnapshot = store.snapshot;
    this.register(store.onDidChange((c) => this.render(c.snapshot)));
    const timer = setInterval(() => this.render(this.lastSnapshot), AGE_REFRESH_MS);
    this.register(toDisposable(() => clearInterval(timer)));
    this.render(store.snapshot);
    this.item.show();
  }

  private render(snapshot: AlertSnapshot): void {
    this.lastSnapshot = snapshot;
    const p = presentStatusBar(snapshot, this.clock.now());
    this.item.text = p.text;
    this.item.tooltip = p.tooltip; // a plain string: alert text is untrusted and must not render as markdown
    this.item.backgroundColor = p.background ? new vscode.ThemeColor(`statusBarItem.${p.background}Background`) : undefined;
    this.item.accessibilityInformation = { label: p.accessibleLabel };
  }
}
