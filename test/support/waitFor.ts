/**
 * The one polling wait the tests use: checks a condition until it holds or a generous bound passes
 * (the machine is shared and has 2 cores), never a fixed sleep. Errors thrown by the check count as
 * "not yet" and the last one is reported on timeout.
 */
export async function waitUntil<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves with the next value an event delivers that passes `accept`, or rejects after `timeoutMs`. */
export function nextEvent<T>(
  event: (l: (e: T) => void) => { dispose(): void },
  what: string,
  accept: (e: T) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = event((e) => {
      if (!accept(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}
