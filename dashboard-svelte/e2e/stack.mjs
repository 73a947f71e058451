// The real stack for the end-to-end tests: `./start.sh --wipe --state-dir <fresh /tmp dir> --fleet N`
// (real Kafka, Cassandra, ingest gateway, stream processors, command relay serving dist/, demo
// fleet). Never the synthetic test server. On top of it the suite starts two nodes of its own:
//   - one more simulated desktop (bench FleetSimulator demo --agents 1 --boards 0, own --state
//     dir holding its identity), in its own process, so a test can stop exactly that node (kill -9);
//   - one real agent (agent/target/dvic-agent-*-all.jar), registered through the relay's
//     POST /api/nodes/agents, because the simulated desktops answer `exec` only — they have no
//     terminals (DemoFleet ignores every other command).
// close() stops all of it (SIGTERM to each process group, SIGKILL after 60 s) and checks the
// stack's ports are free again.
//   DVIC_E2E_NODES=3  size of the demo fleet (default 3: the suite stays lean on 2 cores)
// Or attach to a stack already running on the default ports (its demo fleet must have
// DVIC_E2E_NODES desktops; only the two extra nodes are started and stopped):
//   DVIC_E2E_URL=http://127.0.0.1:8081 DVIC_E2E_ADMIN_USER=... DVIC_E2E_ADMIN_PASSWORD=...
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasChromium, CHROMIUM } from '../scripts/browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PORTS = [9092, 9042, 7000, 7199, 8080, 8081, 8082];
const KAFKA = '127.0.0.1:9092';
const GATEWAY = 'http://127.0.0.1:8080';
/** The demo desktops' liveness: heartbeats every 5 s, offline after 3 missed (DemoFleet). */
const DEMO_TIMEOUT_MS = 15_000;

