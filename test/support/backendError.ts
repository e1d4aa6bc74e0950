import assert from 'node:assert/strict';
import { BackendError } from '../../src/clients/http';

/** Awaits a call that must fail and returns its typed BackendError (fails the test otherwise). */
export async function backendError(p: Promise<unknown>): Promise<BackendError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof BackendError, `expected BackendError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}
