#!/usr/bin/env bash
# Speed and memory of cpprof against go tool pprof on the large profile that
# Google's own writer produces (../shared/tools/bigprofile: 1M samples, ~34 MB).
# usage: bench/run.sh [CPPROF_BINARY]   (prints one line per case)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cpprof=${1:-$here/../build/bin/cpprof}
out=$here/out
mkdir -p "$out"
big=$out/big.pb.gz
gen=$here/../../shared/tools/bigprofile/run
[ -s "$big" ] || "$gen" "$big" >/dev/null
export TZ=UTC PPROF_BINARY_PATH=/nonexistent HOME=$out
echo "cpprof bench: $(date -u +%F) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "profile: $big ($(du -m "$big" | cut -f1) MB gzipped)"

# measure NAME CMD...: wall seconds and peak RSS of one run, stdout discarded.
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr" || {
    echo "$name: FAILED"; tail -3 "$out/$name.stderr"; return 1; }
  read -r secs kb <"$out/time.txt"
  printf '%-28s %7.2f s %8d MB\n' "$name" "$secs" $((kb / 1024))
  eval "${name//[^a-z0-9]/_}_secs=$secs; ${name//[^a-z0-9]/_}_mb=$((kb / 1024))"
}

# compare REPORT TARGET: same output as go tool pprof, the ratios, the target.
compare() {
  local c=cpprof__$1 g=go_tool_pprof__$1 same=DIFFERENT
  cmp -s "$out/cpprof -$1.stdout" "$out/go tool pprof -$1.stdout" && same=identical
  echo "-$1 output vs go tool pprof: $same"
  local gs=${g}_secs cs=${c}_secs gm=${g}_mb cm=${c}_mb
  awk -v gs="${!gs}" -v cs="${!cs}" -v gm="${!gm}" -v cm="${!cm}" -v r="$1" \
    'BEGIN{printf "ratio -%s: %.1fx faster, %.1fx less memory\n", r, gs/cs, gm/cm}'
  echo "targets: cpprof -$1 $2"
}

# The floor: zcat, -top and -dot, 3 runs each taken in turn so that a busy
# moment slows all three; medians, and the ratios to zcat (issue 14's targets).
wall() { local t0; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}'; }
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
z=() t=() d=()
for _ in 1 2 3; do
  z+=("$(wall zcat "$big")") t+=("$(wall "$cpprof" -top "$big")") d+=("$(wall "$cpprof" -dot "$big")")
done
zcat_secs=$(median3 "${z[@]}")
printf '%-28s %7.2f s (median of 3)\n' "zcat (decompression floor)" "$zcat_secs"
awk -v z="$zcat_secs" -v t="$(median3 "${t[@]}")" -v d="$(median3 "${d[@]}")" 'BEGIN{
  printf "%-28s %7.2f s (median of 3) = %.2fx zcat\n", "cpprof -top", t, t / z
  printf "%-28s %7.2f s (median of 3) = %.2fx zcat\n", "cpprof -dot", d, d / z }'
echo "targets: cpprof -top <= 2.0x zcat, cpprof -dot <= 2.5x zcat"
measure "cpprof -top" "$cpprof" -top "$big"
# -traces prints 2.5 GB here: counted through a pipe rather than kept on disk.
measure "cpprof -traces" sh -c '"$0" -traces "$1" | wc -c' "$cpprof" "$big"
measure "cpprof -proto" "$cpprof" -proto -output "$out/roundtrip.pb.gz" "$big"
measure "cpprof -top (roundtrip)" "$cpprof" -top "$out/roundtrip.pb.gz"
measure "go tool pprof -top" go tool pprof -top "$big"
compare top "<= 1.0 s and <= 400 MB"

# Call graphs: -dot is the graph work alone; -svg adds graphviz's layout,
# measured on its own from the DOT text (both tools run the same `dot`).
measure "cpprof -dot" "$cpprof" -dot "$big"
measure "cpprof -svg" "$cpprof" -svg "$big"
measure "graphviz dot -Tsvg (layout)" dot -Tsvg "$out/cpprof -dot.stdout"
measure "go tool pprof -dot" go tool pprof -dot "$big"
measure "go tool pprof -svg" go tool pprof -svg "$big"
compare dot "<= 1.5 s and <= 450 MB"

# The shell: one session on a pipe, each command timed from sending it to
# the next prompt, in wall and CPU seconds (the CPU from /proc, in clock ticks
# of 10 ms, both threads of the graph build counted). The first "top" prepares
# a copy of the profile and builds its graph; a "top" after it reuses them
# (a "top -cum" or "tree" rebuilds part of the graph).
shell_times() { # commands
  local pid t0 c0 t1 c1 name
  coproc SESSION { exec "$cpprof" "$big" 2>/dev/null; }
  pid=$SESSION_PID
  # The prompt "(pprof) " ends every answer; the reports hold no "(pprof)".
  next_prompt() {
    local chunk
    while IFS= read -r -d ')' chunk <&"${SESSION[0]}"; do [[ $chunk == *"(pprof" ]] && return 0; done
    return 1
  }
  cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$pid/stat"; }
  t0=$(date +%s.%N)
  next_prompt
  printf '%-28s %7.2f s\n' "cpprof shell: load" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')"
  for name in "$@"; do
    t0=$(date +%s.%N); c0=$(cpu)
    echo "$name" >&"${SESSION[1]}"
    next_prompt
    t1=$(date +%s.%N); c1=$(cpu)
    awk -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" -v n="cpprof shell: $name" \
      'BEGIN{printf "%-28s %7.2f s %5.2f s CPU\n", n, b-a, d-c}'
  done
  echo quit >&"${SESSION[1]}"
  wait "$pid" || true
}
shell_times top top top "top -cum" top "top -cum" top20 tree top
echo "targets: cpprof shell: each top after the first <= 0.3 s"

# The web UI: start to serving, first flame graph paint in chromium, server
# RSS, against go tool pprof -http capped at 4 GB and 120 s.
if command -v node >/dev/null && [ -x /usr/bin/chromium ]; then
  (cd "$here/../tests/web" && npm ci --no-audit --no-fund --silent >/dev/null 2>&1) &&
    node "$here/web.mjs" "$cpprof" "$big" 4096 120
  echo "targets: server RSS <= 1 GB"
fi
