// The fleet's live state, built to stay smooth with 1,000 nodes updating every second:
// - events are queued and applied once per animation frame (one reactive flush per frame);
// - each node is one NodeRow with fine-grained $state fields, so an update touches only the
//   DOM of that row, and only when the row is on screen (the list is windowed);
// - sparkline samples go into fixed rings (no reactivity, no allocation); a per-row `tick`
//   tells a visible sparkline to redraw;
// - the sorted order is recomputed only when a sort key changed (status, dead demos, name,
//   membership), never because of a metric sample.
import type { InventoryEvent, MetricEvent, NodeStatusEvent, ProcessEvent, RegistryEntryEvent } from './generated/events';
import type { NodeSummary } from './generated/api';
import type { LiveEvent } from './api/live-protocol';
import { HEADLINES, Ring, compareVersions, headlines, type Headline } from './metrics';

export type NodeState = NodeSummary['state'];
export const SPARK_POINTS = 60;

export interface ProcSummary {
  token: string;
  demo: string | null;
  exe: string;
  pid: number;
  state: ProcessEvent['state'];
  exitCode: number | null;
  container: string | null;
  ts: number;
}

export class NodeRow {
  readonly id: string;
  name = $state('');
  hostname = $state<string | null>(null);
  kind = $state<NodeSummary['kind']>(null);
  labels = $state.raw<Record<string, string>>({});
  revoked = $state(false);
  state = $state<NodeState>('UNKNOWN');
  since = $state<number | null>(null);
  reason = $state<NodeStatusEvent['reason'] | null>(null);
  lastSeen = $state<number | null>(null);
  agentVersion = $state<string | null>(null);
  outdated = $state(false);
  remoteExec = $state(false);
  terminal = $state(false);
  procs = $state.raw<ProcSummary[]>([]);
  /** False until the demo processes were seen (summary, detail or a live process event). */
  procsKnown = $state(false);
  latest = $state.raw<Partial<Record<Headline, number>>>({});
  metricTs = $state<number | null>(null);
  /** Bumped when the sparkline rings changed. */
  tick = $state(0);
  readonly rings: Record<Headline, Ring>;
  private procMap = new Map<string, ProcSummary>();

  constructor(id: string) {
    this.id = id;
    this.rings = { cpu: new Ring(SPARK_POINTS), mem: new Ring(SPARK_POINTS), disk: new Ring(SPARK_POINTS), temp: new Ring(SPARK_POINTS) };
  }

  get deadDemos(): number {
    let n = 0;
    for (const p of this.procs) if (p.state !== 'RUNNING') n++;
    return n;
  }

  /** 2: offline, 1: dead demo (or never seen), 0: fine. Trouble sorts first. */
  get trouble(): number {
    if (this.revoked) return 0;
    if (this.state === 'OFFLINE') return 2;
    if (this.state === 'UNKNOWN' || this.deadDemos > 0) return 1;
    return 0;
  }

  /** Text the search box matches against (lower case). */
  get haystack(): string {
    const labels = Object.entries(this.labels).map(([k, v]) => `${k}=${v}`).join(' ');
    return `${this.name} ${this.hostname ?? ''} ${this.id} ${labels} ${this.agentVersion ?? ''} ${this.procs.map((p) => p.demo ?? p.exe).join(' ')}`.toLowerCase();
  }

  setProcess(p: ProcSummary): boolean {
    const before = this.procMap.get(p.token);
    if (before && before.ts > p.ts) return false;
    this.procMap.set(p.token, p);
    this.procsKnown = true;
    this.procs = [...this.procMap.values()].sort((a, b) => (a.demo ?? a.exe).localeCompare(b.demo ?? b.exe) || a.token.localeCompare(b.token));
    return !before || before.state !== p.state;
  }

  pushMetrics(ts: number, values: Record<string, number>): void {
    if (this.metricTs !== null && ts < this.metricTs) return; // late sample: keep the newest
    const h = headlines(values);
    for (const k of HEADLINES) {
      const v = h[k];
      if (v !== undefined) this.rings[k].push(v);
    }
    this.latest = h;
    this.metricTs = ts;
    this.tick++;
  }
}

