#!/usr/bin/env python3
"""Writes the golden vectors: <case>.json (inputs) and <case>.expected (file content).

The expected files were produced by the Python library and then checked by
hand and by the three other libraries; regenerate only on purpose, review the
diff, and bump the format version for incompatible changes.
Run: python3 generate.py  (from this folder; needs client-libs/python/src).
"""

import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python", "src"))
from dvic_log import encoding  # noqa: E402

MASKED = ("token", "pid", "start_time", "started_at", "exe", "argv", "user", "uid",
          "hostname", "language", "library_version")


def ms(text):
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp() * 1000)


T0 = ms("2026-11-22T10:00:00.000")


def call(i, level, msg, fields=None, exc=None, ts_ms=None):
    entry = {"ts_ms": T0 + i if ts_ms is None else ts_ms, "level": level, "msg": msg}
    if fields is not None:
        entry["fields"] = fields
    if exc is not None:
        entry["exc"] = exc
    return entry


def basic():
    calls = [call(i, level, "level %s" % level) for i, level in enumerate(encoding.LEVELS)]
    calls += [
        call(10, "INFO", ""),
        call(0, "INFO", "leap day, last millisecond", ts_ms=ms("2028-02-29T23:59:59.999")),
        call(0, "INFO", "epoch", ts_ms=0),
        call(11, "INFO", "empty fields are left out", fields={}),
    ]
    return {"description": "every level, empty message, timestamp formatting, demo name", "demo": "vector-demo",
            "calls": calls}


def escaping():
    controls = "".join(chr(c) for c in range(0x20))
    calls = [
        call(1, "INFO", 'quote " backslash \\ slash / tab\tnewline\ncr\r'),
        call(2, "INFO", "controls:" + controls + ":end"),
        call(3, "INFO", "del \x7f, line separator \u2028, paragraph \u2029, bom \ufeff"),
        call(4, "INFO", "latin é ü ß, cjk 中文字, emoji 😀🚀, replacement \ufffd, combining e\u0301"),
        call(5, "WARN", "keys escaped too", fields={'we"ird\nkey': "v\\al\tue", "ключ": "значение 🙂"}),
        call(6, "INFO", "\\u0041 is not unescaped, \\\\ neither"),
    ]
    return {"description": "JSON string escaping and raw UTF-8", "demo": 'demo "quoted" é', "calls": calls}


def fields():
    values = {
        "str": "text", "empty": "", "zero": 0, "neg": -1, "max_safe": 9007199254740991,
        "min_safe": -9007199254740991, "t": True, "f": False, "none": None,
    }
    floats = {
        "one_half": 1.5, "neg_quarter": -0.25, "three": 3.0, "neg_zero": -0.0, "tenth": 0.1,
        "e21": 1e21, "e20": 1e20, "e_minus_7": 1e-7, "e_minus_6": 1e-6, "mixed": 123456.789,
        "tiny": 5e-324, "huge": 1.7976931348623157e308, "small": 2.5e-8, "third": 1 / 3, "big_frac": 1.2345678901234567e21,
        "pow2_edge": 2.0 ** -1017,  # shortest form rounds away from the nearest: 7.120236347223045e-307
    }
    return {"description": "field value types, float formatting, order kept",
            "calls": [call(1, "INFO", "scalars", fields=values), call(2, "DEBUG", "floats", fields=floats)]}


def exceptions():
    stack = ('Traceback (most recent call last):\n  File "robot.py", line 12, in <module>\n    move()\n'
             'TimeoutError: servo "3" did not answer\n')
    calls = [
        call(1, "ERROR", "servo stalled", fields={"servo": 3},
             exc={"type": "TimeoutError", "message": 'servo "3" did not answer', "stack": stack}),
        call(2, "FATAL", "no stack", exc={"type": "std::runtime_error", "message": "bad state", "stack": ""}),
        call(3, "ERROR", "unicode", exc={"type": "Ошибка", "message": "é\u0000", "stack": "at 😀\n"}),
    ]
    return {"description": "exception objects", "calls": calls}


def truncation():
    head = encoding.encode_record(T0 + 20, "INFO", "")  # {"ts":...,"msg":""}\n
    exact = encoding.MAX_LINE_BYTES - (len(head) - 1)  # content bytes that make the line exactly 16384
    many_fields = {"k%02d" % i: "v" * 100 for i in range(60)}
    calls = [
        call(1, "INFO", "x" * 20000),
        call(2, "INFO", "é" * 9000),
        call(3, "INFO", "ab" + "\n" * 3000),
        call(4, "INFO", "ab" + "😀" * 5000),
        call(20, "INFO", "y" * exact),
        call(20, "INFO", "y" * (exact + 1)),
        call(21, "ERROR", "long exception parts",
             exc={"type": "T" * 300, "message": "m" * 2000, "stack": "s" * 10000}),
        call(22, "ERROR", "stack cut inside an escape run", exc={"type": "E", "message": "", "stack": "a" + "\n" * 2000}),
        call(23, "INFO", "long field value", fields={"big": "é" * 1000, "after": 1}),
        call(24, "INFO", "too many fields", fields=many_fields),
        call(25, "INFO", "a key that never fits", fields={"k" * 5000: 1}),
        call(26, "WARN", "z" * 20000, fields=many_fields,
             exc={"type": "Big", "message": "m" * 2000, "stack": "s" * 10000}),
    ]
    return {"description": "line limit: cuts at code point and escape boundaries, truncated flag", "calls": calls}


CASES = {"basic": basic, "escaping": escaping, "fields": fields, "exceptions": exceptions, "truncation": truncation}


def masked_header(demo):
    info = {"dvic_log": 1}
    info.update({key: "*" for key in MASKED})
    if demo is not None:
        info["demo"] = demo
    return encoding.encode_header(info)


def expected(case):
    out = masked_header(case.get("demo"))
    for c in case["calls"]:
        exc = c.get("exc")
        out += encoding.encode_record(c["ts_ms"], c["level"], c["msg"], c.get("fields"),
                                      (exc["type"], exc["message"], exc["stack"]) if exc else None)
    return out


def main():
    for name, make in CASES.items():
        case = make()
        with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(case, f, ensure_ascii=False, indent=1)
            f.write("\n")
        with open(os.path.join(HERE, name + ".expected"), "wb") as f:
            f.write(expected(case))


if __name__ == "__main__":
    main()