/** What the end-to-end tests cannot run without, or null when they can run. */
export function blockedOn() {
  const missing = [];
  if (!hasChromium()) missing.push(`Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  if (!existsSync(join(root, 'dashboard-svelte/dist/index.html'))) missing.push('a built dashboard (npm run build)');
  const busy = process.env.DVIC_E2E_URL ? [] : busyPorts();
  if (busy.length) missing.push(`free ports for the stack (in use: ${busy.join(', ')}; is another stack running?)`);
  return missing.length ? missing : null;
}

function busyPorts() {
  try {
    const out = execFileSync('ss', ['-Hltn'], { encoding: 'utf8' });
    return PORTS.filter((p) => new RegExp(`:${p}\\s`).test(out));
  } catch {
    return [];
  }
}

/**
 * Starts the stack and the suite's two extra nodes. Returns { url, user, password, nodes,
 * timeoutMs, extraNode, agentNode, stopNode, close, timings }.
 */
export async function startStack() {
  const fleet = Number(process.env.DVIC_E2E_NODES ?? 3);
  const t0 = Date.now();
  const state = mkdtempSync(join(tmpdir(), 'dvic-e2e-'));
  const procs = [];
  let out = '';
  const attach = process.env.DVIC_E2E_URL;
  const close = () => stopAll(procs, state, !attach);
  try {
    let url;
    let cookie;
    if (attach) {
      url = attach.replace(/\/$/, '');
      const r = await fetch(url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: process.env.DVIC_E2E_ADMIN_USER, password: process.env.DVIC_E2E_ADMIN_PASSWORD }) });
      if (!r.ok) throw new Error(`admin login: ${r.status} ${await r.text()}`);
      cookie = r.headers.get('set-cookie').split(';')[0];
    } else {
      const child = spawn(join(root, 'start.sh'), ['--wipe', '--state-dir', join(state, 'stack'), '--fleet', String(fleet)], {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      procs.push({ name: 'start.sh', child });
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      await waitFor(() => /ready in [\d.]+ s/.test(out) || child.exitCode !== null, 900_000, () => out, 'the stack ("ready in")');
      if (child.exitCode !== null) throw new Error(`start.sh exited ${child.exitCode}:\n${out.slice(-3000)}`);
      url = /command-relay\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const token = setupToken(out);
      if (!url || !token) throw new Error(`no relay URL or setup token in the start output:\n${out.slice(-3000)}`);
      const admin = { username: 'e2e-admin', password: 'e2e-admin-password-' + Date.now() };
      const setup = await fetch(url + '/api/auth/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ setupToken: token, ...admin }) });
      if (!setup.ok) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
      cookie = setup.headers.get('set-cookie').split(';')[0];
    }
    const stackReadyMs = Date.now() - t0;
    const api = async (path, body) => {
      const r = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    const op = { username: 'e2e-operator-' + (Date.now() % 1e6), password: 'e2e-operator-password-' + Date.now(), role: 'operator' };
    await api('/api/operators', op);

    // one more simulated desktop, in a process of its own (the one a test stops)
    const simState = join(state, 'extra-sim');
    const bench = join(root, 'bench/target');
    const sim = spawn('java', ['-Xmx64m', '-XX:+UseSerialGC', '-cp', `${bench}/classes:${readFileSync(join(bench, 'bench.classpath'), 'utf8').trim()}`,
      'org.dvic.bench.fleet.FleetSimulator', 'demo', '--kafka', KAFKA, '--gateway', GATEWAY, '--agents', '1', '--boards', '0', '--state', simState],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const simProc = { name: 'extra simulated desktop', child: sim, out: '' };
    sim.stdout.on('data', (d) => (simProc.out += d));
    sim.stderr.on('data', (d) => (simProc.out += d));
    procs.push(simProc);
    const extraNode = await waitFor(() => /^agent ([0-9a-f-]{36}) /m.exec(tryRead(join(simState, 'identities')))?.[1], 60_000, () => simProc.out, 'the extra simulated desktop');

    // one real agent (terminals), registered through the relay like an admin would
    const agentState = join(state, 'real-agent');
    mkdirSync(join(agentState, 'logs'), { recursive: true });
    const reg = await api('/api/nodes/agents', { name: 'e2e-real-agent', labels: { fleet: 'e2e' } });
    const agentNode = reg.node.nodeId;
    writeFileSync(join(agentState, 'node.key'), reg.agentConfig.privateKey + '\n', { mode: 0o600 });
    writeFileSync(join(agentState, 'agent.conf'), [
      `gateway.url = ws://127.0.0.1:8080`, `node.id = ${agentNode}`, `node.key-file = ${join(agentState, 'node.key')}`,
      `state.dir = ${join(agentState, 'state')}`, `demo-logs.dirs = ${join(agentState, 'logs')}`, 'journal.mode = off',
      'docker.mode = off', `update.install-dir = ${join(agentState, 'install')}`, 'heartbeat.interval-ms = 5000',
      // refused as unknown if it connects before the gateway has read its registration: retry soon, not in 5 min
      'connection.refused-backoff-ms = 1000',
      ...(reg.agentConfig.updatePublicKey ? [`update.public-key = ${reg.agentConfig.updatePublicKey}`] : []), '',
    ].join('\n'));
    const agentDir = join(root, 'agent/target');
    const jar = readdirSync(agentDir).find((f) => /^dvic-agent-.*-all\.jar$/.test(f));
    if (!jar) throw new Error('no agent/target/dvic-agent-*-all.jar (the start command builds it)');
    const agent = spawn('java', ['-Xmx64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-jar', join(agentDir, jar), '--config', join(agentState, 'agent.conf')],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const agentProc = { name: 'real agent', child: agent, out: '' };
    agent.stdout.on('data', (d) => (agentProc.out += d));
    agent.stderr.on('data', (d) => (agentProc.out += d));
    procs.push(agentProc);

    const stopNode = async () => {
      // Only a node that has announced its heartbeat interval has the 15 s timeout: wait until its
      // first batch (heartbeat and metrics together) went through, as it has on any running node.
      await waitFor(async () => {
        const r = await fetch(`${url}/api/nodes/${extraNode}`, { headers: { cookie } });
        return r.ok && (await r.json()).lastMetrics;
      }, 20_000, () => simProc.out, 'the extra simulated desktop\'s first metrics');
      // A clean stop (SIGTERM: the simulated agent closes its socket as a stopped agent does); the
      // silent-node timeout path is covered by the stream-processors tests and bench streams.
      const stoppedAt = Date.now();
      process.kill(-sim.pid, 'SIGTERM');
      await new Promise((ok) => (sim.exitCode !== null || sim.signalCode !== null ? ok() : sim.once('exit', ok)));
      return stoppedAt;
    };
    return {
      url, user: op.username, password: op.password, nodes: fleet + 2, timeoutMs: DEMO_TIMEOUT_MS,
      extraNode, agentNode, stopNode, close,
      timings: { stackReadyMs, startCommandReady: /ready in ([\d.]+ s)/.exec(out)?.[1] ?? 'attached', built: /\[start\] building/.test(out) },
      logs: () => ({ stack: out.slice(-2000), agent: agentProc.out.slice(-2000), sim: simProc.out.slice(-2000) }),
      diagnose: async (nodeId) => {
        // What the relay and the services saw: tells a stuck browser from a transition never computed.
        const get = async (path) => {
          try {
            const r = await fetch(url + path, { headers: { cookie } });
            return `${r.status} ${(await r.text()).slice(0, 1500)}`;
          } catch (e) {
            return String(e);
          }
        };
        const tails = attach ? [] : ['ingest-gateway', 'stream-processors', 'command-relay'].map((s) =>
          `--- ${s}.log (tail)\n${tryRead(join(state, 'stack', s, `${s}.log`)).split('\n').slice(-40).join('\n')}`);
        return [`--- GET /api/nodes/${nodeId}\n${await get(`/api/nodes/${nodeId}`)}`,
          `--- GET /api/nodes/${nodeId}/status-history\n${await get(`/api/nodes/${nodeId}/status-history`)}`,
          `--- extra simulated desktop output\n${simProc.out.slice(-2000)}`, ...tails].join('\n');
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The relay's one-time setup token: the lone word between the two ===== lines. */
function setupToken(text) {
  const block = /^\s*={5,}\s*$([\s\S]*?)^\s*={5,}\s*$/m.exec(text)?.[1] ?? '';
  return /^\s*([A-Za-z0-9_-]{16,})\s*$/m.exec(block)?.[1];
}

async function stopAll(procs, state, ownStack) {
  // extra nodes first, then the stack (start.sh stops its fleet, services and engines on SIGTERM)
  for (const p of [...procs].reverse()) {
    const { child } = p;
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((ok) => child.once('exit', ok));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, 60_000);
    await exited;
    clearTimeout(timer);
  }
  const busy = process.env.DVIC_E2E_URL ? [] : busyPorts();
  if (busy.length) throw new Error(`ports still in use after stopping the stack: ${busy.join(', ')}`);
  rmSync(state, { recursive: true, force: true });
}

function tryRead(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Polls `probe` (plain or async) every 250 ms until it gives a truthy value. */
async function waitFor(probe, ms, context, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output so far:\n${context().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
