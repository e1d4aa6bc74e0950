import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './helpers';
import type { RealmApi } from '../../src/extension';

describe('Activation', () => {
  it('activates and reports how long activation took (bench/activation reads these lines)', async () => {
    const ext = vscode.extensions.getExtension<RealmApi>(EXTENSION_ID)!;
    if (!ext.isActive) {
      // Not yet active (a workspace without a compose file): time what VS Code times — loading the
      // bundle and running activate().
      const started = performance.now();
      await ext.activate();
      console.log(`activation-measure: load+activate ${(performance.now() - started).toFixed(1)} ms`);
    }
    const api = ext.exports;
    console.log(`activation-measure: activate() ${api.activatedInMs.toFixed(1)} ms`);
    assert.ok(api.activatedInMs > 0);
    assert.ok(api.activatedInMs < 2000, `activate() must not block start-up (took ${api.activatedInMs} ms)`);
  });
});
