#!/usr/bin/env bash
# The main job on bundled profiles: where the CPU goes, then the leak workflow
# of the pprof write-ups (compare two heap snapshots with -base).
set -euo pipefail
cpprof=${1:-build/bin/cpprof}
dir=$(cd "$(dirname "$0")/.." && pwd)/examples/profiles
run() { echo; echo "\$ cpprof $*"; "$cpprof" "$@"; }
run -top -nodecount=10 "$dir/cpu.pb.gz"
run -top -nodecount=10 "$dir/heap-after.pb.gz"
echo; echo "# What grew between the two heap snapshots:"
run -top -nodecount=10 -base "$dir/heap-before.pb.gz" "$dir/heap-after.pb.gz"
