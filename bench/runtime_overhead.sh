#!/usr/bin/env bash
# CPU-profiler overhead of libcpprof against no profiler and against
# gperftools' libprofiler (Debian google-perftools), on the same
# multithreaded workload (bench/cpu_workload: threads hashing 64 KiB blocks
# through 10 call levels), at 100 Hz and 1 kHz, in one run. Both profilers
# come in with LD_PRELOAD. Runs are interleaved, REPS of each; the figure is
# the median CPU seconds (user + sys, getrusage) for the fixed work, which a
# shared machine disturbs less than wall time. Targets: <= 1% at 100 Hz,
# <= 3% at 1 kHz, and no worse than gperftools; a wall-clock profile at
# 100 Hz (CPPROF_WALLPROFILE: a sampler thread signalling each running
# thread every round); and cpprof-trace, which traces the whole run
# (CPPROF_TRACE: what /debug/pprof/trace records, CPU samples at 100 Hz
# included, streamed to a file; target <= 2%). Then what loading the
# profiler alone costs every program that starts under LD_PRELOAD: the wall
# time of `env LD_PRELOAD=... /bin/true`, median of STARTS runs in rounds
# (none, libcpprof, libprofiler), handler_cost, and region_cost (ns per
# trace Region pair, trace off and on, medians).
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

configs=(none cpprof@100 cpprof@1000 gperftools@100 gperftools@1000 wall@100 cpprof-trace)
run() {  # config rep -> "cpu wall whole-process-cpu"
  local cfg=$1 out=$tmp/$1.$2.prof
  local -a env=()
  case $cfg in
    cpprof@*) env=(CPPROF_CPUPROFILE="$out" CPPROF_CPUPROFILE_HZ="${cfg#*@}" LD_PRELOAD="$libcpprof") ;;
    cpprof-trace) env=(CPPROF_TRACE="$out" LD_PRELOAD="$libcpprof") ;;
    gperftools@*) env=(CPUPROFILE="$out" CPUPROFILE_FREQUENCY="${cfg#*@}" LD_PRELOAD="$gperf") ;;
    wall@*) env=(CPPROF_WALLPROFILE="$out" CPPROF_WALLPROFILE_HZ="${cfg#*@}" LD_PRELOAD="$libcpprof") ;;
  esac
  /usr/bin/time -f "%U %S" -o "$tmp/time" env "${env[@]}" "$workload" "$threads" "$blocks" 2>/dev/null |
    awk '{print $4, $2}' >"$tmp/line"
  echo "$(cat "$tmp/line") $(awk '{print $1 + $2}' "$tmp/time")"
}
for rep in $(seq "$reps"); do
  for cfg in "${configs[@]}"; do run "$cfg" "$rep" >>"$tmp/$cfg.times"; done
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
base=$(cut -d' ' -f1 "$tmp/none.times" | median)
# cpu s: CPU of the run itself (getrusage in the workload, before exit);
# exit s: CPU spent after it, i.e. loading the profiler and writing the
# profile (cpprof symbolizes in-process; gperftools writes raw addresses).
printf '%-18s %9s %9s %10s %9s %14s\n' case "cpu s" "wall s" overhead "exit s" "sampled/cpu"
for cfg in "${configs[@]}"; do
  cpu=$(cut -d' ' -f1 "$tmp/$cfg.times" | median)
  wall=$(cut -d' ' -f2 "$tmp/$cfg.times" | median)
  exit_cpu=$(awk '{print $3 - $1}' "$tmp/$cfg.times" | median)
  # How much of the CPU time the profile accounts for (setitimer undercounts
  # multithreaded programs, golang/go#35057).
  sampled="-"
  if [ "$cfg" != none ] && [ "${cfg%@*}" != wall ] && [ "$cfg" != cpprof-trace ] && [ -x "$pprof" ]; then
    total=$("$pprof" -top "$tmp/$cfg.1.prof" 2>/dev/null | sed -n "s/^Showing nodes accounting for .* of \([0-9.]*\)\(m\?s\) total$/\1 \2/p")
    cpu1=$(sed -n 1p "$tmp/$cfg.times" | cut -d' ' -f1)
    [ -n "$total" ] && sampled=$(echo "$total $cpu1" | awk '{s = ($2 == "ms") ? $1 / 1000 : $1; printf "%.0f%%", 100 * s / $3}')
  fi
  printf '%-18s %9.3f %9.3f %9.2f%% %9.3f %14s\n' "$cfg" "$cpu" "$wall" \
    "$(echo "$cpu $base" | awk '{print 100 * ($1 / $2 - 1)}')" "$exit_cpu" "$sampled"
done

echo
starts=${STARTS:-301}
for _ in $(seq "$starts"); do
  for cfg in none cpprof gperftools; do
    case $cfg in none) lib="" ;; cpprof) lib=$libcpprof ;; gperftools) lib=$gperf ;; esac
    t0=$(date +%s%N)
    env LD_PRELOAD="$lib" /bin/true
    echo $(($(date +%s%N) - t0)) >>"$tmp/start.$cfg"
  done
done
printf 'start-up under LD_PRELOAD (env /bin/true, median of %d):' "$starts"
for cfg in none cpprof gperftools; do
  printf ' %s %.2f ms' "$cfg" "$(median <"$tmp/start.$cfg" | awk '{print $1 / 1e6}')"
done
echo
echo
"$build/bin/handler_cost"
echo
"$build/bin/region_cost"
