// Metric names (docs/topics.md): dotted lower-case paths. The fleet shows four headline readings;
// a node reports several disks and interfaces, so those are folded (fullest disk, summed traffic).

export type Headline = 'cpu' | 'mem' | 'disk' | 'temp';
export const HEADLINES: readonly Headline[] = ['cpu', 'mem', 'disk', 'temp'];
export const HEADLINE_LABEL: Record<Headline, string> = { cpu: 'CPU', mem: 'Memory', disk: 'Disk', temp: 'Temp' };
export const HEADLINE_UNIT: Record<Headline, string> = { cpu: '%', mem: '%', disk: '%', temp: '°C' };

const DISK = /^disk\.(.+)\.used_pct$/;
const NET = /^net\.(.+)\.(rx|tx)_bytes_per_s$/;

/** The headline readings of one metric sample; a sensor the node lacks stays absent. */
export function headlines(values: Record<string, number>): Partial<Record<Headline, number>> {
  const out: Partial<Record<Headline, number>> = {};
  if (Number.isFinite(values['cpu.total_pct'])) out.cpu = values['cpu.total_pct'];
  if (Number.isFinite(values['mem.used_pct'])) out.mem = values['mem.used_pct'];
  let disk: number | undefined;
  let temp: number | undefined;
  for (const k in values) {
    const v = values[k];
    if (!Number.isFinite(v)) continue;
    if (DISK.test(k)) disk = disk === undefined ? v : Math.max(disk, v);
    else if (k.startsWith('temp.') && k.endsWith('_c')) temp = temp === undefined ? v : Math.max(temp, v);
  }
  if (disk !== undefined) out.disk = disk;
  if (temp !== undefined) out.temp = temp;
  return out;
}

/** Total network traffic in bytes/s (all interfaces but loopback), or undefined. */
export function netTotals(values: Record<string, number>): { rx?: number; tx?: number } {
  let rx: number | undefined;
  let tx: number | undefined;
  for (const k in values) {
    const m = NET.exec(k);
    if (!m || m[1] === 'lo') continue;
    if (m[2] === 'rx') rx = (rx ?? 0) + values[k];
    else tx = (tx ?? 0) + values[k];
  }
  return { rx, tx };
}

/** Chart groups of the node view: metric name patterns and how to draw them. */
export interface ChartSpec {
  key: string;
  title: string;
  unit: string;
  match: (name: string) => boolean;
  max?: number;
}

export const CHARTS: ChartSpec[] = [
  { key: 'cpu', title: 'CPU', unit: '%', match: (n) => n === 'cpu.total_pct', max: 100 },
  { key: 'mem', title: 'Memory', unit: '%', match: (n) => n === 'mem.used_pct', max: 100 },
  { key: 'disk', title: 'Disk used', unit: '%', match: (n) => DISK.test(n), max: 100 },
  { key: 'temp', title: 'Temperature', unit: '°C', match: (n) => n.startsWith('temp.') },
  { key: 'net', title: 'Network', unit: 'B/s', match: (n) => NET.test(n) && !n.startsWith('net.lo.') },
];

/** Fixed-size ring of the last N samples (for sparklines; no allocation per sample). */
export class Ring {
  readonly values: Float64Array;
  private start = 0;
  length = 0;
  constructor(readonly capacity: number) {
    this.values = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length < this.capacity) {
      this.values[(this.start + this.length) % this.capacity] = v;
      this.length++;
    } else {
      this.values[this.start] = v;
      this.start = (this.start + 1) % this.capacity;
    }
  }
  at(i: number): number {
    return this.values[(this.start + i) % this.capacity];
  }
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i));
    return out;
  }
}

/** Compares dotted version strings numerically ("1.10.0" > "1.9.3"); non-numeric parts as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return 0;
}
