#!/usr/bin/env bash
# Tests cpprof as a subproject (add_subdirectory, as FetchContent does it):
# the parent gets cpprof::cpprof and the CLI, and none of the tests,
# examples, benchmark programs or install rules that cpprof has on its own.
# Configures only (building would compile cpprof again, minutes on 2 cores).
# usage: subproject_test.sh SOURCE_DIR
set -uo pipefail
src=$1
source "$(dirname "$0")/test_lib.sh"
require cmake ninja

mkdir "$tmp/parent"
cat >"$tmp/parent/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(parent CXX)
add_subdirectory($src cpprof)
add_executable(app app.cc)
target_link_libraries(app PRIVATE cpprof::cpprof)
CMAKE
printf '#include <cpprof/cpprof.h>\nint main() { return cpprof::StopCPUProfile().ok() ? 0 : 1; }\n' >"$tmp/parent/app.cc"
cmake -S "$tmp/parent" -B "$tmp/build" -G Ninja >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; echo "FAIL: configure"; exit 1; }
grep -i "warn" "$tmp/configure.log" && fail "configure warns"

ninja -C "$tmp/build" -t targets all | sed -n 's/^\([^: ]*\): .*/\1/p' | xargs -n1 basename | sort -u >"$tmp/targets"
for want in app cpprof libcpprof.so libcpprof_http.so; do
  grep -qx "$want" "$tmp/targets" || fail "no target $want"
done
for unwanted in hash_server leaky_server growing_server cpu_workload malloc_workload libcountdown_interposer.so symbolize_profile \
    handler_cost cpprof_unit_tests cpprof_runtime_tests torture_test; do
  grep -qx "$unwanted" "$tmp/targets" && fail "the subproject builds $unwanted"
done
[ -e "$tmp/build/cpprof/CTestTestfile.cmake" ] && fail "the subproject registers tests"
grep -q "libcpprof" "$tmp/build/cpprof/cmake_install.cmake" && fail "the subproject installs itself"
# The library and the CLI are built in the subproject's binary directory.
grep -q "cpprof/lib/libcpprof.so" "$tmp/build/build.ninja" || fail "libcpprof.so not under the subproject's build directory"

echo "subproject_test: $fails failure(s)"
[ $fails -eq 0 ]
