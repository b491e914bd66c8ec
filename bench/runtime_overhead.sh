#!/usr/bin/env bash
# CPU-profiler overhead of libcpprof against no profiler and against
# gperftools' libprofiler (Debian google-perftools), on the same
# multithreaded workload (bench/cpu_workload: threads hashing 64 KiB blocks
# through 10 call levels), at 100 Hz and 1 kHz, in one run. Both profilers
# come in with LD_PRELOAD. Runs are interleaved, REPS of each; the figure is
# the median CPU seconds (user + sys, getrusage) for the fixed work, which a
# shared machine disturbs less than wall time. Targets: <= 1% at 100 Hz,
# <= 3% at 1 kHz, and no worse than gperftools.
# usage: bench/runtime_overhead.sh [BUILD_DIR (build)] [REPS (7)]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
reps=${2:-7}
workload=$build/bin/cpu_workload
libcpprof=$build/lib/libcpprof.so
gperf=$(ls /usr/lib/*/libprofiler.so.0 2>/dev/null | head -1)
[ -n "$gperf" ] || { echo "libprofiler.so.0 missing: scripts/install-deps.sh test"; exit 1; }
threads=$(nproc)
blocks=${BLOCKS:-15000}
pprof="$(go env GOTOOLDIR 2>/dev/null)/pprof"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "runtime overhead bench: $(date -u +%F) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "workload: $threads threads x $blocks blocks of 64 KiB, $reps interleaved runs per case, median CPU seconds"

configs=(none cpprof@100 cpprof@1000 gperftools@100 gperftools@1000)
run() {  # config rep -> "cpu wall"
  local cfg=$1 out=$tmp/$1.$2.prof
  case $cfg in
    none) "$workload" "$threads" "$blocks" ;;
    cpprof@*) CPPROF_CPUPROFILE=$out CPPROF_CPUPROFILE_HZ=${cfg#*@} LD_PRELOAD=$libcpprof "$workload" "$threads" "$blocks" ;;
    gperftools@*) CPUPROFILE=$out CPUPROFILE_FREQUENCY=${cfg#*@} LD_PRELOAD=$gperf "$workload" "$threads" "$blocks" 2>/dev/null ;;
  esac | awk '{print $4, $2}'
}
for rep in $(seq "$reps"); do
  for cfg in "${configs[@]}"; do run "$cfg" "$rep" >>"$tmp/$cfg.times"; done
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
base=$(cut -d' ' -f1 "$tmp/none.times" | median)
printf '%-18s %9s %9s %10s %16s\n' case "cpu s" "wall s" overhead "sampled/cpu"
for cfg in "${configs[@]}"; do
  cpu=$(cut -d' ' -f1 "$tmp/$cfg.times" | median)
  wall=$(cut -d' ' -f2 "$tmp/$cfg.times" | median)
  # How much of the CPU time the profile accounts for (setitimer undercounts
  # multithreaded programs, golang/go#35057).
  sampled="-"
  if [ "$cfg" != none ] && [ -x "$pprof" ]; then
    total=$("$pprof" -top "$tmp/$cfg.1.prof" 2>/dev/null | sed -n "s/^Showing nodes accounting for .* of \([0-9.]*\)\(m\?s\) total$/\1 \2/p")
    cpu1=$(sed -n 1p "$tmp/$cfg.times" | cut -d' ' -f1)
    [ -n "$total" ] && sampled=$(echo "$total $cpu1" | awk '{s = ($2 == "ms") ? $1 / 1000 : $1; printf "%.0f%%", 100 * s / $3}')
  fi
  printf '%-18s %9.3f %9.3f %9.2f%% %16s\n' "$cfg" "$cpu" "$wall" "$(echo "$cpu $base" | awk '{print 100 * ($1 / $2 - 1)}')" "$sampled"
done
