/** Shapes of Alertmanager API v2 responses (as this extension uses them) and their validators. */
import { expectArray, expectBoolean, expectObject, expectString, expectTime, optionalString, stringArray, stringRecord } from './validate';

export type Labels = Record<string, string>;

/** A silence or filter matcher: `name="value"`, `name!="value"`, `name=~"re"`, `name!~"re"`. */
export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** False for negative matchers (`!=`, `!~`). Missing in older servers: treated as true. */
  isEqual: boolean;
}

export interface AmAlert {
  fingerprint: string;
  labels: Labels;
  annotations: Labels;
  /** Epoch ms. */
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  generatorURL: string;
  receivers: string[];
  /** `active` (notifying), `suppressed` (silenced or inhibited), `unprocessed` (just received). */
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
}

export interface AmAlertGroup { labels: Labels; receiver: string; alerts: AmAlert[] }

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
  state: 'active' | 'pending' | 'expired';
}

export interface AmStatus {
  version: string;
  /** Epoch ms the server started. */
  uptime: number;
  clusterStatus: string;
  /** The running configuration as YAML text. */
  config: string;
}

export function parseMatcher(v: unknown, path: string): Matcher {
  const o = expectObject(v, path);
  return {
    name: expectString(o.name, `${path}.name`),
    value: expectString(o.value, `${path}.value`),
    isRegex: expectBoolean(o.isRegex, `${path}.isRegex`),
    isEqual: o.isEqual === undefined ? true : expectBoolean(o.isEqual, `${path}.isEqual`),
  };
}

export function parseAmAlert(v: unknown, path: string): AmAlert {
  const o = expectObject(v, path);
  const status = expectObject(o.status, `${path}.status`);
  const state = expectString(status.state, `${path}.status.state`);
  if (state !== 'active' && state !== 'suppressed' && state !== 'unprocessed') throw new Error(`${path}.status.state is not active/suppressed/unprocessed: ${JSON.stringify(state)}`);
  return {
    fingerprint: expectString(o.fingerprint, `${path}.fingerprint`),
    labels: stringRecord(o.labels, `${path}.labels`),
    annotations: stringRecord(o.annotations, `${path}.annotations`),
    startsAt: expectTime(o.startsAt, `${path}.startsAt`),
    endsAt: expectTime(o.endsAt, `${path}.endsAt`),
    updatedAt: expectTime(o.updatedAt, `${path}.updatedAt`),
    generatorURL: optionalString(o.generatorURL, `${path}.generatorURL`) ?? '',
    receivers: expectArray(o.receivers ?? [], `${path}.receivers`).map((r, i) => expectString(expectObject(r, `${path}.receivers[${i}]`).name, `${path}.receivers[${i}].name`)),
    state,
    silencedBy: stringArray(status.silencedBy, `${path}.status.silencedBy`),
    inhibitedBy: stringArray(status.inhibitedBy, `${path}.status.inhibitedBy`),
  };
}

export function parseAlertGroup(v: unknown, path: string): AmAlertGroup {
  const o = expectObject(v, path);
  return {
    labels: stringRecord(o.labels, `${path}.labels`),
    receiver: expectString(expectObject(o.receiver, `${path}.receiver`).name, `${path}.receiver.name`),
    alerts: expectArray(o.alerts, `${path}.alerts`).map((a, i) => parseAmAlert(a, `${path}.alerts[${i}]`)),
  };
}

export function parseSilence(v: unknown, path: string): Silence {
  const o = expectObject(v, path);
  const state = expectString(expectObject(o.status, `${path}.status`).state, `${path}.status.state`);
  if (state !== 'active' && state !== 'pending' && state !== 'expired') throw new Error(`${path}.status.state is not active/pending/expired: ${JSON.stringify(state)}`);
  return {
    id: expectString(o.id, `${path}.id`),
    matchers: expectArray(o.matchers, `${path}.matchers`).map((m, i) => parseMatcher(m, `${path}.matchers[${i}]`)),
    startsAt: expectTime(o.startsAt, `${path}.startsAt`),
    endsAt: expectTime(o.endsAt, `${path}.endsAt`),
    updatedAt: expectTime(o.updatedAt, `${path}.updatedAt`),
    createdBy: optionalString(o.createdBy, `${path}.createdBy`) ?? '',
    comment: optionalString(o.comment, `${path}.comment`) ?? '',
    state,
  };
}

export function parseStatus(v: unknown): AmStatus {
  const o = expectObject(v, 'body');
  const version = expectObject(o.versionInfo, 'body.versionInfo');
  return {
    version: expectString(version.version, 'body.versionInfo.version'),
    uptime: expectTime(o.uptime, 'body.uptime'),
    clusterStatus: optionalString(expectObject(o.cluster ?? {}, 'body.cluster').status, 'body.cluster.status') ?? 'unknown',
    config: optionalString(expectObject(o.config ?? {}, 'body.config').original, 'body.config.original') ?? '',
  };
}

/** `name="value"` in Alertmanager's matcher syntax (used for `filter` parameters and the UI). */
export function formatMatcher(m: Matcher): string {
  const op = (m.isEqual ? '=' : '!') + (m.isRegex ? '~' : m.isEqual ? '' : '=');
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}
