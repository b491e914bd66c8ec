#!/usr/bin/env bash
# Tests the wall-clock profile over HTTP and under LD_PRELOAD
# (src/runtime/wall_profiler.cc, http_handler.cc, preload.cc): the index
# lists it; /debug/pprof/wall?seconds=1&hz=50 from leaky_server is read by
# cpprof and go tool pprof, with its period, the waits of its threads as
# state labels (sleep; sync on the history lock) and its stdin reader,
# blocked in a read that began before the profile, as `other`, still
# running afterwards (the dump signal restarts its read: SA_RESTART);
# CPPROF_WALLPROFILE writes a whole run's profile at exit; a second wall
# profile while one runs is a 500.
# usage: wall_test.sh LEAKY_SERVER CPPROF LIBCPPROF CPU_WORKLOAD
set -uo pipefail
server=$1 cpprof=$2 lib=$(realpath "$3") workload=$4
source "$(dirname "$0")/http_lib.sh"
start_server "$server"

expect_status index "$(fetch index "$base/")" 200
expect_body index "<a href='wall?debug=1'>wall</a>"
expect_body index "Wall-clock profile: every thread&#39;s stack, on CPU or off, with a state label."

expect_status wall "$(fetch wall.pb.gz "$base/wall?seconds=1&hz=50")" 200
expect_header wall.pb.gz 'Content-Disposition: attachment; filename="wall"'
both_read wall.pb.gz ReportHistory
$pprof -raw "$tmp/wall.pb.gz" 2>/dev/null | grep -q "^Period: 20000000$" || fail "hz=50: period is not 20 ms"
$pprof -tags "$tmp/wall.pb.gz" >"$tmp/wall.tags" 2>&1 || fail "go tool pprof -tags: $(head -1 "$tmp/wall.tags")"
for state in sleep sync other; do
  grep -qE "^ +[0-9.]+[a-z]* \( *[0-9.]+%\): $state\$" "$tmp/wall.tags" || fail "no state $state: $(cat "$tmp/wall.tags")"
done
$pprof -top -tagfocus=state=sync "$tmp/wall.pb.gz" 2>/dev/null | grep -q RememberRequest ||
  fail "state=sync samples are not the worker's wait in RememberRequest"
# The stdin reader was signalled every round and is still reading: the
# server answers, and stops when stdin closes.
expect_status after "$(fetch after "$base/cmdline")" 200

# CPPROF_WALLPROFILE under LD_PRELOAD, for a program that knows nothing of cpprof.
CPPROF_WALLPROFILE=$tmp/run.pb.gz CPPROF_WALLPROFILE_HZ=50 LD_PRELOAD=$lib "$workload" 2 300 >/dev/null ||
  fail "workload with CPPROF_WALLPROFILE exited with $?"
both_read run.pb.gz HashBlock
$pprof -raw "$tmp/run.pb.gz" 2>/dev/null | grep -q "^Period: 20000000$" || fail "CPPROF_WALLPROFILE_HZ=50 not applied"
$pprof -tags "$tmp/run.pb.gz" 2>/dev/null | grep -qE ": running$" || fail "CPPROF_WALLPROFILE: no running samples"

# A second wall profile while one runs (CPPROF_WALLPROFILE's, for the whole
# run) is refused as Go refuses a second CPU profile: 500 and the reason.
coproc BUSY { CPPROF_WALLPROFILE=$tmp/busy.pb.gz CPPROF_HTTP=127.0.0.1:0 LD_PRELOAD=$lib \
  exec timeout 60 "$workload" 1 1000000000 2>&1 >/dev/null; }
busy_pid=$BUSY_PID
read -r line <&"${BUSY[0]}"
if [[ $line =~ serving\ http://127\.0\.0\.1:([0-9]+)/ ]]; then
  busy_base="http://127.0.0.1:${BASH_REMATCH[1]}/debug/pprof"
  expect_status busy "$(fetch busy "$busy_base/wall?seconds=1")" 500
  expect_body busy "Could not enable wall-clock profiling: wall profiling already in use"
  expect_header busy "X-Go-Pprof: 1"
else
  fail "workload with CPPROF_HTTP did not start: $line"
fi
kill "$busy_pid" 2>/dev/null
wait "$busy_pid" 2>/dev/null

echo "wall_test: $fails failure(s)"
[ $fails -eq 0 ]
