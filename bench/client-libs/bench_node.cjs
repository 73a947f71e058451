'use strict';
// Node dvic-log benchmark: one JSON result per line on stdout.
// usage: node bench_node.cjs throughput THREADS LINES_PER_THREAD REPS DIR
//        node bench_node.cjs call SAMPLES REPS DIR
// THREADS > 1 runs that many worker_threads, each with its own Logger and file
// (a Node logger belongs to one thread); THREADS = 1 runs on the main thread.

const fs = require('node:fs');
const path = require('node:path');
const { Worker, isMainThread, workerData } = require('node:worker_threads');
const { Logger } = require('../../client-libs/node');

const NO_ROTATION = 2 ** 40; // the count of written lines must see every line

function produce(dir, t, perThread) {
  const logger = new Logger({ dir, maxFileBytes: NO_ROTATION, demo: 'bench' });
  for (let i = 0; i < perThread; i++) logger.info('bench line', { t, i });
  logger.close(); // includes writing everything that was accepted
  return logger.dropped();
}

/** Lines written and lines dropped as reported, over every file in dir; removes them. */
function countAndClean(dir) {
  let written = 0;
  let dropped = 0;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    for (let i = 1; i < lines.length; i++) {
      if (!lines[i]) continue;
      if (lines[i].includes('"msg":"dvic_log dropped ')) dropped += JSON.parse(lines[i]).fields.dvic_dropped;
      else written++;
    }
    fs.unlinkSync(file);
  }
  return { written, dropped };
}

async function throughput(threads, perThread, parent) {
  const dir = fs.mkdtempSync(path.join(parent, 'node-'));
  const start = process.hrtime.bigint();
  let unreported = 0;
  if (threads === 1) {
    const d = produce(dir, 0, perThread);
    unreported = d.bufferFull + d.writeFailed;
  } else {
    await Promise.all(Array.from({ length: threads }, (_, t) => new Promise((resolve, reject) => {
      const worker = new Worker(__filename, { workerData: { dir, t, perThread } });
      worker.on('message', (d) => { unreported += d.bufferFull + d.writeFailed; });
      worker.on('error', reject);
      worker.on('exit', resolve);
    })));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const { written, dropped } = countAndClean(dir);
  fs.rmdirSync(dir);
  return { threads, lines: written, dropped: dropped + unreported, seconds, lines_per_s: written / seconds };
}

/** Median over batches of 100 calls, divided by 100: keeps the timer's own cost out. */
function callMedianNs(samples, dir) {
  const logger = new Logger({ dir, maxFileBytes: NO_ROTATION, bufferBytes: 64 << 20 });
  for (let i = 0; i < 20000; i++) logger.info('warm up', { i });
  const batches = [];
  for (let b = 0; b < samples / 100; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 100; i++) logger.info('bench line', { t: 0, i });
    batches.push(Number(process.hrtime.bigint() - start) / 100);
  }
  logger.close();
  fs.unlinkSync(logger.path);
  batches.sort((a, b) => a - b);
  return { call_median_ns: batches[Math.floor(batches.length / 2)] };
}

async function main(argv) {
  const reps = Number(argv[0] === 'throughput' ? argv[3] : argv[2]);
  for (let r = 0; r < reps; r++) {
    const result = argv[0] === 'throughput'
      ? await throughput(Number(argv[1]), Number(argv[2]), argv[4])
      : callMedianNs(Number(argv[1]), argv[3]);
    console.log(JSON.stringify(result));
  }
}

if (isMainThread) {
  main(process.argv.slice(2));
} else {
  require('node:worker_threads').parentPort.postMessage(produce(workerData.dir, workerData.t, workerData.perThread));
}
