// The real stack for the end-to-end tests: real relay, gateway, Kafka, Cassandra and a simulated
// fleet. Never the synthetic test server.
//
// Either point at a running stack:
//   DVIC_E2E_URL=http://127.0.0.1:8080  DVIC_E2E_USER=...  DVIC_E2E_PASSWORD=...  (an operator)
//   DVIC_E2E_NODES=5                      simulated agents expected online
//   DVIC_E2E_STOP_NODE='cmd ...'          shell command that stops one simulated agent; gets
//                                         NODE_ID and NODE_NAME in its environment
//   DVIC_E2E_TIMEOUT_MS=15000             that agent's liveness timeout
// or let this module start it with ./start.sh --fleet N, once the local stack runs the relay and
// the fleet simulator. Until then `blockedOn()` says what is missing and the tests skip.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasChromium, CHROMIUM } from '../scripts/browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What the end-to-end tests still wait for, or null when they can run. */
export function blockedOn() {
  const missing = [];
  if (!hasChromium()) missing.push(`Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  if (!existsSync(join(root, 'dashboard-svelte/dist/index.html'))) missing.push('a built dashboard (npm run build)');
  if (process.env.DVIC_E2E_URL) {
    if (!process.env.DVIC_E2E_USER || !process.env.DVIC_E2E_PASSWORD) missing.push('DVIC_E2E_USER and DVIC_E2E_PASSWORD for DVIC_E2E_URL');
    return missing.length ? missing : null;
  }
  const services = read('infra/local-stack/src/main/java/org/dvic/localstack/Services.java');
  const main = read('infra/local-stack/src/main/java/org/dvic/localstack/LocalStackMain.java');
  if (!/command-relay/.test(services)) missing.push('the command relay in the local stack (infra/local-stack Services.ALL; issue 8)');
  if (!/ingest-gateway/.test(services)) missing.push('the ingest gateway in the local stack (Services.ALL; issue 4)');
  if (/not in this build yet/.test(main) || !/fleet/i.test(services + main)) missing.push('the fleet simulator behind ./start.sh --fleet N (issue 4)');
  if (!process.env.DVIC_E2E_STOP_NODE) missing.push('a way to stop one simulated agent (DVIC_E2E_STOP_NODE)');
  return missing.length ? missing : null;
}

function read(rel) {
  try {
    return readFileSync(join(root, rel), 'utf8');
  } catch {
    return '';
  }
}

/**
 * Starts (or attaches to) the stack. Returns { url, user, password, nodes, timeoutMs, stopNode, close }.
 * Auto-start: ./start.sh --wipe --fleet N in its own process group, first admin from the setup
 * token the relay prints, then an operator account for the tests.
 */
export async function startStack() {
  const nodes = Number(process.env.DVIC_E2E_NODES ?? 5);
  const timeoutMs = Number(process.env.DVIC_E2E_TIMEOUT_MS ?? 15_000);
  const stopCmd = process.env.DVIC_E2E_STOP_NODE;
  const stopNode = (nodeId, name) =>
    new Promise((ok, fail) => {
      const p = spawn('bash', ['-c', stopCmd], { env: { ...process.env, NODE_ID: nodeId, NODE_NAME: name }, stdio: 'inherit' });
      p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`DVIC_E2E_STOP_NODE exited ${code}`))));
    });
  if (process.env.DVIC_E2E_URL) {
    return { url: process.env.DVIC_E2E_URL, user: process.env.DVIC_E2E_USER, password: process.env.DVIC_E2E_PASSWORD, nodes, timeoutMs, stopNode, close: async () => {} };
  }
  const state = mkdtempSync(join(tmpdir(), 'dvic-e2e-'));
  const child = spawn(join(root, 'start.sh'), ['--wipe', '--state-dir', state, '--fleet', String(nodes)], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const close = async () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    await new Promise((ok) => (child.exitCode !== null ? ok() : child.once('exit', ok)));
  };
  try {
    const url = await waitFor(() => /command-relay[^\n]*?(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 240_000, () => out);
    const token = await waitFor(() => /setup token[^A-Za-z0-9_-]*([A-Za-z0-9_-]{16,})/i.exec(out + readLogs(state))?.[1], 60_000, () => out);
    const admin = { username: 'e2e-admin', password: 'e2e-admin-password-' + Date.now() };
    const setup = await fetch(url + '/api/auth/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ setupToken: token, ...admin }) });
    if (!setup.ok) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    const op = { username: 'e2e-operator', password: 'e2e-operator-password-' + Date.now(), role: 'operator' };
    const made = await fetch(url + '/api/operators', { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(op) });
    if (!made.ok) throw new Error(`operator: ${made.status} ${await made.text()}`);
    return { url, user: op.username, password: op.password, nodes, timeoutMs, stopNode, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function readLogs(state) {
  try {
    return readFileSync(join(state, 'command-relay', 'out.log'), 'utf8');
  } catch {
    return '';
  }
}

async function waitFor(probe, ms, context) {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out; output so far:\n${context().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
