#!/usr/bin/env node
// Regenerates docs/screenshots/*.png: the fleet and node views at 1280×800 (light and dark) and at
// phone width. Against the real stack pass --url/--user/--password; by default it starts the
// synthetic test server (scripts/test-server.mjs) with 60 nodes.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, login } from './browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : d);
const out = resolve(here, '../../docs/screenshots');
mkdirSync(out, { recursive: true });

let server = null;
let base = opt('url', null);
const user = opt('user', 'admin');
const password = opt('password', 'synthetic-password');
if (!base) {
  const port = 8200 + Math.floor(Math.random() * 500);
  server = spawn(process.execPath, [join(here, 'test-server.mjs'), '--port', String(port), '--nodes', '60', '--static'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ok) => server.stdout.once('data', ok));
  base = `http://127.0.0.1:${port}`;
}

const shots = [];
try {
  for (const scheme of ['light', 'dark']) {
    const ctx = await launch({ colorScheme: scheme });
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await login(page, base, user, password);
    await page.waitForSelector('[data-testid=fleet-rows] li');
    await page.waitForTimeout(3500); // a few seconds of sparkline
    await page.screenshot({ path: join(out, `fleet-${scheme}.png`) });
    shots.push(`fleet-${scheme}.png`);
    const first = await page.getAttribute('[data-testid=fleet-rows] li[data-state=ONLINE] a.node-link', 'href');
    await page.goto(base + '/' + first);
    await page.waitForSelector('[data-testid=chart-cpu] canvas');
    await page.waitForTimeout(2500);
    await page.screenshot({ path: join(out, `node-${scheme}.png`) });
    shots.push(`node-${scheme}.png`);
    if (scheme === 'light') {
      await page.goto(base + '/' + first + '?tab=logs');
      await page.waitForSelector('[data-testid=log-lines] .line');
      await page.waitForTimeout(1000);
      await page.screenshot({ path: join(out, 'node-logs.png') });
      await page.goto(base + '/' + first + '?tab=actions');
      await page.fill('[data-testid=exec-input]', 'echo hello from the dashboard');
      await page.click('[data-testid=exec-run]');
      await page.waitForSelector('[data-testid=exec-result][data-status=completed]');
      await page.click('[data-testid=term-open]');
      await page.waitForSelector('[data-testid=term-phase]:has-text("connected")');
      await page.keyboard.type('uptime\r');
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(out, 'node-actions.png') });
      shots.push('node-logs.png', 'node-actions.png');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(base + '/#/');
      await page.waitForSelector('[data-testid=fleet-rows] li');
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(out, 'fleet-phone.png') });
      shots.push('fleet-phone.png');
    }
    await ctx.close();
  }
  console.log(`wrote ${shots.map((s) => 'docs/screenshots/' + s).join(', ')}`);
} finally {
  server?.kill();
}
