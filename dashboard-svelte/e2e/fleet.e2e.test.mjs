// End to end in real headless Chromium against the real stack (e2e/stack.mjs): log in, see N
// nodes online, stop a simulated node and see it go offline within its timeout + 2 s, run `echo`
// and read its output, open a terminal and type a command.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blockedOn, startStack } from './stack.mjs';
import { launch, login } from '../scripts/browser.mjs';

const blocked = blockedOn();
if (blocked) console.log(`# e2e BLOCKED: waiting for ${blocked.join('; ')}`);

describe('dashboard on the real stack', { skip: blocked ? `blocked on: ${blocked.join('; ')}` : false }, () => {
  let stack;
  let ctx;
  let page;

  before(async () => {
    stack = await startStack();
    ctx = await launch();
    page = ctx.pages()[0] ?? (await ctx.newPage());
  });
  after(async () => {
    await ctx?.close();
    await stack?.close();
  });

  it('logs in and shows every simulated node online', async () => {
    await login(page, stack.url, stack.user, stack.password);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=count-online] b')?.textContent) >= n, stack.nodes, { timeout: 60_000 });
    assert.equal(await page.locator('[data-testid=live-state]').textContent(), 'live');
  });

  it('shows a stopped node offline within its timeout + 2 s', async () => {
    const row = page.locator('[data-testid=fleet-rows] li[data-state=ONLINE]').first();
    const nodeId = await row.getAttribute('data-node-id');
    const name = await row.locator('a.node-link').textContent();
    const t0 = Date.now();
    await stack.stopNode(nodeId, name);
    await page.waitForSelector(`[data-testid=fleet-rows] li[data-node-id="${nodeId}"][data-state=OFFLINE]`, { timeout: stack.timeoutMs + 2000 });
    console.log(`# offline after ${Date.now() - t0} ms (timeout ${stack.timeoutMs} ms)`);
  });

  it('runs echo on a node and reads its output', async () => {
    const link = page.locator('[data-testid=fleet-rows] li[data-state=ONLINE] a.node-link').first();
    const href = await link.getAttribute('href');
    await page.goto(stack.url + '/' + href + '?tab=actions');
    const word = `e2e-${Date.now()}`;
    await page.fill('[data-testid=exec-input]', `echo ${word}`);
    await page.click('[data-testid=exec-run]');
    await page.waitForSelector('[data-testid=exec-result][data-status=completed]', { timeout: 20_000 });
    assert.equal((await page.textContent('[data-testid=exec-output]')).trim(), word);
  });

  it('opens a terminal and types a command', async () => {
    await page.click('[data-testid=term-open]');
    await page.waitForSelector('[data-testid=term-phase]:has-text("connected")', { timeout: 20_000 });
    const word = `term${Date.now()}`;
    await page.click('[data-testid=terminal]');
    await page.keyboard.type(`echo ${word}\r`);
    await page.waitForFunction((w) => (document.querySelector('[data-testid=terminal] .xterm-rows')?.textContent ?? '').split(w).length >= 3, word, { timeout: 20_000 });
    await page.click('[data-testid=term-close]');
  });
});
