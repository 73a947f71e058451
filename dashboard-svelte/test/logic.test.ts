import { describe, expect, it } from 'vitest';
import { LogBuffer, atLeast, matches } from '../src/lib/logs';
import { alignSeries, appendSample } from '../src/lib/chartdata';
import { segments } from '../src/lib/timeline';
import { compareVersions, headlines, netTotals, Ring } from '../src/lib/metrics';
import { CommandRun, stripAnsi } from '../src/lib/commands.svelte';
import { allowed } from '../src/lib/session.svelte';
import { parseHash } from '../src/lib/router.svelte';
import type { LogEvent, NodeStatusEvent } from '../src/lib/generated/events';
import { ID } from './helpers';

const log = (seq: number, message = `m${seq}`, level: LogEvent['level'] = 'INFO'): LogEvent => ({ type: 'log', v: 1, nodeId: ID(1), seq, ts: seq, source: 'agent', level, message });

describe('log buffer', () => {
  it('shows history oldest first, de-duplicates the live overlap and caps', () => {
    const b = new LogBuffer(4);
    b.setHistory([log(3), log(2), log(1)]);
    b.push(log(3));
    b.push(log(4));
    b.push(log(5));
    expect(b.lines.map((l) => l.seq)).toEqual([2, 3, 4, 5]);
  });
  it('holds lines while paused and shows them on resume', () => {
    const b = new LogBuffer();
    b.pause();
    b.push(log(1));
    expect(b.lines).toHaveLength(0);
    expect(b.held).toHaveLength(1);
    b.resume();
    expect(b.lines.map((l) => l.seq)).toEqual([1]);
  });
  it('filters by level and text', () => {
    expect(atLeast('ERROR', 'WARN')).toBe(true);
    expect(atLeast('DEBUG', 'INFO')).toBe(false);
    expect(matches(log(1, 'Camera BUSY'), 'busy')).toBe(true);
    expect(matches({ ...log(2, 'x'), exception: 'IOException' }, 'ioexc')).toBe(true);
  });
});

describe('charts', () => {
  it('aligns series on shared timestamps and appends live samples within the range', () => {
    const c = alignSeries(['a', 'b'], [
      { metric: 'a', points: [{ ts: 1000, value: 1 }, { ts: 2000, value: 2 }] },
      { metric: 'b', points: [{ ts: 2000, value: 20 }] },
    ]);
    expect(c).toEqual({ x: [1, 2], ys: [[1, 2], [null, 20]] });
    expect(appendSample(c, ['a', 'b'], 3000, { a: 3 }, 1500)).toBe(true);
    expect(c).toEqual({ x: [2, 3], ys: [[2, 3], [20, null]] });
    expect(appendSample(c, ['a'], 2500, { a: 9 }, 0)).toBe(false); // older than the last point
    expect(appendSample(c, ['a'], 4000, { z: 9 }, 0)).toBe(false); // nothing for this chart
  });
});

describe('status timeline', () => {
  it('cuts the range into segments from transitions', () => {
    const t = (state: 'ONLINE' | 'OFFLINE', since: number): NodeStatusEvent => ({ type: 'node-status', v: 1, nodeId: ID(1), state, since, reason: 'EVENT', lastSeen: since });
    expect(segments([t('OFFLINE', 50), t('ONLINE', 10)], 0, 100).map((s) => [s.state, s.from, s.to])).toEqual([
      ['UNKNOWN', 0, 10],
      ['ONLINE', 10, 50],
      ['OFFLINE', 50, 100],
    ]);
    expect(segments([t('ONLINE', -5)], 0, 100).map((s) => s.state)).toEqual(['ONLINE']);
  });
});

describe('metrics', () => {
  it('folds headline readings; an absent sensor stays absent', () => {
    expect(headlines({ 'cpu.total_pct': 5, 'disk./.used_pct': 10, 'disk./data.used_pct': 80, 'net.eth0.rx_bytes_per_s': 1 })).toEqual({ cpu: 5, disk: 80 });
    expect(headlines({ 'temp.cpu_c': 50, 'temp.gpu_c': 61 }).temp).toBe(61);
    expect(netTotals({ 'net.eth0.rx_bytes_per_s': 1, 'net.wlan0.rx_bytes_per_s': 2, 'net.lo.rx_bytes_per_s': 100 })).toEqual({ rx: 3, tx: undefined });
  });
  it('keeps the last N samples in a ring', () => {
    const r = new Ring(3);
    [1, 2, 3, 4].forEach((v) => r.push(v));
    expect(r.toArray()).toEqual([2, 3, 4]);
  });
  it('compares versions numerically', () => {
    expect(compareVersions('1.10.0', '1.9.3')).toBe(1);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
    expect(compareVersions('0.9.2', '1.0.0')).toBe(-1);
  });
});

describe('commands', () => {
  it('assembles output chunks in order, strips ANSI, and reads outcomes', () => {
    const r = new CommandRun('c');
    const out = (chunk: number, data: string) => r.apply({ type: 'command-output', v: 1, commandId: 'c', nodeId: ID(1), seq: chunk, ts: 1, chunk, stream: 'STDOUT', data });
    out(1, 'world\n');
    out(0, '\u001b[31mhello\u001b[0m ');
    out(0, 'dup');
    expect(r.output).toBe('hello world\n');
    r.apply({ type: 'command-failed', v: 1, commandId: 'c', nodeId: ID(1), seq: 3, ts: 2, reason: 'timeout after 60000 ms' });
    expect(r.status).toBe('timeout');
    expect(stripAnsi('\u001b]0;title\u0007x')).toBe('x');
  });
  it('knows what each role may do', () => {
    expect(allowed('viewer', 'exec')).toBe(false);
    expect(allowed('operator', 'terminal')).toBe(true);
    expect(allowed('operator', 'update')).toBe(false);
    expect(allowed('admin', 'update')).toBe(true);
    expect(allowed(null, 'exec')).toBe(false);
  });
  it('parses routes', () => {
    expect(parseHash('#/node/ABC-1?tab=logs')).toEqual({ name: 'node', id: 'abc-1', tab: 'logs' });
    expect(parseHash('#/whatever')).toEqual({ name: 'fleet' });
  });
});
