#!/usr/bin/env bash
# perf's outputs read by cpprof, checked against perf itself on a recording
# made now: perf_workload (three functions at 50/30/20% of the work) recorded
# with `perf record -g -e cpu-clock` (software clock: these machines have no
# hardware counters). Every function perf report --no-children gives 0.5% or
# more must have the same flat share in cpprof's -top within 1 point, for
# the perf.data file and for its `perf script` text; the same for pipe mode,
# `perf record -z` and `--call-graph dwarf` files. Also: labels, -folded,
# the shell, -http, and bad files (one line, non-zero exit, no output).
# Skips (77) when perf is missing or cannot record here (not root with a
# strict perf_event_paranoid, no perf_event_open in a container). perf
# record runs with -N: the test leaves no copies in ~/.debug.
# usage: perf_test.sh CPPROF WORKLOAD OUTDIR
set -u
cpprof=$1 workload=$2 out=$3
rm -rf "$out" && mkdir -p "$out"
command -v perf >/dev/null || { echo "perf missing (scripts/install-deps.sh test installs linux-perf): skipping"; exit 77; }
if ! perf record -q -N -e cpu-clock -g -o "$out/probe.data" -- true >"$out/probe.log" 2>&1; then
  echo "perf cannot record here ($(head -c 300 "$out/probe.log" | tr '\n' ' ')): skipping"; exit 77
fi
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
has() { grep -qE -- "$2" "$1" || fail "$1 lacks /$2/: $(head -c 600 "$1")"; }

record() {  # record NAME PERF-OPTIONS... : 1.5 s of the workload (~6000 samples)
  local name=$1; shift
  perf record -q -N "$@" -- "$workload" 1500 >"$out/$name.record.log" 2>&1 || fail "perf record $*: $(cat "$out/$name.record.log")"
}

# Flat shares "percent<TAB>function" of perf report and of cpprof -top.
perf_shares() {
  perf report -i "$1" --no-children --sort sym --stdio -q -g none 2>/dev/null |
    sed -nE 's/^ +([0-9.]+)% +\[[.k]\] (.*[^ ]) *$/\1\t\2/p'
}
cpprof_shares() {
  "$cpprof" -top -noinlines -nodecount=0 "$1" 2>/dev/null |
    sed -nE 's/^ *[^ ]+ +([0-9.]+)% +[0-9.]+% +[^ ]+ +[0-9.]+% +(.*)$/\1\t\2/p'
}

# agree NAME PERF_FILE CPPROF_INPUT: every function with >= 0.5% in perf
# report within 1 point in cpprof; the workload's three functions present.
agree() {
  local name=$1
  perf_shares "$2" >"$out/$name.perf.tsv"
  cpprof_shares "$3" >"$out/$name.cpprof.tsv"
  awk -F'\t' -v name="$name" '
    NR == FNR { if ($1 >= 0.5) want[$2] = $1; next }
    { got[$2] += $1 }
    END {
      bad = 0
      for (f in want) {
        d = got[f] - want[f]; if (d < 0) d = -d
        printf "%s: %-45s perf %6.2f%%  cpprof %6.2f%%  diff %.2f\n", name, f, want[f], got[f], d
        if (d > 1.0) bad = 1
      }
      for (f in want) n++
      exit bad || n < 3
    }' "$out/$name.perf.tsv" "$out/$name.cpprof.tsv" || fail "$name: shares differ by more than 1 point (above)"
  for f in HashKeys ParseRequests CompressPages; do
    grep -qP "^\d+\.\d+\t\(anonymous namespace\)::$f$" "$out/$name.cpprof.tsv" || fail "$name: no $f in cpprof -top"
  done
}

record fp -g -e cpu-clock -o "$out/fp.data"
agree perf.data "$out/fp.data" "$out/fp.data"
perf script -i "$out/fp.data" >"$out/fp.script" 2>/dev/null || fail "perf script"
agree "perf script" "$out/fp.data" "$out/fp.script"

