#!/usr/bin/env bash
# What writing a self-symbolized CPU profile at exit costs a short program:
# bench/exit_workload (330 ms of CPU, its samples in libstdc++ and libc)
# under LD_PRELOAD=libcpprof.so with CPPROF_CPUPROFILE, against the same run
# with libcpprof loaded and no profile; and, as the floor of sampling and
# writing, the profile written with CPPROF_SYMBOLIZE=0 (addresses only).
# Runs are interleaved, REPS of each; figures are medians of the process's
# CPU time (user + sys, bash's `time`: getrusage, to the millisecond). The
# exit write is the difference of the medians. Target: under 50 ms (issue
# 14), with libc6-dbg's separate debug file installed, whose compressed DWARF
# the symbolizer reads (about 170 ms before, 17% of the whole run in zlib).
# usage: bench/exit_symbolize.sh [BUILD_DIR (build)] [REPS (7)]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
reps=${2:-7}
workload=$build/bin/exit_workload
libcpprof=$build/lib/libcpprof.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

libc=$(ldd "$workload" | awk '$1 ~ /^libc\.so/ {print $3}')
libc_id=$(readelf -n "$libc" | awk '/Build ID/ {print $3}')
libc_debug=/usr/lib/debug/.build-id/${libc_id:0:2}/${libc_id:2}.debug
[ -r "$libc_debug" ] || libc_debug="none (apt-get install libc6-dbg)"
echo "exit symbolization bench: $(date -u +%F) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1 /proc/loadavg)"
echo "workload: exit_workload, 330 ms of CPU; $reps interleaved runs per case, median CPU ms"
echo "libc's debug file: $libc_debug"

cases=(loaded profile addresses)
run() {  # case rep -> CPU ms of the whole process
  local -a env=(LD_PRELOAD="$libcpprof")
  case $1 in
    profile) env+=(CPPROF_CPUPROFILE="$tmp/$1.$2.prof") ;;
    addresses) env+=(CPPROF_CPUPROFILE="$tmp/$1.$2.prof" CPPROF_SYMBOLIZE=0) ;;
  esac
  local TIMEFORMAT='%3U %3S'
  { time env "${env[@]}" "$workload" >/dev/null; } 2>"$tmp/time"
  awk '{print 1000 * ($1 + $2)}' "$tmp/time"
}
for rep in $(seq "$reps"); do
  for c in "${cases[@]}"; do run "$c" "$rep" >>"$tmp/$c.times"; done
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
base=$(median <"$tmp/loaded.times")
row() {  # label case
  local cpu
  cpu=$(median <"$tmp/$2.times")
  printf '%-40s %8.0f %10s\n' "$1" "$cpu" "$(awk -v c="$cpu" -v b="$base" 'BEGIN {printf "%.0f", c - b}')"
}
printf '%-40s %8s %10s\n' case "cpu ms" "exit ms"
printf '%-40s %8.0f %10s\n' "libcpprof loaded, no profile (baseline)" "$base" -
row "CPPROF_CPUPROFILE, symbolized" profile
row "CPPROF_CPUPROFILE, CPPROF_SYMBOLIZE=0" addresses
