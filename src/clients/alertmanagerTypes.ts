/** Shapes of Alertmanager API v2 responses (as this extension uses them) and their validators. */
import type { ManagedAlert } from '../core/alerts';
import type { Matcher } from '../core/matchers';
import { expectArray, expectBoolean, expectObject, expectString, expectTime, optionalString, stringArray, stringRecord } from './validate';

export type Labels = Record<string, string>;

// The matcher is a domain type (core parses and prints it for the "Silence…" box); the wire shape is the same.
export type { Matcher } from '../core/matchers';
export { formatMatcher } from '../core/matchers';

/** Alertmanager's alert: the fields the alert model reads (core's `ManagedAlert`) plus the wire-only ones. */
export interface AmAlert extends ManagedAlert {
  endsAt: number;
  updatedAt: number;
  receivers: string[];
}

export interface AmAlertGroup {
  labels: Labels;
  receiver: string;
  alerts: AmAlert[];
}

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
  if (state !== 'active' && state !== 'suppressed' && state !== 'unprocessed')
    throw new Error(`${path}.status.state is not active/suppressed/unprocessed: ${JSON.stringify(state)}`);
  return {
    fingerprint: expectString(o.fingerprint, `${path}.fingerprint`),
    labels: stringRecord(o.labels, `${path}.labels`),
    annotations: stringRecord(o.annotations, `${path}.annotations`),
    startsAt: expectTime(o.startsAt, `${path}.startsAt`),
    endsAt: expectTime(o.endsAt, `${path}.endsAt`),
    updatedAt: expectTime(o.updatedAt, `${path}.updatedAt`),
    generatorURL: optionalString(o.generatorURL, `${path}.generatorURL`) ?? '',
    receivers: expectArray(o.receivers ?? [], `${path}.receivers`).map((r, i) =>
      expectString(expectObject(r, `${path}.receivers[${i}]`).name, `${path}.receivers[${i}].name`),
    ),
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
  if (state !== 'active' && state !== 'pending' && state !== 'expired')
    throw new Error(`${path}.status.state is not active/pending/expired: ${JSON.stringify(state)}`);
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