perf record -q -N -g -e cpu-clock -o - -- "$workload" 1500 >"$out/pipe.data" 2>"$out/pipe.record.log" || fail "pipe record"
agree pipe "$out/pipe.data" "$out/pipe.data"
record zstd -z -g -e cpu-clock -o "$out/zstd.data"
agree zstd "$out/zstd.data" "$out/zstd.data"
record dwarf --call-graph dwarf -e cpu-clock -o "$out/dwarf.data"
agree dwarf "$out/dwarf.data" "$out/dwarf.data"
# DWARF unwinding reaches main through the frameless callers perf's frame
# pointers skip (ServeBatch's tail of calls).
"$cpprof" -folded -noinlines "$out/dwarf.data" >"$out/dwarf.folded" 2>/dev/null
has "$out/dwarf.folded" '^_start;.*main;\(anonymous namespace\)::ServeBatch;\(anonymous namespace\)::HashKeys [0-9]+$'

# -folded: root first, one line per distinct stack, values summing to the total.
"$cpprof" -folded -noinlines "$out/fp.data" >"$out/fp.folded" 2>/dev/null || fail "-folded"
has "$out/fp.folded" '^__libc_start_call_main;main;\(anonymous namespace\)::HashKeys [0-9]+$'
[ "$(sed -E 's/ -?[0-9]+$//' "$out/fp.folded" | sort | uniq -d | wc -l)" = 0 ] || fail "-folded repeats a stack"
# and read back: the same flat shares.
agree "folded" "$out/fp.data" "$out/fp.folded"

# Labels: comm, pid, tid.
"$cpprof" -tags "$out/fp.data" >"$out/tags.txt" 2>&1 || fail "-tags"
has "$out/tags.txt" "^ comm: Total"
has "$out/tags.txt" "\): $(basename "$workload")$"
has "$out/tags.txt" "^ pid: Total"
has "$out/tags.txt" "^ tid: Total"
"$cpprof" -top -tagfocus=comm=nosuchprogram "$out/fp.data" >"$out/tagfocus.txt" 2>&1
has "$out/tagfocus.txt" "accounting for 0, 0% of"
"$cpprof" -top -cum -tagroot=comm -nodecount=1 "$out/fp.data" >"$out/tagroot.txt" 2>&1 || fail "-tagroot"
has "$out/tagroot.txt" " 100%  $(basename "$workload")$"

# The shell, fed on stdin.
printf 'noinlines=true\ntop3\nquit\n' | "$cpprof" "$out/fp.data" >"$out/shell.txt" 2>&1 || fail "shell"
has "$out/shell.txt" '\(anonymous namespace\)::HashKeys'

# -http on a free port (read back from its "Serving web UI on" line): the top table.
coproc SRV { exec "$cpprof" -http=127.0.0.1:0 -no_browser "$out/fp.data" 2>&1 >/dev/null; }
server=$SRV_PID url=
while read -r -t 60 line <&"${SRV[0]}"; do
  case $line in *"Serving web UI on "*) url=${line##* }; break ;; esac
done
if [ -n "$url" ]; then
  curl -sf "${url%/}/ui/data/top?noinlines=true" >"$out/http_top.json" || fail "GET ${url%/}/ui/data/top"
  has "$out/http_top.json" 'HashKeys'
else
  fail "-http: no \"Serving web UI on\" line"
fi
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null

# Bad files: one line on stderr, a non-zero exit, no output file.
head -c 2000 "$out/fp.data" >"$out/truncated.data"          # data section cut off
head -c 60 "$out/fp.data" >"$out/header.data"                # header cut off
{ head -c 16 "$out/pipe.data"; printf '\x09\0\0\0\0\0\x04\0'; } >"$out/badrecord.data"  # a 4-byte record
{ printf 'PERFILE2'; head -c 4000 /dev/urandom; } >"$out/random.data"
for f in truncated header badrecord random; do
  "$cpprof" -top -output "$out/bad.txt" "$out/$f.data" >"$out/bad.stdout" 2>"$out/bad.stderr"; rc=$?
  if [ $rc = 0 ] || [ "$(wc -l <"$out/bad.stderr")" != 1 ] || [ -e "$out/bad.txt" ] || [ -s "$out/bad.stdout" ]; then
    fail "$f.data: rc=$rc, stderr: $(cat "$out/bad.stderr")"
  fi
  has "$out/bad.stderr" '^parsing profile: malformed perf\.data: '
done

[ $fails = 0 ] && echo "perf: all checks passed" && rm -rf "$out"
exit $((fails > 0))
