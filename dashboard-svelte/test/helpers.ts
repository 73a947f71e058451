import { flushSync, mount, unmount, type Component } from 'svelte';
import { SERVICES_KEY, type AppServices } from '../src/lib/context';
import { Api, type Fetch } from '../src/lib/api/http';
import { LiveClient, type SocketLike } from '../src/lib/api/live';
import { Fleet } from '../src/lib/fleet.svelte';
import { Session } from '../src/lib/session.svelte';
import { Toasts } from '../src/lib/toasts.svelte';
import { CommandTracker } from '../src/lib/commands.svelte';
import type { NodeSummary, Role } from '../src/lib/generated/api';

export const ID = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

export function summary(i: number, over: Partial<NodeSummary> = {}): NodeSummary {
  return {
    nodeId: ID(i),
    name: `node-${String(i).padStart(3, '0')}`,
    kind: 'AGENT',
    labels: { room: 'lab' },
    revoked: false,
    registered: true,
    state: 'ONLINE',
    status: { type: 'node-status', v: 1, nodeId: ID(i), state: 'ONLINE', since: 1000, reason: 'EVENT', lastSeen: 2000 },
    hostname: `host-${i}`,
    agentVersion: '1.0.0',
    lastMetrics: { ts: 1, values: { 'cpu.total_pct': 10 } },
    capabilities: { remoteExec: true, terminal: true },
    ...over,
  };
}

/** A socket that never connects; tests drive the client through dispatch(). */
export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onerror: SocketLike['onerror'] = null;
  send(d: string) {
    this.sent.push(d);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
}

export type Routes = Record<string, (init?: RequestInit, url?: string) => { status?: number; body?: unknown }>;

export function fakeFetch(routes: Routes): Fetch & { calls: { url: string; init?: RequestInit }[] } {
  const calls: { url: string; init?: RequestInit }[] = [];
  const f = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const path = url.split('?')[0];
    const key = `${init?.method ?? 'GET'} ${path}`;
    const h = routes[key];
    const r = h ? h(init, url) : { status: 404, body: { error: { code: 'not_found', message: 'No such thing.' } } };
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), { status: r.status ?? 200 });
  }) as Fetch & { calls: typeof calls };
  f.calls = calls;
  return f;
}

export function makeServices(role: Role | null, routes: Routes = {}) {
  const fetch = fakeFetch(routes);
  const api = new Api('', fetch);
  const socket = new FakeSocket();
  const live = new LiveClient(() => socket);
  const fleet = new Fleet((fn) => queueMicrotask(fn));
  const session = new Session(api);
  if (role) session.me = { username: `${role}-user`, role, expiresAt: Date.now() + 3600_000 };
  session.checked = true;
  const services: AppServices = { api, live, fleet, session, toasts: new Toasts(), commands: new CommandTracker() };
  return { services, fetch, socket };
}

export function render<P extends Record<string, unknown>>(C: Component<P>, props: P, services: AppServices) {
  const target = document.createElement('div');
  document.body.appendChild(target);
  const app = mount(C, { target, props, context: new Map([[SERVICES_KEY, services]]) });
  flushSync();
  return {
    target,
    destroy: () => {
      unmount(app);
      target.remove();
    },
  };
}

export const tickAll = async (n = 5) => {
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
  }
};
