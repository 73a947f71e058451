#!/usr/bin/env bash
# Starts the whole system on this machine: real Kafka, real Cassandra, every service, and with
# --fleet N a simulated fleet. Ctrl-C stops everything. Options: --wipe, --state-dir DIR, --fleet N.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
stamp=target/.built
mkdir -p target
if [ ! -f "$stamp" ] || [ -n "$(find . -path ./state -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.cql' -o -name '*.yml' \) -newer "$stamp" -not -path '*/target/*' -not -path '*/node_modules/*' -print -quit)" ]; then
  echo "[start] building (log: target/build.log)..."
  if ! flock /tmp/dvic-maven.lock mvn -B -ntp install -DskipTests > target/build.log 2>&1; then
    tail -40 target/build.log; echo "[start] build failed: see target/build.log" >&2; exit 1
  fi
  touch "$stamp"
fi
# the dashboard the relay serves at /: built when its sources changed
if command -v npm >/dev/null && [ -d dashboard-svelte ]; then
  if [ ! -f dashboard-svelte/dist/index.html ] || [ -n "$(find dashboard-svelte/src dashboard-svelte/index.html dashboard-svelte/package.json -newer dashboard-svelte/dist/index.html -print -quit)" ]; then
    echo "[start] building the dashboard (log: target/dashboard-build.log)..."
    (cd dashboard-svelte && npm ci --no-audit --no-fund && npm run build) > target/dashboard-build.log 2>&1 \
      || { tail -20 target/dashboard-build.log; echo "[start] dashboard build failed" >&2; exit 1; }
  fi
fi
cp="infra/local-stack/target/classes:$(cat infra/local-stack/target/service.classpath)"
exec java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.dvic.localstack.LocalStackMain "$@"
