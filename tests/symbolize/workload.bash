# Sourced by the symbolization tests, with their arguments CPPROF WORKLOAD
# LIBCPPROF OUTDIR: sets $cpprof, $workload, $lib, $out (emptied), $fails and
# fail(), runs in $out/cwd (-list finds sources relative to the working
# directory: pprof's trimPath) with $HOME and an empty $PPROF_BINARY_PATH
# there, and profiles symbolize_workload: copies of it and its library in
# $out/run (so tests can take them away), a 300 ms CPU profile by libcpprof
# with addresses only (CPPROF_SYMBOLIZE=0) in $out/raw.pb.gz.
set -uo pipefail
cpprof=$(realpath "$1") workload=$(realpath "$2") lib=$(realpath "$3") out=$(realpath -m "$4")
rm -rf "$out" && mkdir -p "$out/cwd" "$out/run"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
export HOME=$out/home PPROF_BINARY_PATH=$out/none
cd "$out/cwd" || exit 1
cp "$workload" "$(ldd "$workload" | awk '/libsymbolize_workload_lib/ {print $3}')" "$out/run/"
CPPROF_SYMBOLIZE=0 CPPROF_CPUPROFILE=$out/raw.pb.gz CPPROF_CPUPROFILE_HZ=1000 LD_PRELOAD=$lib \
  LD_LIBRARY_PATH=$out/run "$out/run/$(basename "$workload")" 300 >/dev/null || fail "workload exited with $?"
