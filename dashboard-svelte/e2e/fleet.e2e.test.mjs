// End to end in real headless Chromium against the real stack (e2e/stack.mjs: ./start.sh --fleet N
// plus one extra simulated desktop and one real agent): log in, see every node online, stop the
// extra simulated desktop and see it go offline within its timeout + 2 s, run `echo` on the real
// agent and read its output, open a terminal on it and type a command.
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
  const row = (id, state) => `[data-testid=fleet-rows] li[data-node-id="${id}"]${state ? `[data-state=${state}]` : ''}`;

  before(async () => {
    const t0 = Date.now();
    stack = await startStack();
    const t = stack.timings;
    console.log(`# stack ready after ${t.stackReadyMs} ms (start command: ready in ${t.startCommandReady}${t.built ? ', after building' : ''}), extra nodes started after ${Date.now() - t0} ms`);
    ctx = await launch();
    page = ctx.pages()[0] ?? (await ctx.newPage());
  });
  after(async () => {
    await ctx?.close();
    const t0 = Date.now();
    await stack?.close();
    if (stack) console.log(`# stack stopped in ${Date.now() - t0} ms, its ports are free`);
  });

  it('logs in and shows every node online', async () => {
    await login(page, stack.url, stack.user, stack.password);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=count-online] b')?.textContent) >= n, stack.nodes, { timeout: 90_000 })
      .catch((e) => { console.log(stack.logs()); throw e; });
    await page.waitForSelector(row(stack.extraNode, 'ONLINE'), { timeout: 10_000 });
    await page.waitForSelector(row(stack.agentNode, 'ONLINE'), { timeout: 10_000 });
    assert.equal(await page.locator('[data-testid=live-state]').textContent(), 'live');
  });

  it('shows a stopped node offline within its timeout + 2 s', async () => {
    const t0 = await stack.stopNode(); // when the stop signal went out
    await page.waitForSelector(row(stack.extraNode, 'OFFLINE'), { timeout: Math.max(1, t0 + stack.timeoutMs + 2000 - Date.now()) })
      .catch(async (e) => { console.log(await stack.diagnose(stack.extraNode)); throw e; });
    console.log(`# offline after ${Date.now() - t0} ms (timeout ${stack.timeoutMs} ms)`);
  });

  it('runs echo on a node and reads its output', async () => {
    await page.goto(`${stack.url}/#/node/${stack.agentNode}?tab=actions`);
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
    // the typed line echoed back by the PTY, then the command's output: the word twice
    await page.waitForFunction((w) => (document.querySelector('[data-testid=terminal] .xterm-rows')?.textContent ?? '').split(w).length >= 3, word, { timeout: 20_000 });
    await page.click('[data-testid=term-close]');
  });
});
