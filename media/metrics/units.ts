/** How a chart's values read: bytes (KiB, MiB…), per-second rates, percentages, seconds, or plain. */
export type Unit = 'none' | 'bytes' | 'rate' | 'percent' | 'seconds';

/** Guesses the unit from the query: metric-name suffixes and the functions around them. */
export function guessUnit(query: string): Unit {
  const q = query.replace(/\s+/g, '');
  if (/_bytes\b/.test(q) && !/(rate|irate|increase)\(/.test(q)) return 'bytes';
  if (/^100\*|\*100$|_percent\b|_ratio\b.*\*100/.test(q)) return 'percent';
  if (/(^|[^a-z_])(rate|irate)\(/.test(q)) return 'rate';
  if (/_seconds\b/.test(q) && !/_seconds_(total|count|bucket)\b/.test(q)) return 'seconds';
  return 'none';
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

function trim(n: number, digits = 3): string {
  return Number(n.toPrecision(digits)).toString();
}

/** Formats one value in its unit for axes, legend and hover. */
export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'bytes': {
      let x = Math.abs(v);
      let i = 0;
      while (x >= 1024 && i < BYTE_UNITS.length - 1) {
        x /= 1024;
        i++;
      }
      return `${v < 0 ? '-' : ''}${trim(x)} ${BYTE_UNITS[i]}`;
    }
    case 'rate':
      return `${compact(v)}/s`;
    case 'percent':
      return `${trim(v)}%`;
    case 'seconds':
      return Math.abs(v) < 1 ? `${trim(v * 1000)} ms` : `${trim(v)} s`;
    default:
      return compact(v);
  }
}

/** 1234567 → 1.23M; small numbers keep three significant digits. */
function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  return trim(v);
}
