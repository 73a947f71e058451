'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { Logger } = require('..');
const { tempDir, records } = require('./support');

function enospc() {
  const err = new Error('ENOSPC: no space left on device, write');
  err.code = 'ENOSPC';
  throw err;
}

/** fs.writeSync until told to fail like a full disk. */
function switchableWrite() {
  const control = { fail: false, partialThenFail: null };
  control.write = (fd, buf, off, len) => {
    if (control.partialThenFail !== null) {
      const n = control.partialThenFail;
      control.partialThenFail = null;
      control.fail = true;
      return fs.writeSync(fd, buf, off, n);
    }
    if (control.fail) return enospc();
    return fs.writeSync(fd, buf, off, len);
  };
  return control;
}

test('header: private file named by token, describing the process', () => {
  const logger = new Logger({ dir: tempDir() });
  logger.close();
  const name = path.basename(logger.path);
  assert.match(name, /^dvic_log_[A-Za-z0-9_-]{22}$/);
  assert.equal(fs.statSync(logger.path).mode & 0o777, 0o600);
  const header = JSON.parse(fs.readFileSync(logger.path, 'utf8').split('\n')[0]);
  const stat = fs.readFileSync('/proc/self/stat', 'latin1');
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  assert.deepEqual(Object.keys(header).slice(0, 3), ['dvic_log', 'token', 'pid']);
  assert.equal(header.token, name.slice('dvic_log_'.length));
  assert.deepEqual([header.pid, header.start_time, header.uid], [process.pid, ticks, process.geteuid()]);
  assert.equal(header.language, 'node');
  assert.equal('demo' in header, false);
});

test('DVIC_LOG_DIR chooses the directory', () => {
  const dir = tempDir();
  process.env.DVIC_LOG_DIR = dir;
  try {
    const logger = new Logger();
    logger.close();
    assert.equal(path.dirname(logger.path), dir);
  } finally {
    delete process.env.DVIC_LOG_DIR;
  }
});

test('an invalid level is a clear error', () => {
  const logger = new Logger({ dir: tempDir() });
  assert.throws(() => logger.log('NOTICE', 'x'), { name: 'RangeError', message: /invalid dvic_log level "NOTICE"/ });
  logger.close();
});

test('an Error is recorded with its stack; calls after close are refused', () => {
  const logger = new Logger({ dir: tempDir() });
  logger.error('lookup failed', { servo: 3 }, new TypeError('no servo'));
  logger.close();
  assert.equal(logger.info('late'), false);
  const [record] = records(logger.path);
  assert.deepEqual(record.fields, { servo: 3 });
  assert.equal(record.exc.type, 'TypeError');
  assert.match(record.exc.stack, /logger\.test\.js/);
});

test('ESM and CommonJS entry points share one implementation', async () => {
  const esm = await import('../index.mjs');
  assert.equal(esm.Logger, require('..').Logger);
});

test('interleaved async producers lose and mix nothing', async () => {
  // Given a small buffer so that log calls flush along the way
  const logger = new Logger({ dir: tempDir(), bufferBytes: 64 * 1024 * 1024 });
  const producers = 8;
  const perProducer = 3000;
  // When eight async producers take turns
  await Promise.all(Array.from({ length: producers }, async (_, p) => {
    for (let i = 0; i < perProducer; i++) {
      logger.info(`producer ${p} line ${i}`, { p, i });
      if (i % 100 === 0) await new Promise(setImmediate);
    }
  }));
  logger.close();
  // Then every line is whole and each producer's lines are in order
  const seen = Array.from({ length: producers }, () => []);
  for (const r of records(logger.path)) seen[r.fields.p].push(r.fields.i);
  const all = Array.from({ length: perProducer }, (_, i) => i);
  assert.deepEqual(seen, Array.from({ length: producers }, () => all));
});

test('worker threads each write their own complete file', async () => {
  const dir = tempDir();
  const workers = 4;
  const perWorker = 2000;
  const code = `
    const { Logger } = require(${JSON.stringify(path.join(__dirname, '..'))});
    const { workerData } = require('node:worker_threads');
    const logger = new Logger({ dir: workerData.dir });
    for (let i = 0; i < workerData.n; i++) logger.info('w', { w: workerData.w, i });
  `;
  await Promise.all(Array.from({ length: workers }, (_, w) => new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { dir, w, n: perWorker } });
    worker.on('error', reject);
    worker.on('exit', (exitCode) => (exitCode === 0 ? resolve() : reject(new Error(`exit ${exitCode}`))));
  })));
  const files = fs.readdirSync(dir);
  assert.equal(files.length, workers);
  const byWorker = files.map((f) => records(path.join(dir, f))).map((rs) => [rs[0].fields.w, rs.map((r) => r.fields.i)]);
  byWorker.sort((a, b) => a[0] - b[0]);
  const all = Array.from({ length: perWorker }, (_, i) => i);
  assert.deepEqual(byWorker, Array.from({ length: workers }, (_, w) => [w, all]));
});

