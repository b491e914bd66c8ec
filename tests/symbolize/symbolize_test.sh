#!/usr/bin/env bash
# Tests local symbolization (src/symbolize/local_symbolizer.cc,
# binary_locator.cc, elf_image.cc) on a real native profile: symbolize_workload
# (-O2 -g PIE + a shared library) profiled by libcpprof with
# CPPROF_SYMBOLIZE=0, so the profile holds addresses only, then analysed by
# cpprof: names demangled and simplified, files and lines, inline frames,
# binaries found through $PPROF_BINARY_PATH by build id, build-id mismatch,
# missing and malformed binaries (one message each, the profile still loads).
# usage: symbolize_test.sh CPPROF WORKLOAD LIBCPPROF OUTDIR
source "$(dirname "$0")/workload.bash"
mkdir -p "$out/bin"
has() { grep -qE -- "$2" "$1" || fail "$1 lacks /$2/: $(head -c 600 "$1")"; }
hasnt() { ! grep -qE -- "$2" "$1" || fail "$1 has /$2/"; }
exe=$out/run/$(basename "$workload")
so=$(ls "$out"/run/libsymbolize_workload_lib*)

"$cpprof" -raw -symbolize=none "$out/raw.pb.gz" >"$out/none.txt" 2>&1 || fail "-symbolize=none"
has "$out/none.txt" '^ +[0-9]+: 0x[0-9a-f]+ M=1 $'  # a location without lines
hasnt "$out/none.txt" 'work::'

# Local symbolization: every frame of the program's own code is named, with
# file:line; the always-inlined Mix is an inline frame of Accumulate.
"$cpprof" -top -lines -nodecount=100 "$out/raw.pb.gz" >"$out/lines.txt" 2>"$out/lines.err" || fail "-top -lines"
has "$out/lines.txt" ' work::Mix .*/workload\.cc:[0-9]+ \(inline\)$'
has "$out/lines.txt" ' work::Accumulate .*/workload\.cc:[0-9]+$'
has "$out/lines.txt" ' main .*/workload\.cc:[0-9]+$'
has "$out/lines.txt" ' worklib::Scramble .*/workload_lib\.cc:[0-9]+$'
hasnt "$out/lines.txt" ' 0x[0-9a-f]+$'
"$cpprof" -raw "$out/raw.pb.gz" >"$out/raw.txt" 2>&1
has "$out/raw.txt" "symbolize_workload [0-9a-f]+ \[FN\]\[FL\]\[LN\]\[IN\]"
"$cpprof" -top -symbolize=fastlocal "$out/raw.pb.gz" >"$out/fast.txt" 2>&1 || fail "fastlocal"
has "$out/fast.txt" ' work::Accumulate$'
hasnt "$out/fast.txt" 'inline'
"$cpprof" -top -symbolize=local:demangle=full "$out/raw.pb.gz" >"$out/full.txt" 2>&1
has "$out/full.txt" ' unsigned long work::Accumulate<unsigned long>\(unsigned long, int\)$'

# -list reads the source the DWARF names, from the function's first line.
"$cpprof" -list='work::Accumulate' "$out/raw.pb.gz" >"$out/list.txt" 2>&1 || fail "-list"
has "$out/list.txt" '^ROUTINE =+ work::Accumulate in .*/workload\.cc$'
has "$out/list.txt" '^ +[^ ]+ +[0-9.]+m?s +[0-9]+: .*h = Mix\(h, '

# The binaries gone from their path: found in $PPROF_BINARY_PATH by build id
# (<dir>/<buildid>/<basename>) and by name (<dir>/<basename>); a file with
# another build id is skipped with pprof's message.
mv "$exe" "$so" "$out/bin/"
"$cpprof" -top "$out/raw.pb.gz" >"$out/missing.txt" 2>"$out/missing.err" || fail "missing binaries: exit $?"
has "$out/missing.err" "^Local symbolization failed for $(basename "$exe"): open .*: No such file"
has "$out/missing.err" '^Some binary filenames not available'
has "$out/missing.txt" ' \[symbolize_workload\]$'
id=$("$cpprof" -raw -symbolize=none "$out/raw.pb.gz" | awk '/^1: / {print $4}')
mkdir -p "$out/path/$id" "$out/other/$id"
cp "$out/bin/$(basename "$exe")" "$out/path/$id/"
cp "$out/bin/$(basename "$so")" "$out/path/"
cp /bin/true "$out/other/$id/$(basename "$exe")"
PPROF_BINARY_PATH=$out/other:$out/path "$cpprof" -top -lines "$out/raw.pb.gz" >"$out/found.txt" 2>"$out/found.err" ||
  fail "binary path: exit $?"
has "$out/found.err" "^Ignoring local file $out/other/$id/$(basename "$exe"): build-id mismatch \($id != [0-9a-f]+\)$"
has "$out/found.txt" ' work::Mix .*/workload\.cc:[0-9]+ \(inline\)$'
has "$out/found.txt" ' worklib::Scramble .*/workload_lib\.cc:[0-9]+$'

# The build-id layout of debug directories: <dir>/.build-id/ab/cdef.debug.
mkdir -p "$out/debug/.build-id/${id:0:2}"
cp "$out/bin/$(basename "$exe")" "$out/debug/.build-id/${id:0:2}/${id:2}.debug"
PPROF_BINARY_PATH=$out/debug "$cpprof" -top "$out/raw.pb.gz" >"$out/debugdir.txt" 2>&1 || fail "debug dir: exit $?"
has "$out/debugdir.txt" ' work::Accumulate$'

# A stripped system library with its DWARF in a separate file under
# /usr/lib/debug/.build-id (Debian's libc6-dbg): named with files and lines.
libc_id=$("$cpprof" -raw -symbolize=none "$out/raw.pb.gz" | awk '/libc\.so/ {print $4; exit}')
if [ -n "$libc_id" ] && [ -e "/usr/lib/debug/.build-id/${libc_id:0:2}/${libc_id:2}.debug" ]; then
  has "$out/lines.txt" ' __libc_start_call_main [^ ]*libc_start_call_main\.h:[0-9]+$'
else
  echo "symbolize: libc6-dbg does not match this libc; separate debug file check skipped"
fi

# The binary named on the command line replaces mapping 0's file.
"$cpprof" -top "$out/bin/$(basename "$exe")" "$out/raw.pb.gz" >"$out/arg.txt" 2>&1 || fail "binary argument"
has "$out/arg.txt" ' work::Accumulate$'

# Malformed binaries (truncated, not ELF): one message each, the profile still loads.
size=$(stat -c %s "$out/bin/$(basename "$exe")")
head -c $((size * 9 / 10)) "$out/bin/$(basename "$exe")" >"$exe"  # DWARF and section headers cut off
printf 'not an ELF file' >"$so"
"$cpprof" -top "$out/raw.pb.gz" >"$out/bad.txt" 2>"$out/bad.err" || fail "malformed binaries: exit $?"
has "$out/bad.err" "^Local symbolization failed for $(basename "$exe"): parsing $exe: cannot read section headers \(truncated file\?\)$"
has "$out/bad.err" "^Local symbolization failed for $(basename "$so"): parsing $so: not an ELF file$"
[ "$(grep -c "$(basename "$so")" "$out/bad.err")" = 1 ] || fail "more than one message for $(basename "$so")"

[ $fails = 0 ] && echo "symbolize: all checks passed" && rm -rf "$out"
exit $((fails > 0))
