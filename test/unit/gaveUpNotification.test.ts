// The healer's gave-up notification says why the service is down when the engine knew (issue 15).
import './support/vscodeShim';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { showGaveUpNotification } from '../../src/notifications/gaveUpNotification';
import { memoryLogger } from '../support/memoryLogger';

describe('gave-up notification', () => {
  const shown: string[] = [];
  const window = vscode.window as unknown as { showWarningMessage?: (m: string, ...a: string[]) => Promise<string | undefined> };
  before(() => {
    window.showWarningMessage = async (m) => {
      shown.push(m);
      return undefined;
    };
  });
  after(() => {
    delete window.showWarningMessage;
  });

  const deps = (reason?: string) => ({
    healer: {} as never,
    settings: () => ({ maxActionsPerHour: 3 }) as never,
    updateOptOut: async () => undefined,
    clock: { now: () => 0 },
    logger: memoryLogger(),
    showLogs: () => undefined,
    crashReason: (key: string) => (key === 'app/api' ? reason : undefined),
  });
  const gaveUp = { key: 'app/api', ref: { project: 'app', service: 'api' } } as never;

  it('names the crash reason, its last line quoted, and no link can be smuggled in through it', async () => {
    await showGaveUpNotification(deps('exit 1 after 3s; last line: `Error: ECONNREFUSED db:5432 [x](https://evil)`'), gaveUp);
    assert.equal(
      shown.at(-1),
      'Realm: the healer gave up on api: 3 actions in the last hour did not keep it up. Last crash: exit 1 after 3s; last line: `Error: ECONNREFUSED db:5432 [x] (https://evil)`.',
    );
  });

  it('says only what it knows without a reason', async () => {
    await showGaveUpNotification(deps(undefined), gaveUp);
    assert.equal(shown.at(-1), 'Realm: the healer gave up on api: 3 actions in the last hour did not keep it up.');
  });
});
