'use strict';
// The file of one logger: creation, header, rotation, failed writes (FORMAT.md §1, §6, §9).

const fs = require('node:fs');

const { O_WRONLY, O_CREAT, O_EXCL, O_APPEND } = fs.constants;
const NEWLINE = Buffer.from('\n');

class LogFile {
  /** write(fd, buffer, offset, length) -> bytes written: a seam for tests to inject ENOSPC. */
  constructor(path, header, maxFileBytes, write = fs.writeSync) {
    this.path = path;
    this._header = header;
    this._maxFileBytes = maxFileBytes;
    this._write = write;
    this._fd = null;
    this._size = 0;
    this._midLine = false; // a failed write left the file ending inside a line
    this._ready();
  }

  /** Append encoded lines in order; return how many (a prefix of them) reached the file. */
  writeLines(lines) {
    let written = 0;
    while (written < lines.length) {
      if (!this._ready()) break;
      const count = this._linesThatFit(lines, written);
      if (count === 0) {
        this._rotate();
        continue;
      }
      const done = this._append(lines.slice(written, written + count));
      written += done;
      if (done < count) break;
    }
    return written;
  }

  close() {
    if (this._fd !== null) {
      try {
        fs.closeSync(this._fd);
      } catch {
        // nothing left to do with a descriptor that cannot be closed
      }
      this._fd = null;
    }
  }

  /** Open the file and write its header if that is not done yet; false if it failed. */
  _ready() {
    if (this._fd !== null) return true;
    try {
      // libuv adds O_CLOEXEC itself.
      this._fd = fs.openSync(this.path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0o600);
    } catch {
      return false;
    }
    this._size = 0;
    this._midLine = false;
    if (this._writeAll(this._header) < this._header.length) {
      // A file without a complete header is useless to the agent: start over next time.
      this.close();
      try {
        fs.unlinkSync(this.path);
      } catch {
        // already gone
      }
      return false;
    }
    return true;
  }

  _linesThatFit(lines, start) {
    const holdsOnlyHeader = this._size === this._header.length;
    let size = this._size + (this._midLine ? 1 : 0);
    let count = 0;
    for (let i = start; i < lines.length; i++) {
      if (size + lines[i].length > this._maxFileBytes && !(holdsOnlyHeader && count === 0)) break;
      size += lines[i].length;
      count++;
    }
    return count;
  }

  _rotate() {
    this.close();
    try {
      fs.renameSync(this.path, this.path + '.1');
    } catch {
      // e.g. someone removed the file: the next open creates it anew
    }
  }

  _append(lines) {
    const lead = this._midLine ? 1 : 0;
    const data = Buffer.concat(lead ? [NEWLINE, ...lines] : lines);
    const done = this._writeAll(data);
    if (done === data.length) {
      this._midLine = false;
      return lines.length;
    }
    // Count whole lines that made it; the rest is dropped by the caller.
    let remaining = done - lead;
    let complete = 0;
    for (const line of lines) {
      if (remaining < line.length) break;
      remaining -= line.length;
      complete++;
    }
    if (done > 0) this._midLine = remaining !== 0;
    return complete;
  }

  /** Write data; return how many bytes reached the file before an error. */
  _writeAll(data) {
    let done = 0;
    while (done < data.length) {
      let n;
      try {
        n = this._write(this._fd, data, done, data.length - done);
      } catch (err) {
        if (err && err.code === 'EINTR') continue;
        break;
      }
      if (!(n > 0)) break;
      done += n;
    }
    this._size += done;
    return done;
  }
}

module.exports = { LogFile };
