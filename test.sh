#!/usr/bin/env bash
# Runs every test: the Maven reactor (unit tests, then integration tests on a real Kafka broker
# and a real Cassandra node started by the test harness), then the client-library suites and
# the dashboard's (svelte-check, Vitest, end-to-end in headless Chromium).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
start=$(date +%s)
status=0

echo "=== Maven reactor: unit and integration tests"
if flock /tmp/dvic-maven.lock mvn -B -ntp verify; then
  # verify packaged every module and wrote the classpaths the start command uses: no rebuild needed
  mkdir -p target && touch target/.built
else
  status=1
fi

echo "=== client libraries: Python, Node, C++"
bash client-libs/test.sh || status=1

if [ -x dashboard-svelte/test.sh ]; then
  echo "=== dashboard: svelte-check, Vitest, end-to-end in Chromium"
  bash dashboard-svelte/test.sh || status=1
fi

echo "=== test.sh finished in $(( $(date +%s) - start )) s with status $status"
exit $status
