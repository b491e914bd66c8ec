#!/usr/bin/env bash
# `cpprof trace -http` in chromium (tests/web/trace_ui_test.mjs) on a trace
# written by make_trace; screenshots in OUTDIR.
# usage: trace_web_test.sh CPPROF MAKE_TRACE OUTDIR
set -euo pipefail
web=$(cd "$(dirname "$0")/../web" && pwd)
command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm missing: skipping"; exit 77; }
[ -x /usr/bin/chromium ] || { echo "chromium missing: skipping"; exit 77; }
mkdir -p "$3"
"$2" "$3/t.pftrace" 8 40
(cd "$web" && npm ci --no-audit --no-fund --silent >/dev/null)
node "$web/trace_ui_test.mjs" "$1" "$3/t.pftrace" "$3/screenshots"
