#!/usr/bin/env bash
# Shared by the symbolization tests: copies symbolize_workload and its
# library to OUTDIR/run (so tests can take them away) and profiles a 300 ms
# run with libcpprof, addresses only (CPPROF_SYMBOLIZE=0), into OUTDIR/raw.pb.gz.
# usage: profile_workload.sh WORKLOAD LIBCPPROF OUTDIR
set -euo pipefail
workload=$1 lib=$2 out=$3
mkdir -p "$out/run"
wlib=$(ldd "$workload" | awk '/libsymbolize_workload_lib/ {print $3}')
cp "$workload" "$wlib" "$out/run/"
CPPROF_SYMBOLIZE=0 CPPROF_CPUPROFILE=$out/raw.pb.gz CPPROF_CPUPROFILE_HZ=1000 LD_PRELOAD=$lib \
  LD_LIBRARY_PATH=$out/run "$out/run/$(basename "$workload")" 300 >/dev/null
