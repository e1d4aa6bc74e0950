import { waitUntil } from '../../support/waitFor';

/** Waits until `condition` holds, checking every few ms; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  await waitUntil(what, condition, timeoutMs, 5);
}
