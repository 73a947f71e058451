"""The file of one logger: creation, header, rotation, failed writes (FORMAT.md §1, §6, §9).

Only one thread at a time may call into a LogFile; Logger serialises it.
"""

import os

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)


class LogFile:
    def __init__(self, path, header, max_file_bytes, write=os.write):
        """write(fd, data) -> bytes written: a seam for tests to inject ENOSPC."""
        self.path = path
        self._header = header
        self._max_file_bytes = max_file_bytes
        self._write = write
        self._fd = None
        self._size = 0
        self._mid_line = False  # a failed write left the file ending inside a line
        self._ready()

    def write_lines(self, lines):
        """Append encoded lines in order; return how many (a prefix of them) reached the file."""
        written = 0
        while written < len(lines):
            if not self._ready():
                break
            count = self._lines_that_fit(lines, written)
            if count == 0:
                self._rotate()
                continue
            done = self._append(lines[written:written + count])
            written += done
            if done < count:
                break
        return written

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _ready(self):
        """Open the file and write its header if that is not done yet; False if it failed."""
        if self._fd is not None:
            return True
        try:
            self._fd = os.open(self.path, _FLAGS, 0o600)
        except OSError:
            return False
        self._size = 0
        self._mid_line = False
        if self._write_all(self._header) < len(self._header):
            # A file without a complete header is useless to the agent: start over next time.
            self.close()
            try:
                os.unlink(self.path)
            except OSError:
                pass
            return False
        return True

    def _lines_that_fit(self, lines, start):
        holds_only_header = self._size == len(self._header)
        size = self._size + (1 if self._mid_line else 0)
        count = 0
        for line in lines[start:]:
            if size + len(line) > self._max_file_bytes and not (holds_only_header and count == 0):
                break
            size += len(line)
            count += 1
        return count

    def _rotate(self):
        self.close()
        try:
            os.replace(self.path, self.path + ".1")
        except OSError:
            pass  # e.g. someone removed the file: the next open creates it anew

    def _append(self, lines):
        lead = b"\n" if self._mid_line else b""
        data = lead + b"".join(lines)
        done = self._write_all(data)
        if done == len(data):
            self._mid_line = False
            return len(lines)
        # Count whole lines that made it; the rest is dropped by the caller.
        remaining = done - len(lead)
        complete = 0
        for line in lines:
            if remaining < len(line):
                break
            remaining -= len(line)
            complete += 1
        if done > 0:
            self._mid_line = remaining != 0
        return complete

    def _write_all(self, data):
        """Write data; return how many bytes reached the file before an error."""
        view = memoryview(data)
        done = 0
        while done < len(data):
            try:
                n = self._write(self._fd, view[done:])
            except InterruptedError:
                continue
            except OSError:
                break
            if n <= 0:
                break
            done += n
        self._size += done
        return done
