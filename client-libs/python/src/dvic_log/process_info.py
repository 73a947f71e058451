"""The facts of the header line (FORMAT.md §2), gathered once per process."""

import os
import pwd
import secrets
import socket
import sys
import time

from . import encoding
from ._version import __version__


def new_token():
    return secrets.token_urlsafe(16)  # 16 bytes -> 22 base64url chars


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def _start_ticks():
    stat = _read("/proc/self/stat")
    if stat is None:
        return None
    # comm (field 2) may contain spaces and ')': split after the last ')'.
    rest = stat[stat.rindex(b")") + 2:].split()
    return int(rest[19])  # field 22; rest starts at field 3


def _started_at_ms(ticks):
    boot = _read("/proc/stat")
    if ticks is not None and boot is not None:
        for line in boot.splitlines():
            if line.startswith(b"btime "):
                return int((int(line.split()[1]) + ticks / os.sysconf("SC_CLK_TCK")) * 1000)
    return int(time.time() * 1000)


def _argv():
    cmdline = _read("/proc/self/cmdline")
    if cmdline:
        return [arg.decode("utf-8", "replace") for arg in cmdline.rstrip(b"\0").split(b"\0")]
    return [sys.executable] + sys.argv


def _exe():
    try:
        return os.readlink("/proc/self/exe")
    except OSError:
        return sys.executable or None


def _user(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def header(token, demo=None):
    """The header line for a file of this process, as bytes."""
    ticks = _start_ticks()
    uid = os.geteuid()
    info = {
        "dvic_log": 1,
        "token": token,
        "pid": os.getpid(),
        "start_time": ticks,
        "started_at": encoding.format_ts(_started_at_ms(ticks)),
        "exe": _exe(),
        "argv": _argv(),
        "user": _user(uid),
        "uid": uid,
        "hostname": socket.gethostname(),
        "language": "python",
        "library_version": __version__,
    }
    if demo is not None:
        info["demo"] = demo
    return encoding.encode_header(info)
