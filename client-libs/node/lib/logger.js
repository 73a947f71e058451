'use strict';
// Logger: a bounded buffer in front of a LogFile (FORMAT.md §9).
// Node has no other thread to hand the I/O to: a timer writes the buffer every
// 100 ms, and a log call that finds 64 KiB waiting writes them itself (one
// write to the page cache) so a synchronous burst does not overflow the buffer.

const fs = require('node:fs');
const path = require('node:path');
const { encodeRecord } = require('./encoding');
const { newToken, header } = require('./processInfo');
const { LogFile } = require('./logFile');

const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
const DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024;
const FLUSH_INTERVAL_MS = 100;
const EAGER_FLUSH_BYTES = 64 * 1024;

const openLoggers = new Set();
process.on('exit', () => {
  for (const logger of openLoggers) logger.close();
});

function logDir() {
  return process.env.DVIC_LOG_DIR || '/tmp';
}

/** {type, message, stack} of whatever was thrown. */
function exceptionParts(exc) {
  if (exc instanceof Error) {
    return { type: exc.name || exc.constructor.name, message: exc.message, stack: exc.stack || '' };
  }
  if (exc && typeof exc === 'object' && 'type' in exc && 'message' in exc) {
    return { type: exc.type, message: exc.message, stack: exc.stack || '' };
  }
  return { type: typeof exc, message: String(exc), stack: '' };
}

class Logger {
  /**
   * @param {object} [options] demo, dir, maxFileBytes, bufferBytes;
   *   clock() -> epoch ms and write(fd, buf, off, len) are seams for tests.
   */
  constructor({ demo, dir, maxFileBytes = DEFAULT_MAX_FILE_BYTES, bufferBytes = DEFAULT_BUFFER_BYTES,
    clock = Date.now, write = fs.writeSync } = {}) {
    this._bufferBytes = bufferBytes;
    this._clock = clock;
    this._lines = [];
    this._buffered = 0;
    this._bufferFull = 0;
    this._writeFailed = 0;
    this._closed = false;
    const token = newToken();
    this.path = path.join(dir || logDir(), 'dvic_log_' + token);
    this._file = new LogFile(this.path, header(token, demo), maxFileBytes, write);
    this._timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this._timer.unref(); // logging must not keep the demo alive
    openLoggers.add(this);
  }

  /**
   * Queue one line. Returns false if it was dropped (buffer full or logger closed).
   * Throws RangeError only for an invalid level.
   */
  log(level, msg, fields, exc) {
    const line = encodeRecord(this._clock(), level, String(msg), fields,
      exc === undefined || exc === null ? null : exceptionParts(exc));
    if (this._closed) return false;
    if (this._buffered + line.length > this._bufferBytes) {
      this._bufferFull++;
      return false;
    }
    this._lines.push(line);
    this._buffered += line.length;
    if (this._buffered >= EAGER_FLUSH_BYTES) this.flush();
    return true;
  }

  trace(msg, fields) { return this.log('TRACE', msg, fields); }

  debug(msg, fields) { return this.log('DEBUG', msg, fields); }

  info(msg, fields) { return this.log('INFO', msg, fields); }

  warn(msg, fields) { return this.log('WARN', msg, fields); }

  /** error(msg, err), error(msg, fields) or error(msg, fields, err). */
  error(msg, fields, err) { return this._withError('ERROR', msg, fields, err); }

  fatal(msg, fields, err) { return this._withError('FATAL', msg, fields, err); }

  _withError(level, msg, fields, err) {
    if (fields instanceof Error) return this.log(level, msg, undefined, fields);
    return this.log(level, msg, fields, err);
  }

  /** Write everything buffered so far, synchronously. */
  flush() {
    const lines = this._lines;
    this._lines = [];
    this._buffered = 0;
    const bufferFull = this._bufferFull;
    const writeFailed = this._writeFailed;
    const report = bufferFull + writeFailed;
    if (report) {
      lines.unshift(encodeRecord(this._clock(), 'WARN', `dvic_log dropped ${report} lines`, {
        dvic_dropped: report, buffer_full: bufferFull, write_failed: writeFailed,
      }));
    }
    if (!lines.length) return;
    const written = this._file.writeLines(lines);
    if (report && written > 0) {
      this._bufferFull -= bufferFull;
      this._writeFailed -= writeFailed;
    }
    this._writeFailed += lines.length - written - (report && written === 0 ? 1 : 0);
  }

  /** Flush and stop; later log calls return false. Safe to call twice. */
  close() {
    if (this._closed) return;
    this._closed = true;
    clearInterval(this._timer);
    openLoggers.delete(this);
    this.flush();
    this._file.close();
  }

  /** Drops not yet reported in the file. */
  dropped() {
    return { bufferFull: this._bufferFull, writeFailed: this._writeFailed };
  }
}

module.exports = { Logger, exceptionParts };
