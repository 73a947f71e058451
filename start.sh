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
cp="infra/local-stack/target/classes:$(cat infra/local-stack/target/service.classpath)"
exec java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.dvic.localstack.LocalStackMain "$@"
