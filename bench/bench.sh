#!/usr/bin/env bash
# `npm run bench`: compiles src/ and bench/ with tsc into dist/bench (the project runs as
# compiled JavaScript, as in production, and so do the baselines), then runs the orchestrator.
set -uo pipefail
cd "$(dirname "$0")/.."
rm -rf dist/bench
echo "bench: compiling src/ and bench/ (tsc)..." >&2
if ! npx tsc -p bench/tsconfig.json > bench/results/tsc.tmp 2>&1; then
  # tsc still emits on type errors; other engineers' work in progress must not block a bench run,
  # but a missing entry point must.
  echo "bench: tsc reported type errors (first lines below); running what was emitted" >&2
  head -n 20 bench/results/tsc.tmp >&2
fi
if [ ! -f dist/bench/src/main.js ] || [ ! -f dist/bench/bench/run.js ]; then
  echo "bench: compilation produced no entry point" >&2
  exit 1
fi
exec node dist/bench/bench/run.js "$@"