test('rotation: a full file moves to .1 and a new one starts with the same header', () => {
  const dir = tempDir();
  const logger = new Logger({ dir, maxFileBytes: 2000 });
  for (let i = 0; i < 100; i++) logger.info(`line ${String(i).padStart(3, '0')}`);
  logger.close();
  const current = fs.readFileSync(logger.path);
  const previous = fs.readFileSync(logger.path + '.1');
  assert.equal(current.toString().split('\n')[0], previous.toString().split('\n')[0]);
  assert.ok(current.length <= 2000 && previous.length <= 2000);
  assert.ok(previous.length > 2000 - 80, 'rotated only when the next line did not fit');
  assert.deepEqual(fs.readdirSync(dir).sort(), [path.basename(logger.path), path.basename(logger.path) + '.1'].sort());
  const numbers = [...records(logger.path + '.1'), ...records(logger.path)].map((r) => Number(r.msg.slice(5)));
  assert.deepEqual(numbers, Array.from({ length: 100 - numbers[0] }, (_, i) => numbers[0] + i));
  assert.equal(numbers.at(-1), 99);
});

test('full disk: failed writes are counted, never thrown, and reported when writing works again', () => {
  const control = switchableWrite();
  const logger = new Logger({ dir: tempDir(), write: control.write });
  // Given a disk that fills up
  control.fail = true;
  for (let i = 0; i < 5; i++) logger.info(`lost ${i}`);
  // When the flush fails, nothing is thrown and the lines are counted
  logger.flush();
  assert.deepEqual(logger.dropped(), { bufferFull: 0, writeFailed: 5 });
  // Then after space comes back the report precedes the next lines
  control.fail = false;
  logger.info('back');
  logger.close();
  const [report, back] = records(logger.path);
  assert.equal(report.msg, 'dvic_log dropped 5 lines');
  assert.equal(report.level, 'WARN');
  assert.deepEqual(report.fields, { dvic_dropped: 5, buffer_full: 0, write_failed: 5 });
  assert.equal(back.msg, 'back');
  assert.deepEqual(logger.dropped(), { bufferFull: 0, writeFailed: 0 });
});

test('full disk: a write cut short leaves the fragment on its own line', () => {
  const control = switchableWrite();
  const logger = new Logger({ dir: tempDir(), write: control.write });
  control.partialThenFail = 10;
  logger.info('first');
  logger.info('second');
  logger.flush();
  assert.deepEqual(logger.dropped(), { bufferFull: 0, writeFailed: 2 });
  control.fail = false;
  logger.info('third');
  logger.close();
  const lines = fs.readFileSync(logger.path, 'utf8').split('\n');
  assert.equal(lines[1], '{"ts":"202');
  assert.equal(JSON.parse(lines[2]).fields.write_failed, 2);
  assert.equal(JSON.parse(lines[3]).msg, 'third');
});

test('an uncreatable file drops and counts without throwing', () => {
  const logger = new Logger({ dir: path.join(tempDir(), 'missing') });
  assert.equal(logger.info('nowhere to go'), true);
  logger.flush();
  assert.deepEqual(logger.dropped(), { bufferFull: 0, writeFailed: 1 });
  logger.close();
});

test('a full buffer drops, counts and reports', () => {
  // Given a buffer of 1000 bytes that the timer has no chance to drain
  const logger = new Logger({ dir: tempDir(), bufferBytes: 1000, clock: () => Date.UTC(2026, 10, 22, 10) });
  // When more is logged than it holds
  let accepted = 0;
  for (let i = 0; i < 100; i++) accepted += logger.info(`line ${String(i).padStart(3, '0')}`) ? 1 : 0;
  // Then the surplus is dropped, counted, and reported before the kept lines
  const lineBytes = Buffer.byteLength('{"ts":"2026-11-22T10:00:00.000Z","level":"INFO","msg":"line 000"}\n');
  assert.equal(accepted, Math.floor(1000 / lineBytes));
  assert.deepEqual(logger.dropped(), { bufferFull: 100 - accepted, writeFailed: 0 });
  logger.close();
  const lines = records(logger.path);
  assert.deepEqual(lines[0].fields, { dvic_dropped: 100 - accepted, buffer_full: 100 - accepted, write_failed: 0 });
  assert.deepEqual(lines.slice(1).map((r) => r.msg), Array.from({ length: accepted }, (_, i) => `line ${String(i).padStart(3, '0')}`));
});

test('the timer writes without an explicit flush', async () => {
  const logger = new Logger({ dir: tempDir() });
  logger.info('soon');
  // Poll rather than assert a time: only "eventually, without flush()" is the contract here.
  for (let i = 0; i < 100 && records(logger.path).length === 0; i++) {
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
  assert.deepEqual(records(logger.path).map((r) => r.msg), ['soon']);
  logger.close();
});
