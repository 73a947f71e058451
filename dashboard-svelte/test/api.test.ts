import { describe, expect, it, vi } from 'vitest';
import { Api, ApiError, buildUrl, describeError } from '../src/lib/api/http';
import { LiveClient } from '../src/lib/api/live';
import { FakeSocket, fakeFetch, ID } from './helpers';

describe('REST client', () => {
  it('builds paths and repeated query parameters', () => {
    expect(buildUrl('/api/nodes/{nodeId}/metrics', { nodeId: 'a b' }, { metric: ['x', 'y'], from: 1, to: undefined })).toBe('/api/nodes/a%20b/metrics?metric=x&metric=y&from=1');
    expect(() => buildUrl('/api/nodes/{nodeId}', {}, {})).toThrow(/nodeId/);
  });

  it('sends JSON with the content type the relay requires, and parses the answer', async () => {
    const f = fakeFetch({ 'POST /api/nodes/n1/commands': () => ({ status: 202, body: { commandId: 'c', nodeId: 'n1', type: 'exec', issuedAt: 1, expiresAt: 2, status: 'ISSUED' } }) });
    const api = new Api('', f);
    const r = await api.call('post /api/nodes/{nodeId}/commands', { path: { nodeId: 'n1' }, body: { command: { type: 'exec', commandLine: 'echo hi' } } });
    expect(r.commandId).toBe('c');
    const init = f.calls[0].init!;
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ command: { type: 'exec', commandLine: 'echo hi' } });
  });

  it('turns error bodies into ApiError with code and field, and reports 401', async () => {
    const f = fakeFetch({
      'GET /api/nodes': () => ({ status: 401, body: { error: { code: 'unauthenticated', message: 'no session' } } }),
      'POST /api/nodes/n1/commands': () => ({ status: 409, body: { error: { code: 'node_offline', message: 'offline' } } }),
    });
    const api = new Api('', f);
    const onUnauth = vi.fn();
    api.onUnauthenticated = onUnauth;
    await expect(api.call('get /api/nodes')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(onUnauth).toHaveBeenCalledOnce();
    const e = await api.call('post /api/nodes/{nodeId}/commands', { path: { nodeId: 'n1' }, body: { command: { type: 'exec', commandLine: 'x' } } }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(describeError(e)).toMatch(/offline/i);
    expect(describeError(new ApiError(400, 'validation', 'too long', 'command.commandLine'))).toBe('command.commandLine: too long');
    expect(describeError(new ApiError(409, 'exec_refused', 'x'))).toMatch(/does not allow remote execution/);
  });

  it('reports a network failure as such', async () => {
    const api = new Api('', async () => {
      throw new TypeError('fetch failed');
    });
    await expect(api.call('get /api/auth/me')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});

describe('live client', () => {
  it('sends subscriptions on open and again after a reconnect', async () => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const live = new LiveClient(() => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    });
    const events: unknown[] = [];
    live.subscribe({ op: 'subscribe', id: 'fleet', topic: 'fleet' }, { event: (e) => events.push(e) });
    live.start();
    sockets[0].open();
    expect(sockets[0].sent.map((s) => JSON.parse(s))).toEqual([{ op: 'subscribe', id: 'fleet', topic: 'fleet' }]);
    sockets[0].onclose!({ code: 4008, reason: 'client too slow' });
    expect(live.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets.length).toBe(2);
    sockets[1].open();
    expect(JSON.parse(sockets[1].sent[0])).toEqual({ op: 'subscribe', id: 'fleet', topic: 'fleet' });
    sockets[1].onmessage!({ data: JSON.stringify({ kind: 'event', id: 'fleet', event: { type: 'node-status', nodeId: ID(1) } }) });
    expect(events).toHaveLength(1);
    live.stop();
    vi.useRealTimers();
  });

  it('stops and reports an expired session on close code 4401', () => {
    const s = new FakeSocket();
    const live = new LiveClient(() => s);
    const expired = vi.fn();
    live.onSessionExpired = expired;
    live.start();
    s.open();
    s.onclose!({ code: 4401, reason: 'session expired' });
    expect(expired).toHaveBeenCalledOnce();
    expect(live.state).toBe('closed');
  });

  it('routes terminal messages and errors to the terminal that asked', () => {
    const s = new FakeSocket();
    const live = new LiveClient(() => s);
    live.start();
    s.open();
    const h = { opened: vi.fn(), event: vi.fn(), closed: vi.fn(), error: vi.fn() };
    const id = live.openTerminal(ID(1), 80, 24, h);
    expect(JSON.parse(s.sent.at(-1)!)).toEqual({ op: 'terminal-open', id, nodeId: ID(1), cols: 80, rows: 24 });
    live.dispatch({ kind: 'terminal-opened', id, terminalId: 't', nodeId: ID(1) });
    live.dispatch({ kind: 'event', id, event: { type: 'command-output', v: 1, commandId: 't', nodeId: ID(1), seq: 1, ts: 1, chunk: 0, stream: 'TERMINAL', data: 'hi' } });
    live.dispatch({ kind: 'error', id, op: 'terminal-input', error: { code: 'validation', message: 'bad' } });
    live.dispatch({ kind: 'terminal-closed', id, terminalId: 't', reason: 'idle' });
    expect(h.opened).toHaveBeenCalledWith('t');
    expect(h.event).toHaveBeenCalledOnce();
    expect(h.error).toHaveBeenCalledOnce();
    expect(h.closed).toHaveBeenCalledWith('idle');
  });

  it('unsubscribes only its own subscription', () => {
    const s = new FakeSocket();
    const live = new LiveClient(() => s);
    live.start();
    s.open();
    const off = live.subscribe({ op: 'subscribe', id: 'm', topic: 'metrics', nodeId: ID(1) }, { event: () => {} });
    off();
    expect(JSON.parse(s.sent.at(-1)!)).toEqual({ op: 'unsubscribe', id: 'm' });
  });
});
