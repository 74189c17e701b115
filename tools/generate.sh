#!/usr/bin/env bash
# `npm run generate` regenerates src/gen, test/gen and the generator's own option descriptors
# from the protos; `--check` regenerates into a temp dir and fails when the tree is stale.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$ROOT/node_modules/.bin/tsx" "$ROOT/tools/codegen/generate.ts" "$@"
