import type { NodeStatusEvent } from './generated/events';

export interface Segment {
  state: 'ONLINE' | 'OFFLINE' | 'UNKNOWN';
  from: number;
  to: number;
  reason: NodeStatusEvent['reason'] | null;
}

/** Status segments covering [from, to] from transitions (any order); before the first: UNKNOWN. */
export function segments(transitions: NodeStatusEvent[], from: number, to: number): Segment[] {
  const ts = [...transitions].sort((a, b) => a.since - b.since);
  const out: Segment[] = [];
  let state: Segment['state'] = 'UNKNOWN';
  let reason: Segment['reason'] = null;
  let start = from;
  for (const t of ts) {
    if (t.since <= from) {
      state = t.state;
      reason = t.reason;
      continue;
    }
    if (t.since >= to) break;
    if (t.state === state) continue;
    out.push({ state, from: start, to: t.since, reason });
    state = t.state;
    reason = t.reason;
    start = t.since;
  }
  out.push({ state, from: start, to, reason });
  return out.filter((s) => s.to > s.from);
}
