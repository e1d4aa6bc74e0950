import * as vscode from 'vscode';
import { describeTrigger } from '../healer/auditTrail';
import { actionWord } from '../healer/decisionWording';
import type { Healer } from '../healer/healer';
import { Disposable } from '../platform/disposable';

/** A status-bar hint while a healing action runs ("$(sync~spin) Realm: restart arcanum…"). */
export class HealerStatusHint extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('realm.healerActivity', vscode.StatusBarAlignment.Left, 0));
  constructor(healer: Healer) {
    super();
    this.item.name = 'Realm Healer Activity';
    this.item.command = 'realm.showLogs';
    this.register(
      healer.onDidStartAction((e) => {
        this.item.text = `$(sync~spin) Realm: ${actionWord(e.action)} ${e.key.split('/').pop()}…`;
        this.item.tooltip = `Healing ${e.key} (${describeTrigger(e.trigger)})`;
        this.item.show();
      }),
    );
    this.register(
      healer.onDidFinishAction(() => {
        if (!healer.isBusy()) this.item.hide();
      }),
    );
  }
}
