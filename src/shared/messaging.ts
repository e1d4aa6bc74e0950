/**
 * The machinery under every panel protocol: validators built from one check per message type, and
 * request/response correlation (after microsoft/vscode-hexeditor's MessageHandler): a request gets
 * a fresh `requestId`, its answer carries the same id, and a newer request in the same slot (the
 * same chart, the query of the Logs panel) supersedes the older one, whose late answer is dropped.
 * No vscode, no DOM.
 */

/** One message's field checks; `m` is already known to be a plain object with that `type`. */
export type Check = (m: Record<string, unknown>) => boolean;

/** Small shape checks shared by the protocols. */
export const check = {
  str: (v: unknown, max = 20_000): v is string => typeof v === 'string' && v.length <= max,
  int: (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v),
  finite: (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v),
  /** Nanosecond timestamps travel as digit strings (they exceed 2^53). */
  digits: (v: unknown): v is string => typeof v === 'string' && /^\d{1,20}$/.test(v),
  stringRecord: (v: unknown): v is Record<string, string> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'),
  strings: (v: unknown, max = 100_000): v is string[] => Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'string'),
  optional: <T>(v: unknown, is: (x: unknown) => x is T): boolean => v === undefined || is(v),
};

/** A validator from one check per message type: non-objects, unknown types and prototype keys are rejected. */
export function messageValidator<M extends { type: string }>(checks: { [K in M['type']]: Check }): (x: unknown) => x is M {
  return (x: unknown): x is M => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
    const m = x as Record<string, unknown>;
    if (typeof m.type !== 'string' || !Object.prototype.hasOwnProperty.call(checks, m.type)) return false;
    return (checks as Record<string, Check>)[m.type](m);
  };
}

/** A message that answers a request. */
export interface Reply {
  requestId: number;
}

/**
 * The requests a webview has made, the newest per slot. `start` hands out the id to send and
 * registers who takes its answer; `settle` delivers an answer when its id is still the newest of
 * its slot. A superseded request's late answer is dropped; the current one stays current (an
 * answer may be repeated, e.g. a chart's error and then its result once the backend is back).
 */
export class PendingRequests<R extends Reply> {
  private lastId = 0;
  private readonly bySlot = new Map<string, { id: number; onAnswer: (r: R) => void }>();

  /** The id the next request will carry (a request built before it is started). */
  peekId(): number {
    return this.lastId + 1;
  }

  start(slot: string, onAnswer: (r: R) => void): number {
    const id = ++this.lastId;
    this.bySlot.set(slot, { id, onAnswer });
    return id;
  }

  /** Delivers an answer to its request; false for one nobody waits for (superseded, cancelled, never asked). */
  settle(answer: R): boolean {
    for (const p of this.bySlot.values()) {
      if (p.id !== answer.requestId) continue;
      p.onAnswer(answer);
      return true;
    }
    return false;
  }

  /** Forgets a slot's request (its answer will be dropped). */
  cancel(slot: string): void {
    this.bySlot.delete(slot);
  }
}
