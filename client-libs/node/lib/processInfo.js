'use strict';
// The facts of the header line (FORMAT.md §2).

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const { encodeHeader, formatTs } = require('./encoding');
const { version } = require('../package.json');

function newToken() {
  return crypto.randomBytes(16).toString('base64url'); // 22 chars, no padding
}

function readOrNull(path) {
  try {
    return fs.readFileSync(path);
  } catch {
    return null;
  }
}

function startTicks() {
  const stat = readOrNull('/proc/self/stat');
  if (stat === null) return null;
  // comm (field 2) may contain spaces and ')': split after the last ')'.
  const rest = stat.toString('latin1').slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[19]); // field 22; rest starts at field 3
}

function argv() {
  const cmdline = readOrNull('/proc/self/cmdline');
  if (cmdline && cmdline.length) {
    // TextDecoder replaces invalid UTF-8 with U+FFFD, as FORMAT.md asks.
    return new TextDecoder().decode(cmdline).replace(/\0$/, '').split('\0');
  }
  return process.argv.slice();
}

function exe() {
  try {
    return fs.readlinkSync('/proc/self/exe');
  } catch {
    return process.execPath || null;
  }
}

function userName() {
  try {
    return os.userInfo().username;
  } catch {
    return null;
  }
}

/** The header line of a file of this process, as a Buffer. */
function header(token, demo) {
  const info = {
    dvic_log: 1,
    token,
    pid: process.pid,
    start_time: startTicks(),
    // Node cannot read CLK_TCK; process.uptime() counts from process start.
    started_at: formatTs(Math.floor(Date.now() - process.uptime() * 1000)),
    exe: exe(),
    argv: argv(),
    user: userName(),
    uid: typeof process.geteuid === 'function' ? process.geteuid() : null,
    hostname: os.hostname(),
    language: 'node',
    library_version: version,
  };
  if (demo !== undefined && demo !== null) info.demo = String(demo);
  return encodeHeader(info);
}

module.exports = { newToken, header };
