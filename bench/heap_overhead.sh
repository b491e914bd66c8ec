#!/usr/bin/env bash
# Heap-profiler overhead of libcpprof on malloc-heavy workloads
# (bench/malloc_workload: small-object churn, mixed sizes, churn on every
# core, and a request handler's strings in an unordered_map), in one run,
# against: no profiler; the floor; cpprof sampling at 512 KiB (the default);
# cpprof loaded with sampling off (CPPROF_MEMPROFILE_RATE=0); tcmalloc alone
# and with gperftools' HEAPPROFILE (full tracking, which needs its tcmalloc);
# and heaptrack. Then the cost of an uncontended pthread_mutex_lock/unlock
# pair with libcpprof loaded and mutex profiling off, and of a one-byte
# write(2) to /dev/null (a system call the wait hooks interpose) with
# libcpprof loaded and no listener. Runs are interleaved,
# REPS rounds of one run of each; the figures are the workload's median CPU
# ns per op (a malloc/free pair, a request of 3 allocations and 3 frees, or a
# lock/unlock pair) and the median change of its CPU cycles against the
# no-profiler run of the same round, which ran seconds before on the same
# heap layout: round r shifts the heap by r * 208 bytes (see
# malloc_workload.cc: the layout alone moves a pair by up to 3.5%).
# heaptrack's separate interpreter process is not counted. "floor" is an
# interposer that only counts bytes down (bench/countdown_interposer.cc):
# what any sampling interposer pays, and the instructions of cpprof's fast
# paths.
# Targets: <= 3% at 512 KiB on a malloc-heavy workload where gperftools is
# about 23x slower and heaptrack 3x (strings is heavier than that; churn and
# mt, a bare malloc/free loop, far heavier: there the floor alone costs about
# 4%), <= 2 ns per pair loaded but off, <= 2 ns per lock/unlock pair and
# per write.
# usage: bench/heap_overhead.sh [BUILD_DIR (build)] [REPS (5)]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
reps=${2:-5}
workload=$build/bin/malloc_workload
libcpprof=$build/lib/libcpprof.so
tcmalloc=$(ls /usr/lib/*/libtcmalloc.so.4 2>/dev/null | head -1)
[ -n "$tcmalloc" ] || { echo "libtcmalloc.so.4 missing: scripts/install-deps.sh test"; exit 1; }
command -v heaptrack >/dev/null || { echo "heaptrack missing: scripts/install-deps.sh test"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "heap overhead bench: $(date -u +%F) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "ns: median CPU ns per op of $reps interleaved rounds (churn: malloc/free pairs of 16-128 B, mixed: of 16 B-64 KiB, mt: churn on $(nproc) threads, strings: requests putting a key and a value into an unordered_map)"
echo "change: median over the rounds of a run's CPU cycles against the no-profiler run of its round (same heap shift, seconds apart; CPU time where perf events are not allowed)"

run() {  # config mode million-ops heap-shift -> "ns-per-op cycles-per-op"
  local cfg=$1 mode=$2 ops=$3 shift=$4 out=$tmp/$1.$RANDOM
  local -a pre=()
  case $cfg in
    floor) pre=(env LD_PRELOAD="$build/lib/libcountdown_interposer.so") ;;
    cpprof@512K) pre=(env LD_PRELOAD="$libcpprof") ;;
    cpprof@off) pre=(env CPPROF_MEMPROFILE_RATE=0 LD_PRELOAD="$libcpprof") ;;
    tcmalloc) pre=(env LD_PRELOAD="$tcmalloc") ;;
    gperftools) pre=(env HEAPPROFILE="$out" LD_PRELOAD="$tcmalloc") ;;
    heaptrack) pre=(heaptrack -o "$out") ;;
  esac
  # The full trackers are 2-1000x slower: a twentieth of the ops is plenty.
  case $cfg in gperftools | heaptrack) ops=$(echo "$ops" | awk '{print $1 / 20}') ;; esac
  "${pre[@]}" "$workload" "$mode" "$ops" "$shift" 2>/dev/null | awk -v m="$mode" '$1 == m { print $4, $5 }'
  rm -f "$out"*
}
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
# Runs of a configuration against the no-profiler runs, round by round: the
# median ratio, of cycles where counted.
ratio() { paste -d' ' "$1" "$2" | awk '{print ($2 != "-" && $4 != "-") ? $2 / $4 : $1 / $3}' | median; }

configs=(none floor cpprof@512K cpprof@off tcmalloc gperftools heaptrack)
workloads=("churn 10" "mixed 1" "mt 10" "strings 2")
printf '%-12s' workload; printf ' %18s' "${configs[@]}"; echo
for w in "${workloads[@]}"; do
  for rep in $(seq "$reps"); do
    for cfg in "${configs[@]}"; do run "$cfg" $w $((rep * 208)) >>"$tmp/${w%% *}.$cfg"; done
  done
  printf '%-12s' "${w%% *}"
  for cfg in "${configs[@]}"; do
    ns=$(cut -d' ' -f1 "$tmp/${w%% *}.$cfg" | median)
    # A change in percent, or a factor for what is twice as slow or worse.
    printf ' %7.1f ns %7s' "$ns" "$(ratio "$tmp/${w%% *}.$cfg" "$tmp/${w%% *}.none" |
      awk '{if ($1 >= 2) printf "%.0fx", $1; else printf "%+.1f%%", 100 * ($1 - 1)}')"
  done
  echo
done

echo
for rep in $(seq $((reps * 2 + 1))); do
  run none lock 50 0 >>"$tmp/lock.none"
  run cpprof@off lock 50 0 >>"$tmp/lock.cpprof"
done
none=$(cut -d' ' -f1 "$tmp/lock.none" | median) loaded=$(cut -d' ' -f1 "$tmp/lock.cpprof" | median)
printf 'uncontended lock/unlock pair: %.2f ns without cpprof, %.2f ns with it loaded (mutex profiling off): %+.2f ns\n' \
  "$none" "$loaded" "$(echo "$loaded $none" | awk '{print $1 - $2}')"

for rep in $(seq $((reps * 2 + 1))); do
  run none write 2 0 >>"$tmp/write.none"
  run cpprof@off write 2 0 >>"$tmp/write.cpprof"
done
none=$(cut -d' ' -f1 "$tmp/write.none" | median) loaded=$(cut -d' ' -f1 "$tmp/write.cpprof" | median)
printf 'write(2) of 1 byte to /dev/null: %.2f ns without cpprof, %.2f ns with it loaded (no trace or wall profile): %+.2f ns\n' \
  "$none" "$loaded" "$(echo "$loaded $none" | awk '{print $1 - $2}')"
