import { describe, expect, it } from 'vitest';
import { Fleet, filterRows } from '../src/lib/fleet.svelte';
import { ID, summary } from './helpers';
import type { LiveEvent } from '../src/lib/api/live-protocol';

function manual() {
  const queued: (() => void)[] = [];
  const fleet = new Fleet((fn) => queued.push(fn));
  return { fleet, frame: () => queued.splice(0).forEach((f) => f()), queued };
}
const metric = (i: number, ts: number, cpu: number): LiveEvent => ({ type: 'metric', v: 1, nodeId: ID(i), seq: ts, ts, values: { 'cpu.total_pct': cpu, 'mem.used_pct': 50, 'disk./.used_pct': 40, 'disk./home.used_pct': 70 } });
const status = (i: number, state: 'ONLINE' | 'OFFLINE', since = 5000): LiveEvent => ({ type: 'node-status', v: 1, nodeId: ID(i), state, since, reason: state === 'OFFLINE' ? 'TIMEOUT' : 'EVENT', lastSeen: since });

describe('Fleet', () => {
  it('loads a snapshot sorted trouble first, then by name, with counts', () => {
    const { fleet } = manual();
    fleet.loadSnapshot([summary(2), summary(1), summary(3, { state: 'OFFLINE' }), summary(4, { agentVersion: '0.9.0' })]);
    expect(fleet.order.map((r) => r.name)).toEqual(['node-003', 'node-001', 'node-002', 'node-004']);
    expect(fleet.counts).toMatchObject({ total: 4, online: 3, offline: 1, outdated: 1, trouble: 1 });
    expect(fleet.latestAgent).toBe('1.0.0');
    expect(fleet.rows.get(ID(4))!.outdated).toBe(true);
  });

  it('applies queued events once per frame, in order', () => {
    const { fleet, frame, queued } = manual();
    fleet.loadSnapshot([summary(1)]);
    fleet.enqueue(metric(1, 10, 20));
    fleet.enqueue(metric(1, 11, 30));
    expect(queued.length).toBe(1); // one frame scheduled for the whole burst
    expect(fleet.rows.get(ID(1))!.latest.cpu).toBe(10); // nothing applied before the frame
    frame();
    const r = fleet.rows.get(ID(1))!;
    expect(r.latest).toEqual({ cpu: 30, mem: 50, disk: 70 });
    expect(r.rings.cpu.toArray()).toEqual([10, 20, 30]);
    expect(fleet.applied).toBe(2);
  });

  it('does not re-sort for metric samples, only when a sort key changes', () => {
    const { fleet, frame } = manual();
    fleet.loadSnapshot([summary(1), summary(2), summary(3)]);
    const before = fleet.order;
    for (let t = 0; t < 50; t++) fleet.enqueue(metric(2, 100 + t, t));
    frame();
    expect(fleet.order).toBe(before); // same array: no re-sort, no list re-render
    fleet.enqueue(status(3, 'OFFLINE'));
    frame();
    expect(fleet.order).not.toBe(before);
    expect(fleet.order[0].id).toBe(ID(3));
    expect(fleet.counts.offline).toBe(1);
  });

  it('marks dead demos as trouble and counts them', () => {
    const { fleet, frame } = manual();
    fleet.loadSnapshot([summary(1), summary(2)]);
    fleet.enqueue({ type: 'process', v: 1, nodeId: ID(2), seq: 1, ts: 10, token: 'a', pid: 5, startTime: 1, demo: 'robot', exe: '/x', state: 'EXITED', exitCode: 1, container: null });
    fleet.enqueue({ type: 'process', v: 1, nodeId: ID(2), seq: 2, ts: 10, token: 'b', pid: 6, startTime: 1, demo: 'arm', exe: '/y', state: 'RUNNING' });
    frame();
    expect(fleet.order[0].id).toBe(ID(2));
    expect(fleet.counts).toMatchObject({ deadDemos: 1, nodesWithDeadDemos: 1, trouble: 1 });
    // an older event for the same process does not win
    fleet.enqueue({ type: 'process', v: 1, nodeId: ID(2), seq: 0, ts: 5, token: 'a', pid: 5, startTime: 1, demo: 'robot', exe: '/x', state: 'RUNNING' });
    frame();
    expect(fleet.counts.deadDemos).toBe(1);
  });

  it('keeps rows (and their sparklines) across a fresh snapshot, drops vanished nodes', () => {
    const { fleet, frame } = manual();
    fleet.loadSnapshot([summary(1), summary(2)]);
    fleet.enqueue(metric(1, 10, 42));
    frame();
    const row = fleet.rows.get(ID(1));
    fleet.loadSnapshot([summary(1)]);
    expect(fleet.rows.get(ID(1))).toBe(row);
    expect(row!.rings.cpu.toArray()).toContain(42);
    expect(fleet.rows.has(ID(2))).toBe(false);
  });

  it('applies registry and inventory events', () => {
    const { fleet, frame } = manual();
    fleet.loadSnapshot([summary(1)]);
    fleet.enqueue({ type: 'registry-entry', v: 1, nodeId: ID(1), kind: 'AGENT', name: 'renamed', labels: { room: 'b' }, revoked: false, updatedAt: 1, updatedBy: 'x' });
    fleet.enqueue({ type: 'inventory', v: 1, nodeId: ID(1), seq: 1, ts: 1, hostname: 'h', os: 'o', kernel: 'k', cpuModel: 'c', cores: 1, memoryBytes: 1, disks: [], interfaces: [], agentVersion: '2.0.0', remoteExecAllowed: false, terminalAllowed: false });
    frame();
    const r = fleet.rows.get(ID(1))!;
    expect([r.name, r.labels.room, r.hostname, r.agentVersion, r.remoteExec]).toEqual(['renamed', 'b', 'h', '2.0.0', false]);
  });

  it('filters by status and search terms without changing the order', () => {
    const { fleet } = manual();
    fleet.loadSnapshot([summary(1, { labels: { room: 'atrium' } }), summary(2, { state: 'OFFLINE' }), summary(3, { hostname: 'kiosk-7' })]);
    expect(filterRows(fleet.order, 'offline', '').map((r) => r.id)).toEqual([ID(2)]);
    expect(filterRows(fleet.order, 'all', 'room=atrium').map((r) => r.id)).toEqual([ID(1)]);
    expect(filterRows(fleet.order, 'online', 'KIOSK').map((r) => r.id)).toEqual([ID(3)]);
    expect(filterRows(fleet.order, 'trouble', '').map((r) => r.id)).toEqual([ID(2)]);
  });

  it('handles 1,000 nodes x 1 Hz within a frame budget', () => {
    const { fleet, frame } = manual();
    fleet.loadSnapshot(Array.from({ length: 1000 }, (_, i) => summary(i)));
    const t0 = performance.now();
    for (let s = 0; s < 5; s++) {
      for (let i = 0; i < 1000; i++) fleet.enqueue(metric(i, 100 + s, i % 100));
      frame();
    }
    const perSecond = (performance.now() - t0) / 5;
    expect(perSecond).toBeLessThan(100); // generous: jsdom, shared CI cores
  });
});
