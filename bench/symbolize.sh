#!/usr/bin/env bash
# Local symbolization speed and coverage: a profile of 100k distinct
# addresses spread over the code of an unstripped libstdc++ (Debian's
# libstdc++6-12-dbg: 1.3 MB of code with DWARF), symbolized by cpprof and by
# google/pprof's standalone binary (llvm-symbolizer; built from Debian's
# golang-github-google-pprof-dev source) in the same run. Prints wall time
# and CPU time (children included: llvm-symbolizer runs as a process) and
# the share of samples left unnamed ("[libstdc++.so.6.0.30]"). PLT stubs
# (.plt, .plt.got: 3.3% of the addresses) are "<symbol>@plt" in cpprof, as
# objdump and perf name them, and _init (the sizeless symbol before them) in
# llvm-symbolizer; the 0.11% both leave unnamed are the PLT header and the
# padding between functions.
# usage: bench/symbolize.sh [BUILD_DIR] [LIBRARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
lib=${2:-/usr/lib/x86_64-linux-gnu/debug/libstdc++.so.6.0.30}
out=$here/out/symbolize
mkdir -p "$out"
export HOME=$out PPROF_BINARY_PATH=/nonexistent TZ=UTC
[ -e "$lib" ] || { echo "no $lib: apt-get install libstdc++6-12-dbg (scripts/install-deps.sh test)"; exit 77; }
echo "symbolize bench: $(date -u +%F) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
"$build/bin/symbolize_profile" "$lib" "$out/p.pb.gz" 100000
echo "profile: 100000 distinct addresses in $lib"

src=/usr/share/gocode/src/github.com/google/pprof
pprof=
if command -v go >/dev/null && [ -d "$src" ]; then
  (cd "$src" && GO111MODULE=off GOFLAGS= GOPATH=/usr/share/gocode GOCACHE=$out/gocache go build -o "$out/pprof" .) &&
    pprof=$out/pprof
fi

# run NAME CMD...: wall seconds and the unnamed share of `-top` output.
run() {
  local name=$1 file=${1//[^a-z]/_}; shift
  /usr/bin/time -f "%e %M %U %S" -o "$out/time.txt" "$@" -top -nodecount=0 -nodefraction=0 "$out/p.pb.gz" \
    >"$out/$file.top" 2>"$out/$file.err" || { echo "$name: FAILED: $(tail -2 "$out/$file.err")"; return 1; }
  read -r secs kb user sys <"$out/time.txt"
  local unnamed named
  unnamed=$(awk -v b="[$(basename "$lib")]" '$NF == b {print $2}' "$out/$file.top")
  named=$(grep -cE '^ +[0-9]' "$out/$file.top" || true)
  printf '%-34s %6.2f s wall %6.2f s cpu %5d MB   unnamed %-7s %d functions\n' "$name" "$secs" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" $((kb / 1024)) "${unnamed:-0%}" "$named"
  eval "$file=$secs"
}
run cpprof "$build/bin/cpprof"
run "cpprof -symbolize=fastlocal" "$build/bin/cpprof" -symbolize=fastlocal
if [ -n "$pprof" ]; then
  run "google/pprof (llvm-symbolizer)" "$pprof"
  awk -v g="$google_pprof__llvm_symbolizer_" -v c="$cpprof" 'BEGIN{printf "cpprof is %.1fx faster (target: 10x, < 5%% unnamed)\n", g/c}'
fi
