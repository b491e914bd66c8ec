#!/usr/bin/env bash
# libFuzzer with ASan/UBSan (clang) on the three readers of untrusted bytes:
#   decoder: the profile.proto decoder, seeded with the Go-written corpus.
#   legacy:  the legacy parsers, seeded with google/pprof's profile/testdata
#            and tests/compat/legacy.
#   elf:     ELF headers, symbols, PLT entries and DWARF (compressed too) as
#            the symbolizer reads them, seeded with elf_seed.cc built five ways.
#   perf:    perf.data, `perf script` text and folded stacks, seeded with
#            tests/perf/testdata and, where perf can record, perf.data files
#            of every mode (file, pipe, -z, --call-graph dwarf).
#   trace:   the execution trace reader (src/trace/) and the summary,
#            derived profiles and JSON export over its model, seeded with
#            traces written by tests/trace/make_trace.cc (built here too).
# `build` compiles the sources once for all the targets (the decoder and
# legacy targets share all their sources; building them per test took 280 s
# of a 300 s timeout under `ctest -j4`); `fuzz` fuzzes one built target for
# a bounded time from its seed corpus.
# usage: tests/fuzz/run.sh build DIR
#        tests/fuzz/run.sh fuzz DIR SECONDS TARGET
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../src
mode=$1 dir=$2
command -v clang++ >/dev/null || { echo "clang++ missing: skipping"; exit 77; }
cxx=(clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$src")

if [ "$mode" = build ]; then
  util_sources=(go_time)
  profile_sources=(decode encode gzip string_table profile dump validate)
  legacy_sources=(builder contention_profile cpu_profile go_count_profile heap_profile heap_scaling java_profile
    legacy memory_map text thread_profile)
  perf_sources=(folded perf_data perf_script stack_builder zstd_stream)
  trace_sources=(chrome_json derived_profiles summary_table thread_summary trace_model trace_reader perfetto_writer)
  symbolize_sources=(compressed_dwarf debuginfo_search elf_image elf_symbolizer plt_entries scope_index unit_ranges)
  rm -rf "$dir" && mkdir -p "$dir/obj"
  profile=$(for s in "${util_sources[@]}"; do echo "$src/util/$s.cc"; done
    for s in "${profile_sources[@]}"; do echo "$src/profile/$s.cc"; done
    for s in "${legacy_sources[@]}"; do echo "$src/profile/legacy/$s.cc"; done
    for s in "${perf_sources[@]}"; do echo "$src/profile/perf/$s.cc"; done)
  symbolize=$(for s in "${symbolize_sources[@]}"; do echo "$src/symbolize/$s.cc"; done)
  trace=$(for s in "${trace_sources[@]}"; do echo "$src/trace/$s.cc"; done; echo "$src/util/json.cc")
  # Every file once, on every core; the objects are named by their file's basename (all distinct).
  # shellcheck disable=SC2086  # lists of words
  (cd "$dir/obj" && printf '%s\n' $profile $symbolize $trace "$here"/{decoder,legacy,elf,perf,trace}_fuzzer.cc |
    xargs -P "$(nproc)" -n 1 "${cxx[@]}" -c) || { echo "fuzzer build failed"; exit 1; }
  objs() { for f in "$@"; do echo "$dir/obj/$(basename "${f%.cc}").o"; done; }
  # shellcheck disable=SC2086
  for t in decoder legacy perf; do
    "${cxx[@]}" $(objs "$here/${t}_fuzzer.cc" $profile) -o "$dir/${t}_fuzzer" \
      $(pkg-config --libs libdeflate re2 libzstd) -lfmt || { echo "linking the $t fuzzer failed"; exit 1; }
  done
  # shellcheck disable=SC2086
  "${cxx[@]}" $(objs "$here/trace_fuzzer.cc" $profile $trace) -o "$dir/trace_fuzzer" \
    $(pkg-config --libs libdeflate re2 libzstd) -lfmt || { echo "linking the trace fuzzer failed"; exit 1; }
  # The seeds' writer: plain clang++, no fuzzer runtime (it has a main).
  clang++ -std=c++20 -O1 -I"$src" "$here/../trace/make_trace.cc" "$src/trace/perfetto_writer.cc" -o "$dir/make_trace" ||
    { echo "building make_trace failed"; exit 1; }
  # shellcheck disable=SC2086
  "${cxx[@]}" $(objs "$here/elf_fuzzer.cc" $symbolize) -o "$dir/elf_fuzzer" $(pkg-config --libs libdw libdeflate) -lfmt ||
    { echo "linking the elf fuzzer failed"; exit 1; }
  exit 0
fi

secs=$3 target=$4 out=$dir/$4
[ -x "$dir/${target}_fuzzer" ] || { echo "no $dir/${target}_fuzzer: the fuzz_build test failed"; exit 1; }
rm -rf "$out" && mkdir -p "$out/corpus"
if [ "$target" = decoder ]; then
  cp "$here"/../../../shared/corpus/*.pb.gz "$out/corpus/" 2>/dev/null || true
  # Inputs that once crashed the decoder; each stays in the seed corpus for good.
  cp "$here"/regressions/* "$out/corpus/"
  for f in "$out"/corpus/*.pb.gz; do [ -e "$f" ] && zcat "$f" > "${f%.gz}.raw" 2>/dev/null || true; done
elif [ "$target" = elf ]; then
  # A PIE and a shared library with DWARF (one compressed, as `-gz` and
  # libc6-dbg's files have it), one with IBT's .plt.sec, and a stripped one
  # (symbols from .dynsym only).
  clang++ -g -O1 -fPIE -pie "$here/elf_seed.cc" -o "$out/corpus/pie"
  clang++ -g -O1 -fPIC -shared "$here/elf_seed.cc" -o "$out/corpus/shared.so"
  clang++ -g -gz=zlib -O1 -fPIC -shared "$here/elf_seed.cc" -o "$out/corpus/compressed.so"
  clang++ -g -O1 -fcf-protection=full -Wl,-z,ibtplt "$here/elf_seed.cc" -o "$out/corpus/ibt"
  clang++ -O1 -s "$here/elf_seed.cc" -o "$out/corpus/stripped"
elif [ "$target" = trace ]; then
  "$dir/make_trace" "$out/corpus/small.pftrace" 1 5
  "$dir/make_trace" "$out/corpus/medium.pftrace" 5 12
  head -c 700 "$out/corpus/medium.pftrace" > "$out/corpus/cut.pftrace"
elif [ "$target" = perf ]; then
  cp "$here"/../perf/testdata/* "$out/corpus/"
  if command -v perf >/dev/null; then
    perf record -q -N -g -o "$out/corpus/file.data" -- true >/dev/null 2>&1 || true
    perf record -q -N -g -o - -- true >"$out/corpus/pipe.data" 2>/dev/null || true
    perf record -q -N -z -g -o "$out/corpus/zstd.data" -- true >/dev/null 2>&1 || true
    perf record -q -N --call-graph dwarf,1024 -o "$out/corpus/dwarf.data" -- true >/dev/null 2>&1 || true
  fi
else
  testdata=/usr/share/gocode/src/github.com/google/pprof/profile/testdata
  for f in "$testdata"/*; do case $f in *.string) ;; *) [ -f "$f" ] && cp "$f" "$out/corpus/" ;; esac; done
  cp "$here"/../compat/legacy/legacy.* "$out/corpus/"
  command -v python3 >/dev/null && python3 "$here/../compat/legacy/make_inputs.py" "$out/corpus"
fi
export LSAN_OPTIONS=suppressions=$here/lsan.supp
if ! "$dir/${target}_fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/" "$out/corpus" > "$out/log" 2>&1; then
  # Show the sanitizer report and the input that triggered it, not just stats.
  grep -v -E '^#[0-9]+' "$out/log" | grep -v '^INFO:' | head -60
  exit 1
fi
tail -4 "$out/log"
