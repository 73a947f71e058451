"""Logger: a bounded buffer in front of a LogFile, drained by a background thread.

A log call only encodes its line and appends it under a lock; all I/O happens
in the flusher thread (or in an explicit flush()/close()), FORMAT.md §9.
"""

import atexit
import os
import threading
import time
import traceback
import weakref

from . import encoding, process_info
from .logfile import LogFile

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024
FLUSH_INTERVAL_S = 0.1
EAGER_FLUSH_BYTES = 64 * 1024


def log_dir():
    return os.environ.get("DVIC_LOG_DIR") or "/tmp"


def exception_parts(exc):
    """(type, message, stack) of an exception instance, for encode_record."""
    cls = type(exc)
    name = cls.__qualname__ if cls.__module__ == "builtins" else cls.__module__ + "." + cls.__qualname__
    stack = "".join(traceback.format_exception(cls, exc, exc.__traceback__))
    return name, str(exc), stack


class Logger:
    """Writes one dvic_log file for this process. Thread-safe; log calls never raise on I/O."""

    def __init__(self, demo=None, directory=None, max_file_bytes=DEFAULT_MAX_FILE_BYTES,
                 buffer_bytes=DEFAULT_BUFFER_BYTES, clock_ms=None, write=os.write):
        """clock_ms() -> epoch milliseconds and write(fd, data) are seams for tests."""
        self._demo = demo
        self._directory = directory
        self._max_file_bytes = max_file_bytes
        self._buffer_bytes = buffer_bytes
        self._clock_ms = clock_ms or (lambda: time.time_ns() // 1_000_000)
        self._write = write
        self._start()
        me = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _call(me, "_after_fork"))
        atexit.register(_call, me, "close")

    def _start(self):
        """Set up buffer, file and flusher: at creation, and again in a forked child,
        which must not write its parent's lines nor share its file."""
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._io_lock = threading.Lock()  # one writer of the file at a time
        self._lines = []
        self._buffered = 0
        self._buffer_full = 0
        self._write_failed = 0
        self._closed = False
        token = process_info.new_token()
        self.path = os.path.join(self._directory or log_dir(), "dvic_log_" + token)
        self._file = LogFile(self.path, process_info.header(token, self._demo), self._max_file_bytes, self._write)
        self._flusher = threading.Thread(target=self._run, name="dvic_log-flusher", daemon=True)
        self._flusher.start()

    def _after_fork(self):
        if not self._closed:
            self._start()

    def log(self, level, msg, fields=None, exc=None, ts_ms=None):
        """Queue one line. exc: an exception instance or a (type, message, stack) tuple.
        Returns False if the line was dropped (buffer full or logger closed).
        Raises ValueError only for an invalid level."""
        if isinstance(exc, BaseException):
            exc = exception_parts(exc)
        line = encoding.encode_record(self._clock_ms() if ts_ms is None else ts_ms, level, str(msg), fields, exc)
        with self._lock:
            if self._closed:
                return False
            if self._buffered + len(line) > self._buffer_bytes:
                self._buffer_full += 1
                return False
            self._lines.append(line)
            before = self._buffered
            self._buffered += len(line)
            if before < EAGER_FLUSH_BYTES <= self._buffered:
                self._wake.notify()  # once per batch: each notify makes the flusher contend for the lock
        return True

    def trace(self, msg, **fields):
        return self.log("TRACE", msg, fields)

    def debug(self, msg, **fields):
        return self.log("DEBUG", msg, fields)

    def info(self, msg, **fields):
        return self.log("INFO", msg, fields)

    def warn(self, msg, **fields):
        return self.log("WARN", msg, fields)

    def error(self, msg, exc=None, **fields):
        return self.log("ERROR", msg, fields, exc)

    def fatal(self, msg, exc=None, **fields):
        return self.log("FATAL", msg, fields, exc)

    def flush(self):
        """Write everything buffered so far, synchronously."""
        with self._io_lock:
            with self._lock:
                lines, self._lines, self._buffered = self._lines, [], 0
                buffer_full, write_failed = self._buffer_full, self._write_failed
            report = buffer_full + write_failed
            if report:
                lines.insert(0, encoding.encode_record(
                    self._clock_ms(), "WARN", "dvic_log dropped %d lines" % report,
                    {"dvic_dropped": report, "buffer_full": buffer_full, "write_failed": write_failed}))
            if not lines:
                return
            written = self._file.write_lines(lines)
            with self._lock:
                if report and written > 0:
                    self._buffer_full -= buffer_full
                    self._write_failed -= write_failed
                self._write_failed += len(lines) - written - (1 if report and written == 0 else 0)

    def close(self):
        """Flush and stop; later log calls return False. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._wake.notify()
        if self._flusher is not threading.current_thread():
            self._flusher.join()
        self.flush()
        with self._io_lock:
            self._file.close()

    def dropped(self):
        """(buffer_full, write_failed) not yet reported in the file."""
        with self._lock:
            return self._buffer_full, self._write_failed

    def _run(self):
        while True:
            with self._lock:
                # Checked first: a notify sent while we were writing must not be lost.
                if not self._closed and self._buffered < EAGER_FLUSH_BYTES:
                    self._wake.wait(FLUSH_INTERVAL_S)
                closed = self._closed
            try:
                self.flush()
            except Exception:  # never let a bug kill the flusher silently; keep counting
                traceback.print_exc()
            if closed:
                return


def _call(ref, method):
    logger = ref()
    if logger is not None:
        getattr(logger, method)()
