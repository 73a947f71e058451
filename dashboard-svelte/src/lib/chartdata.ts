// Turns the relay's metric history into uPlot's column layout and appends live samples.
import type { MetricPoint } from './generated/api';

export interface Columns {
  /** Seconds (uPlot's time unit), ascending. */
  x: number[];
  /** One column per series, aligned with x; null where a series has no point. */
  ys: (number | null)[][];
}

export const RANGES = [
  { key: '15m', label: '15 min', ms: 15 * 60_000 },
  { key: '1h', label: '1 hour', ms: 3_600_000 },
  { key: '6h', label: '6 hours', ms: 6 * 3_600_000 },
  { key: '24h', label: '24 hours', ms: 24 * 3_600_000 },
  { key: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: '30 days', ms: 30 * 86_400_000 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

/** Aligns several series (each oldest first) on the union of their timestamps. */
export function alignSeries(names: string[], series: { metric: string; points: MetricPoint[] }[]): Columns {
  const byName = new Map(series.map((s) => [s.metric, s.points]));
  const xs = new Set<number>();
  for (const n of names) for (const p of byName.get(n) ?? []) xs.add(p.ts);
  const x = [...xs].sort((a, b) => a - b);
  const index = new Map(x.map((t, i) => [t, i]));
  const ys = names.map((n) => {
    const col: (number | null)[] = new Array(x.length).fill(null);
    for (const p of byName.get(n) ?? []) col[index.get(p.ts)!] = p.value;
    return col;
  });
  return { x: x.map((t) => t / 1000), ys };
}

/** Appends one live sample (if newer than the last point) and drops points older than `fromMs`. */
export function appendSample(c: Columns, names: string[], ts: number, values: Record<string, number>, fromMs: number): boolean {
  if (!names.some((n) => n in values)) return false;
  const t = ts / 1000;
  if (c.x.length && t <= c.x[c.x.length - 1]) return false;
  c.x.push(t);
  names.forEach((n, i) => c.ys[i].push(n in values ? values[n] : null));
  let drop = 0;
  while (drop < c.x.length && c.x[drop] < fromMs / 1000) drop++;
  if (drop) {
    c.x.splice(0, drop);
    for (const col of c.ys) col.splice(0, drop);
  }
  return true;
}
