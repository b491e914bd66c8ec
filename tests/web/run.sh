#!/usr/bin/env bash
# Installs Playwright (playwright-core, pinned in package-lock.json) from npm
# and runs the browser tests against Debian's chromium.
# usage: tests/web/run.sh CPPROF OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm missing: skipping"; exit 77; }
[ -x /usr/bin/chromium ] || { echo "chromium missing: skipping"; exit 77; }
(cd "$here" && npm ci --no-audit --no-fund --silent >/dev/null)
# Saved configs go to a scratch config directory.
XDG_CONFIG_HOME=$(mktemp -d) node "$here/ui_test.mjs" "$1" "$here/../testdata" "$2/screenshots"
