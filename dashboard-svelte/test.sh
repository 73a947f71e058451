#!/usr/bin/env bash
# The dashboard's tests: npm ci, generated types fresh, svelte-check (no warnings), Vitest, a
# production build, and the end-to-end tests in headless Chromium against the real stack when
# Chromium is installed (Debian package `chromium`; the CI script installs it) — they say what
# they are blocked on and skip while the stack lacks the relay or the fleet simulator.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
status=0
step() { echo "--- dashboard: $*"; }

step "npm ci"
npm ci --no-audit --no-fund --loglevel=error || exit 1

step "generated types up to date (scripts/gen-types.mjs --check)"
node scripts/gen-types.mjs --check || status=1

step "svelte-check"
npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings --output human || status=1

step "Vitest"
npx vitest run --reporter=default || status=1

step "build"
npx vite build --logLevel warn || status=1

if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  step "end-to-end (headless Chromium, real stack)"
  node --test --test-concurrency=1 --test-reporter=spec e2e/ || status=1
else
  step "end-to-end SKIPPED: no Chromium (apt-get install -y chromium)"
fi

echo "--- dashboard: status $status"
exit $status
