import { afterEach, describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import FleetView from '../src/lib/views/FleetView.svelte';
import NodeView from '../src/lib/views/NodeView.svelte';
import ProcessList from '../src/lib/views/ProcessList.svelte';
import CommandRunner from '../src/lib/views/CommandRunner.svelte';
import Login from '../src/lib/views/Login.svelte';
import { ID, makeServices, render, summary, tickAll } from './helpers';
import type { Role } from '../src/lib/generated/api';

const EVIL = '<img src=x onerror="window.__pwned=1">';
let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

function fleetFor(role: Role) {
  const s = makeServices(role);
  s.services.fleet.loadSnapshot([summary(1, { name: EVIL, hostname: EVIL }), summary(2, { state: 'OFFLINE', status: { type: 'node-status', v: 1, nodeId: ID(2), state: 'OFFLINE', since: Date.now() - 5000, reason: 'TIMEOUT', lastSeen: 1 } }), summary(3)]);
  const r = render(FleetView, {}, s.services);
  cleanup.push(r.destroy);
  return { ...s, ...r };
}

describe('fleet view', () => {
  it('shows every node, offline first, with counts and why', () => {
    const { target } = fleetFor('viewer');
    const rows = [...target.querySelectorAll('[data-testid=fleet-rows] li')];
    expect(rows).toHaveLength(3);
    expect(rows[0].getAttribute('data-node-id')).toBe(ID(2));
    expect(rows[0].textContent).toContain('timed out');
    expect(target.querySelector('[data-testid=count-online]')!.textContent).toContain('2');
    expect(target.querySelector('[data-testid=count-offline]')!.textContent).toContain('1');
  });

  it('renders untrusted names and hostnames as text, never as HTML', () => {
    const { target } = fleetFor('operator');
    expect(target.querySelector('img')).toBeNull();
    expect(target.textContent).toContain(EVIL);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('gives a viewer no action controls, an operator selection and bulk commands', () => {
    const viewer = fleetFor('viewer');
    expect(viewer.target.querySelectorAll('input[type=checkbox]')).toHaveLength(0);
    expect(viewer.target.textContent).not.toContain('Select shown');
    const op = fleetFor('operator');
    const boxes = op.target.querySelectorAll<HTMLInputElement>('input[type=checkbox]');
    expect(boxes).toHaveLength(3);
    boxes[0].click();
    flushSync();
    expect(op.target.querySelector('[data-testid=bulk-open]')!.textContent).toContain('1 node');
  });

  it('filters with the search box', () => {
    const { target } = fleetFor('viewer');
    const input = target.querySelector<HTMLInputElement>('[data-testid=fleet-search]')!;
    input.value = 'node-003';
    input.dispatchEvent(new Event('input'));
    flushSync();
    expect(target.querySelectorAll('[data-testid=fleet-rows] li')).toHaveLength(1);
  });
});

describe('node view', () => {
  const detail = {
    ...summary(1),
    registry: null,
    inventory: null,
    processes: [{ type: 'process', v: 1, nodeId: ID(1), seq: 1, ts: 1, token: 'tok', pid: 42, startTime: 1, demo: EVIL, exe: '/bin/demo', state: 'RUNNING', exitCode: null, container: null }],
    containers: [],
  };
  const routes = {
    [`GET /api/nodes/${ID(1)}`]: () => ({ body: detail }),
    [`GET /api/nodes/${ID(1)}/metrics`]: () => ({ body: { resolution: 'raw', from: 0, to: 1, series: [] } }),
    [`GET /api/nodes/${ID(1)}/status-history`]: () => ({ body: { transitions: [] } }),
  };

  it('hides the commands tab and process actions from a viewer', async () => {
    const s = makeServices('viewer', routes);
    const r = render(NodeView, { nodeId: ID(1), tab: 'actions' }, s.services);
    cleanup.push(r.destroy);
    await tickAll();
    expect(r.target.textContent).not.toContain('Commands & terminal');
    expect(r.target.textContent).not.toContain('Run a command');
    expect(r.target.querySelector('button.danger')).toBeNull();
    expect(r.target.textContent).toContain('Demo processes'); // falls back to the overview
    expect(r.target.textContent).toContain(EVIL); // demo name as text
    expect(r.target.querySelector('img')).toBeNull();
  });

  it('shows an operator stop and kill for a running demo', async () => {
    const s = makeServices('operator', routes);
    const r = render(ProcessList, { nodeId: ID(1), processes: [{ token: 't', demo: 'robot', exe: '/x', pid: 3, state: 'RUNNING', exitCode: null, container: null, ts: 1 }], online: true, onLogs: () => {} }, s.services);
    cleanup.push(r.destroy);
    const labels = [...r.target.querySelectorAll('button')].map((b) => b.textContent);
    expect(labels).toEqual(['Logs', 'Stop', 'Kill']);
  });
});

describe('command runner', () => {
  it('streams output as text and shows the exit code', async () => {
    const s = makeServices('operator', {
      [`POST /api/nodes/${ID(1)}/commands`]: () => ({ status: 202, body: { commandId: 'c1', nodeId: ID(1), type: 'exec', issuedAt: 1, expiresAt: 2, status: 'ISSUED' } }),
    });
    const r = render(CommandRunner, { nodeId: ID(1), online: true, allowed: true }, s.services);
    cleanup.push(r.destroy);
    const input = r.target.querySelector<HTMLInputElement>('[data-testid=exec-input]')!;
    input.value = 'echo hi';
    input.dispatchEvent(new Event('input'));
    flushSync();
    r.target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await tickAll();
    s.services.commands.apply({ type: 'command-output', v: 1, commandId: 'c1', nodeId: ID(1), seq: 1, ts: 1, chunk: 0, stream: 'STDOUT', data: `hi ${EVIL}\n` });
    s.services.commands.apply({ type: 'command-completed', v: 1, commandId: 'c1', nodeId: ID(1), seq: 2, ts: 2, exitCode: 0, durationMs: 5 });
    flushSync();
    expect(r.target.querySelector('[data-testid=exec-output]')!.textContent).toBe(`hi ${EVIL}\n`);
    expect(r.target.querySelector('img')).toBeNull();
    expect(r.target.querySelector('[data-testid=exec-result]')!.textContent).toContain('exit code 0');
  });

  it('explains an offline node instead of sending', async () => {
    const s = makeServices('operator', {
      [`POST /api/nodes/${ID(1)}/commands`]: () => ({ status: 409, body: { error: { code: 'node_offline', message: 'offline' } } }),
    });
    const r = render(CommandRunner, { nodeId: ID(1), online: false, allowed: true }, s.services);
    cleanup.push(r.destroy);
    expect(r.target.querySelector<HTMLButtonElement>('[data-testid=exec-run]')!.disabled).toBe(true);
    expect(r.target.textContent).toContain('The node is offline');
  });

  it('says when a node refuses remote execution', () => {
    const s = makeServices('operator');
    const r = render(CommandRunner, { nodeId: ID(1), online: true, allowed: false }, s.services);
    cleanup.push(r.destroy);
    expect(r.target.textContent).toContain('does not allow remote execution');
    expect(r.target.querySelector('[data-testid=exec-input]')).toBeNull();
  });
});

describe('login', () => {
  it('shows the relay refusal without saying whether the user exists', async () => {
    const s = makeServices(null, { 'POST /api/auth/login': () => ({ status: 401, body: { error: { code: 'invalid_credentials', message: 'Invalid username or password.' } } }) });
    const r = render(Login, {}, s.services);
    cleanup.push(r.destroy);
    r.target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await tickAll();
    expect(r.target.querySelector('[data-testid=login-error]')!.textContent).toBe('Wrong username or password.');
    expect(s.services.session.me).toBeNull();
  });
});
