"""Helpers shared by the tests: temporary log dirs, reading files back, header masking."""

import json
import os
import re
import shutil
import tempfile

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec", "vectors")

# FORMAT.md §10: header values that vary by process and library.
_MASK = re.compile(
    r'"(token|pid|start_time|started_at|exe|argv|user|uid|hostname|language|library_version)":'
    r'("(?:[^"\\]|\\.)*"|\[(?:"(?:[^"\\]|\\.)*"|[^\]"])*\]|-?[0-9]+|null)')


def mask_header(line):
    return _MASK.sub(lambda m: '"%s":"*"' % m.group(1), line.decode("utf-8")).encode("utf-8")


def vector_names():
    return sorted(name[:-5] for name in os.listdir(VECTORS) if name.endswith(".json"))


def load_vector(name):
    with open(os.path.join(VECTORS, name + ".json"), encoding="utf-8") as f:
        case = json.load(f)
    with open(os.path.join(VECTORS, name + ".expected"), "rb") as f:
        return case, f.read()


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="dvictest-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def records(path):
    """The parsed lines of a log file, header excluded."""
    with open(path, "rb") as f:
        lines = f.read().splitlines()
    return [json.loads(line) for line in lines[1:]]
