import type { TimeRange } from '../shared/protocol';

/** Which Grafana data source an Explore link opens, by type and uid (the stack provisions fixed uids). */
export interface GrafanaDatasource {
  type: 'prometheus' | 'loki';
  uid: string;
}

export interface ExploreLinkOptions {
  grafanaUrl: string;
  datasource: GrafanaDatasource;
  query: string;
  range: TimeRange;
  orgId?: number;
}

/**
 * Builds a Grafana Explore URL (the `panes` form used since Grafana 10) that opens `query` on the
 * given data source and range. Relative ranges stay relative (`now-1h`), so the link keeps working.
 */
export function grafanaExploreUrl(options: ExploreLinkOptions): string {
  const { datasource, query, range } = options;
  const from = range.kind === 'relative' ? `now-${range.last}` : String(Math.floor(range.startMs));
  const to = range.kind === 'relative' ? 'now' : String(Math.ceil(range.endMs));
  const panes = {
    realm: {
      datasource: datasource.uid,
      queries: [{ refId: 'A', expr: query, datasource: { type: datasource.type, uid: datasource.uid } }],
      range: { from, to },
    },
  };
  const url = new URL(options.grafanaUrl.replace(/\/+$/, '') + '/explore');
  url.searchParams.set('schemaVersion', '1');
  url.searchParams.set('panes', JSON.stringify(panes));
  url.searchParams.set('orgId', String(options.orgId ?? 1));
  return url.toString();
}
