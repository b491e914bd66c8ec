#!/usr/bin/env bash
# -speedscope's output validated against the draft-07 schema that speedscope
# ships (npm speedscope, dist/release/file-format-schema.json, pinned in
# tests/web/package-lock.json), then loaded in speedscope's own page in
# Debian's chromium (tests/web/speedscope_test.mjs). Two inputs: a bundled Go
# CPU profile and the folded stacks of tests/perf/testdata.
# usage: speedscope_test.sh CPPROF OUTDIR
set -euo pipefail
cpprof=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
web=$here/../web
command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm missing: skipping"; exit 77; }
[ -x /usr/bin/chromium ] || { echo "chromium missing: skipping"; exit 77; }
python3 -c 'import jsonschema' 2>/dev/null || { echo "python3-jsonschema missing: skipping"; exit 77; }
rm -rf "$out" && mkdir -p "$out"
(cd "$web" && npm ci --no-audit --no-fund --silent >/dev/null)
"$cpprof" -speedscope "$here/../testdata/cpu.pb.gz" >"$out/cpu.json"
"$cpprof" -speedscope "$here/testdata/workload.folded" >"$out/folded.json"
python3 - "$web/node_modules/speedscope/dist/release/file-format-schema.json" "$out/cpu.json" "$out/folded.json" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.Draft7Validator(schema).validate(json.load(open(f)))
    print("speedscope: %s matches the schema" % f)
PY
node "$web/speedscope_test.mjs" "$out/cpu.json" crypto/sha256.block "$out/cpu"
node "$web/speedscope_test.mjs" "$out/folded.json" "(anonymous namespace)::HashKeys" "$out/folded"
rm -rf "$out"
