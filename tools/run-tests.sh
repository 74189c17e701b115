#!/usr/bin/env bash
# Every test: the normal projects (in parallel), then the fault suites alone and in band, because
# they stop and restart the shared PostgreSQL, Redis and RabbitMQ. With REPORT_DIR set, jest's
# JSON reports go to $REPORT_DIR/main.json and $REPORT_DIR/faults.json (.ci/run sums them).
# Fails when either run fails; the fault suites run even when the others failed.
set -uo pipefail
cd "$(dirname "$0")/.."

main_report=()
faults_report=()
if [[ -n "${REPORT_DIR:-}" ]]; then
  main_report=(--json --outputFile="$REPORT_DIR/main.json")
  faults_report=(--json --outputFile="$REPORT_DIR/faults.json")
fi

npx jest --config jest.config.js --selectProjects unit tools e2e embedded "${main_report[@]}" "$@"
main=$?
npx jest --config jest.config.js --selectProjects faults --runInBand "${faults_report[@]}" "$@"
faults=$?
[[ $main -eq 0 && $faults -eq 0 ]]
