#!/usr/bin/env bash
# Runs the Python, Node and C++ client-library suites, each with its own runner,
# prints each runner's summary and exits non-zero if any failed.
# (The Java library is tested by the root Maven build.)
set -u
here="$(cd "$(dirname "$0")" && pwd)"
status=0

run() {  # name, command...
  local name="$1"; shift
  echo "=== $name: $*"
  if "$@"; then echo "=== $name: passed"; else echo "=== $name: FAILED"; status=1; fi
}

python_suite() {
  cd "$here/python" || return 1
  if python3 -c 'import pytest' 2>/dev/null; then
    # The tests folder always has tests, so pytest's exit 5 ("no tests") cannot be a pass.
    python3 -m pytest -p no:cacheprovider tests
  else
    PYTHONPATH=src:tests python3 -m unittest discover -v -s tests
  fi
}

node_suite() {
  cd "$here/node" && node --test test/
}

cpp_suite() {
  local build="$here/cpp/build"
  cmake -S "$here/cpp" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
    cmake --build "$build" -j2 >/dev/null &&
    ctest --test-dir "$build" --output-on-failure
}

run python python_suite
run node node_suite
run cpp cpp_suite
exit $status
