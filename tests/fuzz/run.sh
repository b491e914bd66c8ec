#!/usr/bin/env bash
# Builds the decoder fuzzer with clang's libFuzzer and ASan/UBSan, then fuzzes
# for a bounded time from the Go-written corpus.
# usage: tests/fuzz/run.sh OUTDIR [SECONDS=30]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../src
out=$1; secs=${2:-30}
command -v clang++ >/dev/null || { echo "clang++ missing: skipping"; exit 77; }
mkdir -p "$out/corpus"
cp "$here"/../../../shared/corpus/*.pb.gz "$out/corpus/" 2>/dev/null || true
# Inputs that once crashed the decoder; each stays in the seed corpus for good.
cp "$here"/regressions/* "$out/corpus/"
for f in "$out"/corpus/*.pb.gz; do [ -e "$f" ] && zcat "$f" > "${f%.gz}.raw" 2>/dev/null || true; done
profile_sources=(decode encode gzip string_table profile dump go_time)
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$src" "$here/decoder_fuzzer.cc" $(for s in "${profile_sources[@]}"; do echo "$src/profile/$s.cc"; done) \
  -o "$out/decoder_fuzzer" $(pkg-config --cflags --libs libdeflate) -lfmt 2>&1 | grep -v "^$" || true
[ -x "$out/decoder_fuzzer" ] || { echo "fuzzer build failed"; exit 1; }
if ! "$out/decoder_fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/" "$out/corpus" > "$out/log" 2>&1; then
  # Show the sanitizer report and the input that triggered it, not just stats.
  grep -v -E '^#[0-9]+' "$out/log" | grep -v '^INFO:' | head -60
  exit 1
fi
tail -4 "$out/log"
