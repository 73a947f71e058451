"""Byte-exact encoding of header and record lines (client-libs/spec/FORMAT.md §4-§7).

Hand-written instead of json.dumps because the format fixes the escapes
(`\\u000a`, not `\\n`), the float form and the truncation rules, and all four
libraries must produce the same bytes.
"""

import datetime
import decimal
import math
import re

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")

MAX_LINE_BYTES = 16384
MAX_EXC_TYPE_BYTES = 256
MAX_EXC_MESSAGE_BYTES = 1024
MAX_EXC_STACK_BYTES = 8192
MAX_FIELD_VALUE_BYTES = 1024
MAX_FIELDS_BYTES = 4096

_ESCAPES = {i: "\\u%04x" % i for i in range(0x20)}
_ESCAPES[ord('"')] = '\\"'
_ESCAPES[ord("\\")] = "\\\\"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text):
    """Replace lone surrogates (e.g. from surrogateescape) by U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)


def escape(text):
    """Encoded content of a JSON string, without quotes, as bytes."""
    return _clean(text).translate(_ESCAPES).encode("utf-8")


def _char_size(cp):
    if cp in (0x22, 0x5C):
        return 2
    if cp < 0x20:
        return 6
    if cp < 0x80:
        return 1
    if cp < 0x800:
        return 2
    if cp < 0x10000:
        return 3
    return 4


def cut(text, limit):
    """(encoded content of at most `limit` bytes, whether it was cut)."""
    encoded = escape(text)
    if len(encoded) <= limit:
        return encoded, False
    text = _clean(text)
    size = 0
    for i, ch in enumerate(text):
        size += _char_size(ord(ch))
        if size > limit:
            return escape(text[:i]), True
    return encoded, False  # unreachable: the whole text was longer


def quoted(content):
    return b'"' + content + b'"'


def format_ts(ts_ms):
    """UTC, milliseconds truncated (ts_ms is already whole milliseconds)."""
    seconds, millis = divmod(int(ts_ms), 1000)
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    return "%s.%03dZ" % (moment.strftime("%Y-%m-%dT%H:%M:%S"), millis)


def format_float(value):
    """ECMAScript Number::toString of the shortest round-trip decimal."""
    if math.isnan(value):
        return b'"NaN"'
    if math.isinf(value):
        return b'"Infinity"' if value > 0 else b'"-Infinity"'
    if value == 0:
        return b"0"
    sign = "-" if value < 0 else ""
    # repr() is the shortest round-trip form; Decimal splits it into digits.
    _, digit_tuple, exponent = decimal.Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # value = 0.digits * 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = "%se%s%d" % (mantissa, "+" if e >= 0 else "-", abs(e))
    return (sign + text).encode("ascii")


def encode_value(value):
    """A field value, its string content already cut to the field limit."""
    if value is None:
        return b"null", False
    if value is True:
        return b"true", False
    if value is False:
        return b"false", False
    if isinstance(value, int):
        return str(int(value)).encode("ascii"), False
    if isinstance(value, float):
        return format_float(value), False
    content, was_cut = cut(value if isinstance(value, str) else str(value), MAX_FIELD_VALUE_BYTES)
    return quoted(content), was_cut


def encode_fields(fields):
    """(encoded object or None, whether anything was cut or left out)."""
    truncated = False
    members = []
    size = 2  # the braces
    for key, value in fields.items():
        encoded, was_cut = encode_value(value)
        truncated |= was_cut
        member = quoted(escape(str(key))) + b":" + encoded
        extra = len(member) + (1 if members else 0)
        if size + extra > MAX_FIELDS_BYTES:
            truncated = True
            break
        members.append(member)
        size += extra
    if not members:
        return None, truncated
    return b"{" + b",".join(members) + b"}", truncated


def encode_exc(exc_type, message, stack):
    parts = []
    truncated = False
    for key, text, limit in (
        (b"type", exc_type, MAX_EXC_TYPE_BYTES),
        (b"message", message, MAX_EXC_MESSAGE_BYTES),
        (b"stack", stack, MAX_EXC_STACK_BYTES),
    ):
        content, was_cut = cut(text, limit)
        truncated |= was_cut
        parts.append(b'"' + key + b'":' + quoted(content))
    return b"{" + b",".join(parts) + b"}", truncated


def check_level(level):
    if level not in LEVELS:
        raise ValueError("invalid dvic_log level %r: expected one of %s" % (level, ", ".join(LEVELS)))
    return level


def encode_record(ts_ms, level, msg, fields=None, exc=None):
    """One record line (with its newline). exc is (type, message, stack) or None."""
    check_level(level)
    tail = b""
    truncated = False
    if fields:
        encoded, truncated = encode_fields(fields)
        if encoded is not None:
            tail += b',"fields":' + encoded
    if exc is not None:
        encoded, was_cut = encode_exc(*exc)
        truncated |= was_cut
        tail += b',"exc":' + encoded
    head = b'{"ts":"' + format_ts(ts_ms).encode("ascii") + b'","level":"' + level.encode("ascii") + b'","msg":"'
    content = escape(msg)
    mark = b',"truncated":true' if truncated else b""
    line = head + content + b'"' + tail + mark + b"}"
    if len(line) > MAX_LINE_BYTES:
        mark = b',"truncated":true'
        budget = MAX_LINE_BYTES - (len(head) + 1 + len(tail) + len(mark) + 1)
        content, _ = cut(msg, budget)
        line = head + content + b'"' + tail + mark + b"}"
    return line + b"\n"


def encode_header(info):
    """info: the process facts of process_info.ProcessInfo as a dict, in header order."""
    parts = []
    for key, value in info.items():
        if isinstance(value, list):
            encoded = b"[" + b",".join(quoted(escape(item)) for item in value) + b"]"
        elif isinstance(value, str):
            encoded = quoted(escape(value))
        else:
            encoded, _ = encode_value(value)
        parts.append(quoted(key.encode("ascii")) + b":" + encoded)
    return b"{" + b",".join(parts) + b"}\n"
