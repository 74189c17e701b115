#!/bin/sh
# conformance_test_runner execs its testee without arguments; this starts the TypeScript testee.
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
exec "$ROOT/node_modules/.bin/tsx" "$ROOT/test/conformance/protojson-testee.ts"
