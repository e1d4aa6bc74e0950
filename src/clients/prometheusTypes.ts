/**
 * Shapes of Prometheus API v1 responses (as this extension uses them) and their validators.
 * Sample values arrive as strings ("1", "NaN", "+Inf") and are turned into numbers here.
 */
import type { RuleAlert } from '../core/alerts';
import type { ScrapeTarget } from '../core/scrapeTargets';
import { expectArray, expectNumber, expectObject, expectString, expectTime, optionalString, stringRecord } from './validate';

export type Labels = Record<string, string>;

/** One sample: [seconds since the epoch, value]. NaN and ±Infinity are kept as such. */
export type PromSample = [timeSec: number, value: number];

export interface PromVectorSeries {
  metric: Labels;
  value: PromSample;
}
export interface PromMatrixSeries {
  metric: Labels;
  values: PromSample[];
}

export type PromInstantResult =
  | { resultType: 'vector'; result: PromVectorSeries[] }
  | { resultType: 'matrix'; result: PromMatrixSeries[] }
  | { resultType: 'scalar'; result: PromSample }
  | { resultType: 'string'; result: [timeSec: number, value: string] };

export interface PromRangeResult {
  resultType: 'matrix';
  result: PromMatrixSeries[];
  /** The step actually used (seconds), chosen by the client when the caller gave none. */
  step: number;
}

/** A scrape target: the fields the Services tree reads (core's `ScrapeTarget`) plus the wire-only ones. */
export interface PromTarget extends ScrapeTarget {
  discoveredLabels: Labels;
  scrapeUrl: string;
  /** Epoch ms of the last scrape (0 before the first). */
  lastScrape: number;
}

/** A rule's alert: the fields the alert model reads (core's `RuleAlert`) plus the wire-only ones. */
export interface PromActiveAlert extends RuleAlert {
  value: string;
}

export interface PromRule {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  health: string;
  lastError?: string;
  /** Alerting rules only. */
  state?: string;
  /** Alerting rules only: the `for:` duration in seconds. */
  duration?: number;
  labels: Labels;
  annotations: Labels;
  alerts: PromActiveAlert[];
}

export interface PromRuleGroup {
  name: string;
  file: string;
  rules: PromRule[];
}

export interface PromBuildInfo {
  version: string;
  revision: string;
  goVersion: string;
}

export function parseSample(v: unknown, path: string): PromSample {
  const a = expectArray(v, path);
  return [expectNumber(a[0], `${path}[0]`), Number(expectString(a[1], `${path}[1]`))];
}

export function parseMatrix(v: unknown, path: string): PromMatrixSeries[] {
  return expectArray(v, path).map((s, i) => {
    const o = expectObject(s, `${path}[${i}]`);
    return {
      metric: stringRecord(o.metric, `${path}[${i}].metric`),
      values: expectArray(o.values, `${path}[${i}].values`).map((p, j) => parseSample(p, `${path}[${i}].values[${j}]`)),
    };
  });
}

export function parseInstantResult(v: unknown, path: string): PromInstantResult {
  const o = expectObject(v, path);
  switch (o.resultType) {
    case 'vector':
      return {
        resultType: 'vector',
        result: expectArray(o.result, `${path}.result`).map((s, i) => {
          const so = expectObject(s, `${path}.result[${i}]`);
          return { metric: stringRecord(so.metric, `${path}.result[${i}].metric`), value: parseSample(so.value, `${path}.result[${i}].value`) };
        }),
      };
    case 'matrix':
      return { resultType: 'matrix', result: parseMatrix(o.result, `${path}.result`) };
    case 'scalar':
      return { resultType: 'scalar', result: parseSample(o.result, `${path}.result`) };
    case 'string': {
      const a = expectArray(o.result, `${path}.result`);
      return { resultType: 'string', result: [expectNumber(a[0], `${path}.result[0]`), expectString(a[1], `${path}.result[1]`)] };
    }
    default:
      throw new Error(`${path}.resultType is not one of vector, matrix, scalar, string: ${JSON.stringify(o.resultType)}`);
  }
}

export function parseTarget(v: unknown, path: string): PromTarget {
  const o = expectObject(v, path);
  const health = expectString(o.health, `${path}.health`);
  const lastScrape = optionalString(o.lastScrape, `${path}.lastScrape`);
  return {
    labels: stringRecord(o.labels, `${path}.labels`),
    discoveredLabels: stringRecord(o.discoveredLabels, `${path}.discoveredLabels`),
    scrapePool: optionalString(o.scrapePool, `${path}.scrapePool`) ?? '',
    scrapeUrl: expectString(o.scrapeUrl, `${path}.scrapeUrl`),
    health: health === 'up' || health === 'down' ? health : 'unknown',
    lastError: optionalString(o.lastError, `${path}.lastError`) ?? '',
    // Go's zero time ("0001-01-01T00:00:00Z") before the first scrape parses to a negative number.
    lastScrape: lastScrape ? Math.max(0, Date.parse(lastScrape) || 0) : 0,
  };
}

export function parseAlert(v: unknown, path: string): PromActiveAlert {
  const o = expectObject(v, path);
  const state = expectString(o.state, `${path}.state`);
  if (state !== 'pending' && state !== 'firing' && state !== 'inactive')
    throw new Error(`${path}.state is not pending/firing/inactive: ${JSON.stringify(state)}`);
  return {
    labels: stringRecord(o.labels, `${path}.labels`),
    annotations: stringRecord(o.annotations, `${path}.annotations`),
    state,
    activeAt: o.activeAt === undefined ? undefined : expectTime(o.activeAt, `${path}.activeAt`),
    value: optionalString(o.value, `${path}.value`) ?? '',
  };
}

export function parseRuleGroup(v: unknown, path: string): PromRuleGroup {
  const o = expectObject(v, path);
  return {
    name: expectString(o.name, `${path}.name`),
    file: optionalString(o.file, `${path}.file`) ?? '',
    rules: expectArray(o.rules, `${path}.rules`).map((r, i) => {
      const p = `${path}.rules[${i}]`;
      const ro = expectObject(r, p);
      const type = expectString(ro.type, `${p}.type`);
      if (type !== 'alerting' && type !== 'recording') throw new Error(`${p}.type is not alerting/recording: ${JSON.stringify(type)}`);
      return {
        type,
        name: expectString(ro.name, `${p}.name`),
        query: expectString(ro.query, `${p}.query`),
        health: optionalString(ro.health, `${p}.health`) ?? 'unknown',
        lastError: optionalString(ro.lastError, `${p}.lastError`) || undefined,
        state: optionalString(ro.state, `${p}.state`),
        duration: ro.duration === undefined ? undefined : expectNumber(ro.duration, `${p}.duration`),
        labels: stringRecord(ro.labels, `${p}.labels`),
        annotations: stringRecord(ro.annotations, `${p}.annotations`),
        alerts: ro.alerts === undefined || ro.alerts === null ? [] : expectArray(ro.alerts, `${p}.alerts`).map((a, j) => parseAlert(a, `${p}.alerts[${j}]`)),
      };
    }),
  };
}
