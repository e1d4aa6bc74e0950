import type { MetricsPanelId } from '../../src/shared/metricsProtocol';
import type { Unit } from './units';

export interface Preset {
  id: MetricsPanelId;
  title: string;
  query: string;
  unit: Unit;
}

/** The panels of the stack's Grafana dashboard, so the editor shows the same picture. */
export const PRESETS: Preset[] = [
  { id: 'preset-up', title: 'Service up/down (1 = up)', query: 'up', unit: 'none' },
  { id: 'preset-rate', title: 'Request rate by provider', query: 'sum by (provider) (rate(arcanum_requests_total[5m]))', unit: 'rate' },
  {
    id: 'preset-5xx',
    title: '5xx share by provider',
    query: '100 * sum by (provider) (rate(arcanum_requests_total{status=~"5.."}[5m])) / sum by (provider) (rate(arcanum_requests_total[5m]))',
    unit: 'percent',
  },
  { id: 'preset-memory', title: 'Memory per container', query: 'sum by (name) (container_memory_usage_bytes{name!=""})', unit: 'bytes' },
  { id: 'preset-alerts', title: 'Active alerts', query: 'ALERTS{alertstate="firing"}', unit: 'none' },
];