export const procFromEvent = (e: ProcessEvent): ProcSummary => ({
  token: e.token,
  demo: e.demo ?? null,
  exe: e.exe,
  pid: e.pid,
  state: e.state,
  exitCode: e.exitCode ?? null,
  container: e.container ?? null,
  ts: e.ts,
});

export interface FleetCounts {
  total: number;
  online: number;
  offline: number;
  unknown: number;
  deadDemos: number;
  nodesWithDeadDemos: number;
  outdated: number;
  /** Nodes that are offline, never seen, or have a dead demo. */
  trouble: number;
}

const EMPTY_COUNTS: FleetCounts = { total: 0, online: 0, offline: 0, unknown: 0, deadDemos: 0, nodesWithDeadDemos: 0, outdated: 0, trouble: 0 };

export type Scheduler = (flush: () => void) => void;

/** Once per animation frame; a timer as well, since hidden tabs get no frames. */
export const frameScheduler: Scheduler = (flush) => {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    flush();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  setTimeout(run, 250);
};

export function compareRows(a: NodeRow, b: NodeRow): number {
  return b.trouble - a.trouble || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

export class Fleet {
  readonly rows = new Map<string, NodeRow>();
  /** Every node, trouble first, then by name. */
  order = $state.raw<NodeRow[]>([]);
  counts = $state.raw<FleetCounts>(EMPTY_COUNTS);
  latestAgent = $state<string | null>(null);
  loaded = $state(false);
  /** Events applied so far (benchmarks and tests read it). */
  applied = 0;
  private pending: LiveEvent[] = [];
  private scheduled = false;
  private orderDirty = false;
  private countsDirty = false;

  constructor(private readonly schedule: Scheduler = frameScheduler) {}

  private row(id: string): NodeRow {
    let r = this.rows.get(id);
    if (!r) {
      r = new NodeRow(id);
      r.name = id.slice(0, 8);
      this.rows.set(id, r);
      this.orderDirty = true;
      this.countsDirty = true;
    }
    return r;
  }

  /** Replaces the fleet with the relay's snapshot (keeps rows, and their sparklines, that stay). */
  loadSnapshot(nodes: NodeSummary[]): void {
    const seen = new Set<string>();
    for (const s of nodes) {
      seen.add(s.nodeId);
      const r = this.row(s.nodeId);
      r.name = s.name;
      r.hostname = s.hostname ?? null;
      r.kind = s.kind;
      r.labels = s.labels ?? {};
      r.revoked = s.revoked;
      r.state = s.state;
      r.since = s.status?.since ?? null;
      r.reason = s.status?.reason ?? null;
      r.lastSeen = s.status?.lastSeen ?? null;
      r.agentVersion = s.agentVersion ?? null;
      r.remoteExec = s.capabilities.remoteExec;
      r.terminal = s.capabilities.terminal;
      if (s.lastMetrics && r.metricTs === null) r.pushMetrics(s.lastMetrics.ts, s.lastMetrics.values);
      // Forward-compatible: if the summary carries the demo processes, use them.
      const procs = (s as NodeSummary & { processes?: ProcessEvent[] }).processes;
      if (Array.isArray(procs)) {
        for (const p of procs) r.setProcess(procFromEvent(p));
        r.procsKnown = true;
      }
    }
    for (const id of [...this.rows.keys()]) if (!seen.has(id)) this.rows.delete(id);
    this.orderDirty = true;
    this.countsDirty = true;
    this.recompute();
    this.loaded = true;
  }

  /** Demo processes from a node detail (the fleet snapshot does not carry them). */
  setProcesses(id: string, procs: ProcessEvent[]): void {
    const r = this.rows.get(id);
    if (!r) return;
    let changed = false;
    for (const p of procs) changed = r.setProcess(procFromEvent(p)) || changed;
    r.procsKnown = true;
    if (changed) {
      this.orderDirty = true;
      this.countsDirty = true;
      this.recompute();
    }
  }

  enqueue(e: LiveEvent): void {
    this.pending.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
  }

  /** Applies every queued event; then re-sorts and recounts once if something relevant changed. */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const e of batch) this.apply(e);
    this.applied += batch.length;
    this.recompute();
  }

  private recompute(): void {
    if (this.orderDirty) {
      this.orderDirty = false;
      this.order = [...this.rows.values()].sort(compareRows);
    }
    if (this.countsDirty) {
      this.countsDirty = false;
      this.recount();
    }
  }

  private recount(): void {
    const c = { ...EMPTY_COUNTS };
    let latest: string | null = null;
    for (const r of this.rows.values()) if (r.agentVersion && (!latest || compareVersions(r.agentVersion, latest) > 0)) latest = r.agentVersion;
    for (const r of this.rows.values()) {
      if (r.revoked) continue;
      c.total++;
      if (r.state === 'ONLINE') c.online++;
      else if (r.state === 'OFFLINE') c.offline++;
      else c.unknown++;
      const dead = r.deadDemos;
      c.deadDemos += dead;
      if (dead) c.nodesWithDeadDemos++;
      if (r.trouble > 0) c.trouble++;
      const outdated = !!(latest && r.kind !== 'BOARD' && r.agentVersion && compareVersions(r.agentVersion, latest) < 0);
      if (r.outdated !== outdated) r.outdated = outdated;
      if (outdated) c.outdated++;
    }
    this.latestAgent = latest;
    this.counts = c;
  }

  private apply(e: LiveEvent): void {
    switch (e.type) {
      case 'metric': {
        const r = this.rows.get((e as MetricEvent).nodeId);
        if (r) r.pushMetrics(e.ts, e.values);
        break;
      }
      case 'node-status': {
        const s = e as NodeStatusEvent;
        const r = this.row(s.nodeId);
        if (r.state !== s.state) {
          this.orderDirty = true;
          this.countsDirty = true;
        }
        r.state = s.state;
        r.since = s.since;
        r.reason = s.reason;
        r.lastSeen = s.lastSeen;
        break;
      }
      case 'process': {
        const p = e as ProcessEvent;
        const r = this.row(p.nodeId);
        if (r.setProcess(procFromEvent(p))) {
          this.orderDirty = true;
          this.countsDirty = true;
        }
        break;
      }
      case 'inventory': {
        const inv = e as InventoryEvent;
        const r = this.row(inv.nodeId);
        r.hostname = inv.hostname;
        if (r.agentVersion !== inv.agentVersion) this.countsDirty = true;
        r.agentVersion = inv.agentVersion;
        r.remoteExec = inv.remoteExecAllowed;
        r.terminal = inv.terminalAllowed;
        if (r.kind === null) r.kind = 'AGENT';
        break;
      }
      case 'registry-entry': {
        const g = e as RegistryEntryEvent;
        const r = this.row(g.nodeId);
        if (r.name !== g.name || r.revoked !== g.revoked) this.orderDirty = true;
        if (r.revoked !== g.revoked) this.countsDirty = true;
        r.name = g.name;
        r.kind = g.kind;
        r.labels = g.labels;
        r.revoked = g.revoked;
        break;
      }
      default:
        break;
    }
  }
}

export type StatusFilter = 'all' | 'online' | 'offline' | 'trouble' | 'outdated';

/** The rows a filter and search text select, keeping the fleet's order. */
export function filterRows(rows: NodeRow[], status: StatusFilter, text: string, showRevoked = false): NodeRow[] {
  const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (r.revoked && !showRevoked) return false;
    if (status === 'online' && r.state !== 'ONLINE') return false;
    if (status === 'offline' && r.state !== 'OFFLINE') return false;
    if (status === 'trouble' && r.trouble === 0) return false;
    if (status === 'outdated' && !r.outdated) return false;
    if (terms.length) {
      const h = r.haystack;
      for (const t of terms) if (!h.includes(t)) return false;
    }
    return true;
  });
}
