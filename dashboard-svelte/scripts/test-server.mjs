#!/usr/bin/env node
// A stand-in for the command relay that speaks its documented API (command-relay/openapi.yml and
// API.md) with SYNTHETIC data: for component development, screenshots and the `bench dashboard`
// benchmark only. It is not the relay and never replaces it in end-to-end tests.
//
//   node scripts/test-server.mjs [--port 8090] [--nodes 40] [--all-metrics] [--dist dist]
//
// --all-metrics: every node's metrics are pushed at 1 Hz to the fleet subscription too (the
// benchmark's worst case: all 1,000 rows updating every second, on screen or not).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID, createHash } from 'node:crypto';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(`--${name}`);
const here = dirname(fileURLToPath(import.meta.url));
const PORT = Number(opt('port', 8090));
const N = Number(opt('nodes', 40));
const ALL_METRICS = flag('all-metrics');
const DIST = resolve(opt('dist', join(here, '..', 'dist')));
const PASSWORD = opt('password', 'synthetic-password');
const TIMEOUT_MS = Number(opt('timeout-ms', 3000));
const USERS = { admin: 'admin', operator: 'operator', viewer: 'viewer' };

// ---- deterministic synthetic fleet ----
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const uuid = (i) => {
  const h = createHash('sha1').update(`node-${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const ROOMS = ['atrium', 'lab-a', 'lab-b', 'showroom', 'vr-room'];
const DEMOS = ['face-tracker', 'robot-arm', 'kinect-wall', 'sound-garden', 'holo-table', 'gesture-piano'];
const start = Date.now();
let seq = 1;
const nodes = [];
for (let i = 0; i < N; i++) {
  const id = uuid(i);
  const board = i % 10 === 9;
  const name = board ? `esp32-${String(i).padStart(3, '0')}` : `demo-${String(i).padStart(3, '0')}`;
  const offline = i % 17 === 5;
  const procs = board
    ? []
    : Array.from({ length: 1 + (i % 3) }, (_, k) => ({
        type: 'process', v: 1, nodeId: id, seq: seq++, ts: start - 60_000, token: `t${i}x${k}`, pid: 1000 + i * 10 + k,
        startTime: 12345 + k, demo: DEMOS[(i + k) % DEMOS.length], exe: `/opt/demos/${DEMOS[(i + k) % DEMOS.length]}/run`,
        state: i % 13 === 3 && k === 0 ? 'EXITED' : 'RUNNING', exitCode: i % 13 === 3 && k === 0 ? 137 : null, container: k === 2 ? `demo-${k}` : null,
      }));
  nodes.push({
    id, name, board, base: 10 + rnd() * 50, temp: 40 + rnd() * 20,
    labels: { room: ROOMS[i % ROOMS.length], ...(i % 4 === 0 ? { owner: 'vision-team' } : {}) },
    agentVersion: board ? null : i % 11 === 7 ? '0.9.2' : '1.0.0',
    status: { type: 'node-status', v: 1, nodeId: id, state: offline ? 'OFFLINE' : 'ONLINE', since: start - (offline ? 600_000 : 3_600_000) + i * 1000, reason: offline ? 'TIMEOUT' : 'EVENT', lastSeen: start - (offline ? 600_000 : 0) },
    remoteExec: !board && i % 7 !== 6,
    terminal: !board && i % 7 !== 6,
    procs,
    hist: [],
  });
}
const byId = new Map(nodes.map((n) => [n.id, n]));

function sample(n, t) {
  const wave = Math.sin(t / 20_000 + n.base) * 15;
  const values = {
    'cpu.total_pct': clamp(n.base + wave + rnd() * 8),
    'mem.used_pct': clamp(35 + n.base / 2 + rnd() * 3),
    'disk./.used_pct': clamp(40 + n.base / 3),
    'net.eth0.rx_bytes_per_s': Math.round(20_000 + rnd() * 50_000),
    'net.eth0.tx_bytes_per_s': Math.round(5_000 + rnd() * 20_000),
  };
  if (!n.board) values['temp.cpu_c'] = n.temp + wave / 3 + rnd();
  else values['board.rssi_dbm'] = -60 - rnd() * 10;
  return values;
}
const clamp = (v) => Math.max(0, Math.min(100, Math.round(v * 10) / 10));
const metricEvent = (n, t) => ({ type: 'metric', v: 1, nodeId: n.id, seq: seq++, ts: t, values: sample(n, t) });

const summary = (n) => ({
  nodeId: n.id, name: n.name, kind: n.board ? 'BOARD' : 'AGENT', labels: n.labels, revoked: false, registered: true,
  state: n.status.state, status: n.status, hostname: n.board ? null : `${n.name}.lab.local`, agentVersion: n.agentVersion,
  lastMetrics: { ts: Date.now(), values: sample(n, Date.now()) }, capabilities: { remoteExec: n.remoteExec, terminal: n.terminal },
});
const inventory = (n) => n.board ? null : ({
  type: 'inventory', v: 1, nodeId: n.id, seq: 1, ts: start, hostname: `${n.name}.lab.local`, os: 'Ubuntu 24.04.1 LTS', kernel: '6.8.0-45-generic',
  cpuModel: 'Intel(R) Core(TM) i7-12700', cores: 12, memoryBytes: 32 * 2 ** 30,
  disks: [{ mount: '/', fsType: 'ext4', totalBytes: 512 * 2 ** 30 }], interfaces: [{ name: 'eth0', mac: '00:11:22:33:44:55', addresses: ['10.0.0.' + (nodes.indexOf(n) % 250 + 2)] }],
  agentVersion: n.agentVersion, remoteExecAllowed: n.remoteExec, terminalAllowed: n.terminal,
});
const LEVELS = ['DEBUG', 'INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
const logLine = (n, t, i) => {
  const p = n.procs[i % Math.max(1, n.procs.length)];
  return {
    type: 'log', v: 1, nodeId: n.id, seq: seq++, ts: t, source: p ? `demo:${p.token}` : 'agent', level: LEVELS[i % LEVELS.length],
    message: i % 9 === 4 ? '<script>alert("not html")</script> frame dropped' : `frame ${i} rendered in ${(8 + (i % 7)).toFixed(1)} ms`,
    fields: null, exception: i % 23 === 0 ? 'java.lang.IllegalStateException: camera busy\n\tat Demo.run(Demo.java:42)' : null, container: null,
  };
};

// ---- HTTP ----
const sessions = new Map(); // cookie -> user
const json = (res, code, body, headers = {}) => {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
};
const err = (res, code, c, message, field) => json(res, code, { error: { code: c, message, ...(field ? { field } : {}) } });
const userOf = (req) => {
  const m = /(?:^|;\s*)dvic_session=([^;]+)/.exec(req.headers.cookie ?? '');
  return m ? sessions.get(m[1]) : undefined;
};
const body = (req) => new Promise((ok) => {
  let s = '';
  req.on('data', (d) => (s += d));
  req.on('end', () => { try { ok(s ? JSON.parse(s) : {}); } catch { ok(null); } });
});
const RANK = { viewer: 0, operator: 1, admin: 2 };
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };

const sockets = new Set();
function issue(user, n, command) {
  const commandId = randomUUID();
  const now = Date.now();
  const out = { commandId, nodeId: n.id, type: command.type, issuedAt: now, expiresAt: now + 30_000, status: 'ISSUED' };
  audit.unshift({ commandId, nodeId: n.id, issuedAt: now, kind: command.type, issuedBy: user.name, summary: command.commandLine ?? command.signal ?? command.version, expiresAt: now + 30_000, status: 'COMPLETED', detail: null, exitCode: 0, finishedAt: now + 50, durationMs: 50 });
  setTimeout(() => {
    const send = (e) => { for (const ws of sockets) if (ws.user === user && ws.subs.has('commands')) ws.send(JSON.stringify({ kind: 'event', id: ws.subs.get('commands').id, event: e })); };
    send({ type: 'command-accepted', v: 1, commandId, nodeId: n.id, ts: Date.now() });
    if (command.type === 'exec') {
      const text = command.commandLine.startsWith('echo ') ? command.commandLine.slice(5) + '\n' : `synthetic output of: ${command.commandLine}\n`;
      send({ type: 'command-output', v: 1, commandId, nodeId: n.id, seq: seq++, ts: Date.now(), chunk: 0, stream: 'STDOUT', data: text });
    }
    if (command.type === 'signal') {
      const p = n.procs.find((x) => x.token === command.token);
      if (p) { p.state = 'EXITED'; p.exitCode = command.signal === 'KILL' ? 137 : 143; p.ts = Date.now(); broadcastFleet({ ...p, seq: seq++ }); }
    }
    send({ type: 'command-completed', v: 1, commandId, nodeId: n.id, seq: seq++, ts: Date.now(), exitCode: 0, durationMs: 12 });
  }, 30);
  return out;
}
const audit = [];

function refuse(n, command) {
  if (!n) return ['not_found', 'No such node.', 404];
  if (n.board) return ['not_an_agent', 'ESP32 boards take no commands.', 409];
  if (n.status.state !== 'ONLINE') return ['node_offline', 'The node is offline.', 409];
  if (command.type === 'exec' && !n.remoteExec) return ['exec_refused', 'The node refuses remote execution.', 409];
  return null;
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  // Control hook for checking the e2e test code itself: the node falls silent and goes OFFLINE
  // after --timeout-ms, like a stopped agent on the real stack.
  if (p === '/_synthetic/stop' && req.method === 'POST') {
    const n = byId.get(url.searchParams.get('node'));
    if (!n) return err(res, 404, 'not_found', 'No such node.');
    n.silent = true;
    setTimeout(() => {
      const t = Date.now();
      n.status = { ...n.status, state: 'OFFLINE', since: t, reason: 'TIMEOUT', lastSeen: t - TIMEOUT_MS };
      broadcastFleet(n.status);
    }, TIMEOUT_MS);
    return json(res, 204);
  }
  if (!p.startsWith('/api/')) return serveStatic(p, res);
  if (p === '/api/auth/login' && req.method === 'POST') {
    const b = await body(req);
    if (!b || !USERS[b.username] || b.password !== PASSWORD) return err(res, 401, 'invalid_credentials', 'Invalid username or password.');
    const cookie = randomUUID();
    const user = { name: b.username, role: USERS[b.username] };
    sessions.set(cookie, user);
    return json(res, 200, { username: user.name, role: user.role, expiresAt: Date.now() + 12 * 3600_000 }, { 'set-cookie': `dvic_session=${cookie}; Path=/; HttpOnly; SameSite=Strict` });
  }
  if (p === '/api/auth/logout') return json(res, 204, undefined, { 'set-cookie': 'dvic_session=; Path=/; Max-Age=0' });
  const user = userOf(req);
  if (!user) return err(res, 401, 'unauthenticated', 'Log in first.');
  const need = (role) => (RANK[user.role] >= RANK[role] ? false : (err(res, 403, 'forbidden', `Needs role ${role}.`), true));
  if (p === '/api/auth/me') return json(res, 200, { username: user.name, role: user.role, expiresAt: Date.now() + 3600_000 });
  if (p === '/api/nodes') return json(res, 200, { nodes: nodes.map(summary) });
  if (p === '/api/commands/bulk' && req.method === 'POST') {
    if (need('operator')) return;
    const b = await body(req);
    const results = (b.nodeIds ?? []).map((id) => {
      const n = byId.get(id);
      const r = refuse(n, b.command);
      return r ? { nodeId: id, ok: false, error: { code: r[0], message: r[1] } } : { nodeId: id, ok: true, command: issue(user, n, b.command) };
    });
    return json(res, 200, { results });
  }
  const m = /^\/api\/nodes\/([0-9a-f-]{36})(\/.*)?$/.exec(p);
  if (!m) return err(res, 404, 'not_found', 'No such endpoint.');
  const n = byId.get(m[1]);
  if (!n) return err(res, 404, 'not_found', 'No such node.');
  const sub = m[2] ?? '';
  const to = Number(url.searchParams.get('to') ?? Date.now());
  const from = Number(url.searchParams.get('from') ?? to - 3600_000);
  if (sub === '') return json(res, 200, { ...summary(n), registry: null, inventory: inventory(n), processes: n.procs, containers: [...new Set(n.procs.map((x) => x.container).filter(Boolean))] });
  if (sub === '/metrics') {
    const span = to - from;
    const resolution = span <= 6 * 3600_000 ? 'raw' : span <= 7 * 86400_000 ? '1m' : '1h';
    const step = Math.max(resolution === 'raw' ? 5_000 : resolution === '1m' ? 60_000 : 3600_000, Math.ceil(span / 600));
    const names = url.searchParams.getAll('metric');
    const series = names.map((metric) => {
      const points = [];
      for (let t = from - (from % step) + step; t <= to; t += step) {
        const v = sample(n, t)[metric];
        if (v !== undefined) points.push({ ts: t, value: v });
      }
      return { metric, points };
    });
    return json(res, 200, { resolution, from, to, series });
  }
  if (sub === '/logs') {
    const lines = [];
    for (let i = 0; i < 120; i++) lines.push(logLine(n, to - i * 15_000, 1000 - i));
    const level = url.searchParams.get('level');
    const order = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
    const sources = url.searchParams.getAll('source');
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    return json(res, 200, { lines: lines.filter((l) => (!level || order.indexOf(l.level) >= order.indexOf(level)) && (!sources.length || sources.includes(l.source)) && (!q || l.message.toLowerCase().includes(q))), nextCursor: null });
  }
  if (sub === '/logs/sources') return json(res, 200, { sources: ['agent', 'journal', ...n.procs.map((x) => `demo:${x.token}`)] });
  if (sub === '/logs/export') {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-disposition': 'attachment; filename="logs.ndjson"' });
    for (let i = 0; i < 50; i++) res.write(JSON.stringify(logLine(n, to - i * 15_000, 1000 - i)) + '\n');
    return res.end();
  }
  if (sub === '/status-history') {
    const t = [n.status, { ...n.status, state: n.status.state === 'ONLINE' ? 'OFFLINE' : 'ONLINE', reason: 'DISCONNECTED', since: n.status.since - 2 * 3600_000 }, { ...n.status, since: n.status.since - 3 * 3600_000 }];
    return json(res, 200, { transitions: t });
  }
  if (sub === '/process-history') return json(res, 200, { changes: n.procs });
  if (sub === '/commands' && req.method === 'GET') { if (need('operator')) return; return json(res, 200, { commands: audit.filter((a) => a.nodeId === n.id) }); }
  if (sub === '/commands' && req.method === 'POST') {
    const b = await body(req);
    if (need(b?.command?.type === 'update' ? 'admin' : 'operator')) return;
    const r = refuse(n, b.command);
    if (r) return err(res, r[2], r[0], r[1]);
    return json(res, 202, issue(user, n, b.command));
  }
  return err(res, 404, 'not_found', 'No such endpoint.');
});

async function serveStatic(p, res) {
  let file = join(DIST, p === '/' ? 'index.html' : p);
  if (!file.startsWith(DIST)) return json(res, 404, {});
  try {
    if (!(await stat(file)).isFile()) file = join(DIST, 'index.html');
  } catch {
    file = join(DIST, 'index.html');
  }
  try {
    const data = await readFile(file);
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(data);
  } catch {
    res.writeHead(404);
    res.end('build the app first (npm run build)');
  }
}

// ---- live WebSocket ----
const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
server.on('upgrade', (req, socket, head) => {
  if (new URL(req.url, 'http://x').pathname !== '/api/live') return socket.destroy();
  const user = userOf(req);
  if (!user) {
    socket.write('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    return socket.destroy();
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.user = user;
    ws.subs = new Map(); // key -> { id, topic, nodeId }
    ws.terms = new Map();
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (raw) => onMessage(ws, raw.toString()));
  });
});
const subKey = (m) => (m.topic === 'fleet' || m.topic === 'commands' ? m.topic : `${m.topic}:${m.id}`);
function onMessage(ws, text) {
  let m;
  try { m = JSON.parse(text); } catch { return ws.close(4400, 'not JSON'); }
  const reply = (o) => ws.send(JSON.stringify(o));
  const fail = (code, message) => reply({ kind: 'error', id: m.id, op: m.op, error: { code, message } });
  if (m.op === 'ping') return reply({ kind: 'pong' });
  if (m.op === 'unsubscribe') {
    for (const [k, s] of ws.subs) if (s.id === m.id) ws.subs.delete(k);
    return reply({ kind: 'unsubscribed', id: m.id });
  }
  if (m.op === 'subscribe') {
    if (m.topic === 'commands' && ws.user.role === 'viewer') return fail('forbidden', 'operators only');
    if (ws.subs.size >= 64) return fail('too_many_subscriptions', 'at most 64');
    ws.subs.set(subKey(m), m);
    const snapshot = m.topic === 'fleet' ? nodes.map(summary) : m.topic === 'metrics' ? { ts: Date.now(), values: sample(byId.get(m.nodeId) ?? nodes[0], Date.now()) } : null;
    return reply({ kind: 'subscribed', id: m.id, topic: m.topic, snapshot });
  }
  if (m.op === 'terminal-open') {
    if (ws.user.role === 'viewer') return fail('forbidden', 'operators only');
    const n = byId.get(m.nodeId);
    if (!n || n.status.state !== 'ONLINE') return fail('node_offline', 'The node is offline.');
    if (!n.terminal) return fail('terminal_refused', 'The node refuses terminals.');
    const terminalId = randomUUID();
    ws.terms.set(terminalId, { id: m.id, nodeId: n.id, chunk: 0 });
    reply({ kind: 'terminal-opened', id: m.id, terminalId, nodeId: n.id });
    termOut(ws, terminalId, `synthetic shell on ${n.name}\r\n$ `);
    return;
  }
  if (m.op === 'terminal-input') {
    const t = ws.terms.get(m.terminalId);
    if (!t) return fail('not_found', 'no such terminal');
    // a toy line discipline: echo keystrokes; on Enter, `echo X` prints X
    let outText = '';
    for (const ch of m.data) {
      if (ch === '\r') {
        const line = t.line ?? '';
        t.line = '';
        outText += '\r\n' + (line.startsWith('echo ') ? line.slice(5) + '\r\n' : line ? `${line.split(' ')[0]}: synthetic\r\n` : '') + '$ ';
      } else {
        t.line = (t.line ?? '') + ch;
        outText += ch;
      }
    }
    termOut(ws, m.terminalId, outText);
    return;
  }
  if (m.op === 'terminal-resize') return;
  if (m.op === 'terminal-close') {
    const t = ws.terms.get(m.terminalId);
    ws.terms.delete(m.terminalId);
    if (t) reply({ kind: 'terminal-closed', id: t.id, terminalId: m.terminalId, reason: 'closed' });
    return;
  }
  fail('validation', `unknown op ${m.op}`);
}
function termOut(ws, terminalId, data) {
  const t = ws.terms.get(terminalId);
  ws.send(JSON.stringify({ kind: 'event', id: t.id, event: { type: 'command-output', v: 1, commandId: terminalId, nodeId: t.nodeId, seq: seq++, ts: Date.now(), chunk: t.chunk++, stream: 'TERMINAL', data } }));
}
function broadcastFleet(e) {
  const text = (id) => JSON.stringify({ kind: 'event', id, event: e });
  for (const ws of sockets) { const s = ws.subs.get('fleet'); if (s) ws.send(text(s.id)); }
}

// Every second: each node's sample goes to its metric subscribers (and, with --all-metrics, to
// every fleet subscriber), spread over the second like real agents; now and then a status flip.
let tickNo = 0;
setInterval(() => {
  tickNo++;
  const t0 = Date.now();
  const slices = 10;
  for (let s = 0; s < slices; s++) {
    setTimeout(() => {
      const now = Date.now();
      for (let i = s; i < nodes.length; i += slices) {
        const n = nodes[i];
        if (n.status.state !== 'ONLINE') continue;
        const e = metricEvent(n, now);
        let text = null;
        for (const ws of sockets) {
          for (const sub of ws.subs.values()) {
            if ((sub.topic === 'metrics' && sub.nodeId === n.id) || (ALL_METRICS && sub.topic === 'fleet')) {
              ws.send(JSON.stringify({ kind: 'event', id: sub.id, event: e }));
              text = true;
            }
          }
        }
        void text;
        for (const ws of sockets) for (const sub of ws.subs.values()) if (sub.topic === 'logs' && sub.nodeId === n.id && tickNo % 2 === 0) ws.send(JSON.stringify({ kind: 'event', id: sub.id, event: logLine(n, now, tickNo) }));
      }
    }, (s * 1000) / slices);
  }
  if (!flag('static') && tickNo % 7 === 0 && nodes.length) {
    const n = nodes[Math.floor(rnd() * nodes.length)];
    if (n.silent) return;
    const online = n.status.state !== 'ONLINE';
    n.status = { ...n.status, state: online ? 'ONLINE' : 'OFFLINE', since: t0, reason: online ? 'EVENT' : 'TIMEOUT', lastSeen: t0 };
    broadcastFleet(n.status);
  }
}, 1000);

server.listen(PORT, '127.0.0.1', () => console.log(`synthetic relay (NOT the real relay) on http://127.0.0.1:${PORT} with ${N} nodes${ALL_METRICS ? ', all metrics pushed' : ''}; users admin/operator/viewer, password ${PASSWORD}`));
