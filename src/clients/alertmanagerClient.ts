import { BackendError, ClientOptions, HttpTransport } from './http';
import { expectArray, expectObject, expectString, isObject } from './validate';
import {
  AmAlert,
  AmAlertGroup,
  AmStatus,
  Matcher,
  Silence,
  formatMatcher,
  parseAlertGroup,
  parseAmAlert,
  parseSilence,
  parseStatus,
} from './alertmanagerTypes';

export * from './alertmanagerTypes';

export type AlertmanagerClientOptions = ClientOptions;

export interface AmCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Which alerts to list; Alertmanager's defaults are all true. */
export interface AlertFilter extends AmCallOptions {
  active?: boolean;
  silenced?: boolean;
  inhibited?: boolean;
  unprocessed?: boolean;
  /** Matchers every listed alert must satisfy, e.g. `{name:'instance', value:'127.0.0.1:19100', …}`. */
  filter?: Matcher[];
  /** Regex on receiver names. */
  receiver?: string;
}

export interface NewSilence {
  matchers: Matcher[];
  /** Epoch ms; default: now. */
  startsAt?: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  /** Updates (replaces) this silence instead of creating one. */
  id?: string;
}

/**
 * Alertmanager API v2 (`/api/v2/...`; v1 is gone in 0.27). Errors come back either as
 * `{code, message}` or as a bare JSON string; both become a BackendError with the server's text.
 */
export class AlertmanagerClient {
  readonly transport: HttpTransport;

  constructor(options: AlertmanagerClientOptions) {
    this.transport = new HttpTransport({ backend: 'alertmanager', parseError: parseAlertmanagerError, ...options });
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** Alerts Alertmanager holds now. By default it lists all: active, silenced, inhibited, unprocessed. */
  async alerts(options: AlertFilter = {}): Promise<AmAlert[]> {
    return this.transport.json({ path: '/api/v2/alerts', query: filterQuery(options), signal: options.signal, timeoutMs: options.timeoutMs }, (b) =>
      expectArray(b, 'body').map((a, i) => parseAmAlert(a, `body[${i}]`)),
    );
  }

  /** Alerts grouped by the routing tree's `group_by`, with their receiver. */
  async alertGroups(options: AlertFilter = {}): Promise<AmAlertGroup[]> {
    return this.transport.json({ path: '/api/v2/alerts/groups', query: filterQuery(options), signal: options.signal, timeoutMs: options.timeoutMs }, (b) =>
      expectArray(b, 'body').map((g, i) => parseAlertGroup(g, `body[${i}]`)),
    );
  }

  /** Every silence Alertmanager remembers (active, pending and recently expired). */
  async silences(options: AmCallOptions & { filter?: Matcher[] } = {}): Promise<Silence[]> {
    return this.transport.json(
      { path: '/api/v2/silences', query: { filter: options.filter?.map(formatMatcher) }, signal: options.signal, timeoutMs: options.timeoutMs },
      (b) => expectArray(b, 'body').map((s, i) => parseSilence(s, `body[${i}]`)),
    );
  }

  /** One silence; an unknown id is a BackendError with status 404 (see `isNotFound`). */
  async silence(id: string, options: AmCallOptions = {}): Promise<Silence> {
    return this.transport.json({ path: `/api/v2/silence/${encodeURIComponent(id)}`, signal: options.signal, timeoutMs: options.timeoutMs }, (b) =>
      parseSilence(b, 'body'),
    );
  }

  /** Creates (or, with `id`, replaces) a silence and returns its id. */
  async createSilence(s: NewSilence, options: AmCallOptions = {}): Promise<string> {
    if (s.matchers.length === 0) throw new RangeError('a silence needs at least one matcher');
    const body = {
      ...(s.id ? { id: s.id } : {}),
      matchers: s.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual })),
      startsAt: new Date(s.startsAt ?? Date.now()).toISOString(),
      endsAt: new Date(s.endsAt).toISOString(),
      createdBy: s.createdBy,
      comment: s.comment,
    };
    return this.transport.json({ method: 'POST', path: '/api/v2/silences', json: body, signal: options.signal, timeoutMs: options.timeoutMs }, (b) =>
      expectString(expectObject(b, 'body').silenceID, 'body.silenceID'),
    );
  }

  /**
   * Expires a silence. Expiring one twice succeeds; an id Alertmanager never had fails with a
   * BackendError (Alertmanager 0.25 answers 500 "silence not found" — see `isNotFound`).
   */
  async expireSilence(id: string, options: AmCallOptions = {}): Promise<void> {
    await this.transport.send({ method: 'DELETE', path: `/api/v2/silence/${encodeURIComponent(id)}`, signal: options.signal, timeoutMs: options.timeoutMs });
  }

  /** Version, uptime, cluster state and the running configuration. */
  async status(options: AmCallOptions = {}): Promise<AmStatus> {
    return this.transport.json({ path: '/api/v2/status', signal: options.signal, timeoutMs: options.timeoutMs }, parseStatus);
  }

  /** True when Alertmanager answers `/-/ready` with 200; throws when it cannot be reached. */
  async isReady(options: AmCallOptions = {}): Promise<boolean> {
    return this.transport.ready(options);
  }

  /** The Alertmanager UI listing alerts that match these matchers ("Open in Alertmanager"). */
  alertsUiUrl(matchers: Matcher[]): string {
    const filter = `{${matchers.map(formatMatcher).join(',')}}`;
    return `${this.baseUrl}/#/alerts?silenced=true&inhibited=true&filter=${encodeURIComponent(filter)}`;
  }

  /** The Alertmanager UI page of one silence. */
  silenceUiUrl(id: string): string {
    return `${this.baseUrl}/#/silences/${encodeURIComponent(id)}`;
  }
}

/**
 * True when the error says the silence does not exist: GET answers 404 with an empty body,
 * DELETE answers 500 with the bare string "silence not found".
 */
export function isNotFound(err: unknown): boolean {
  if (!(err instanceof BackendError) || err.kind !== 'http') return false;
  return err.status === 404 || /not found/i.test(err.serverMessage ?? '');
}

/** The server's message from `{code,message}`, a bare JSON string, plain text or an empty body. */
export function parseAlertmanagerError(status: number, body: string): { message: string } {
  const text = body.trim();
  if (text === '') return { message: status === 404 ? 'not found' : `HTTP ${status}` };
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'string') return { message: v.trim() };
    if (isObject(v) && typeof v.message === 'string') return { message: v.message };
  } catch {
    // not JSON: plain text
  }
  return { message: text.slice(0, 500) };
}

function filterQuery(f: AlertFilter): Record<string, string | string[] | boolean | undefined> {
  return {
    active: f.active,
    silenced: f.silenced,
    inhibited: f.inhibited,
    unprocessed: f.unprocessed,
    receiver: f.receiver,
    filter: f.filter?.map(formatMatcher),
  };
}
