'use strict';
// Helpers shared by the tests: temporary log dirs, reading files back, header masking.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const VECTORS = path.join(__dirname, '..', '..', 'spec', 'vectors');

// FORMAT.md §10: header values that vary by process and library.
const MASK = new RegExp('"(token|pid|start_time|started_at|exe|argv|user|uid|hostname|language|library_version)":'
  + '("(?:[^"\\\\]|\\\\.)*"|\\[(?:"(?:[^"\\\\]|\\\\.)*"|[^\\]"])*\\]|-?[0-9]+|null)', 'g');

function maskHeader(line) {
  return line.replace(MASK, (_, key) => `"${key}":"*"`);
}

function vectorNames() {
  return fs.readdirSync(VECTORS).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).sort();
}

function loadVector(name) {
  return {
    input: JSON.parse(fs.readFileSync(path.join(VECTORS, name + '.json'), 'utf8')),
    expected: fs.readFileSync(path.join(VECTORS, name + '.expected')),
  };
}

const made = [];
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed with its content when the test process exits. */
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dvictest-'));
  made.push(dir);
  return dir;
}

/** The parsed lines of a log file, header excluded. */
function records(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(1).map((l) => JSON.parse(l));
}

module.exports = { maskHeader, vectorNames, loadVector, tempDir, records };
