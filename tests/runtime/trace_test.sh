#!/usr/bin/env bash
# Tests the execution tracer where a process is needed: GET /debug/pprof/trace
# over loopback (Go's headers, 500 while a trace runs, bytes streamed before
# the trace ends), CPPROF_TRACE under LD_PRELOAD, as root and as an
# unprivileged user (perf_event_paranoid applies), and CPPROF_TRACE_PERF=0.
# Every trace must decode with protoc against Perfetto's schema.
# usage: trace_test.sh HASH_SERVER LIBCPPROF CPU_WORKLOAD SOURCE_DIR
set -uo pipefail
server=$1 lib=$2 workload=$3 src=$4
cpprof=/bin/false  # http_lib.sh's both_read is not used here
source "$(dirname "$0")/http_lib.sh"
schema="$src/../shared/reference/perfetto"
command -v protoc >/dev/null || { echo "protoc missing (scripts/install-deps.sh test)"; exit 77; }

# decodes NAME FILE: protoc's text of FILE in $tmp/NAME.txt; fails if protoc refuses it.
decodes() {
  protoc --proto_path="$schema" --decode=perfetto.protos.Trace perfetto_trace.proto <"$2" >"$tmp/$1.txt" 2>&1 ||
    fail "$1: protoc cannot decode the trace: $(head -3 "$tmp/$1.txt")"
  grep -q 'name: "trace end"' "$tmp/$1.txt" || fail "$1: no \"trace end\" event"
}
# sched_source NAME: the trace's sched_source annotation.
# (protoc prints string_value, field 6, before name, field 10.)
sched_source() { grep -B1 'name: "sched_source"' "$tmp/$1.txt" | sed -n 's/.*string_value: "\(.*\)"/\1/p' | head -1; }

start_server "$server" 2

# The endpoint: a 3 s trace streams; a second one meanwhile is refused.
curl -s -o "$tmp/http" -D "$tmp/http.h" "$base/trace?seconds=3" &
curl_pid=$!
wait_for "the trace's first bytes" test -s "$tmp/http"
kill -0 $curl_pid 2>/dev/null || fail "http: the trace's bytes came only when it ended (not streamed)"
s=$(fetch busy "$base/trace?seconds=1"); expect_status busy "$s" 500
[ "$(cat "$tmp/busy")" = "Could not enable tracing: tracing is already enabled" ] ||
  fail "busy: body '$(cat "$tmp/busy")'"
wait $curl_pid || fail "http: curl failed"
expect_header http "Content-Type: application/octet-stream"
expect_header http 'Content-Disposition: attachment; filename="trace"'
decodes http "$tmp/http"
grep -q 'name: "hash_server' "$tmp/http.txt" || fail "http: no thread named hash_server"
grep -q perf_sample "$tmp/http.txt" || fail "http: no CPU samples"
# A HEAD request gets the headers and no trace: the one it started ends with
# the response, and the next request may trace.
curl -sI "$base/trace?seconds=30" >"$tmp/head.h" || fail "head: curl failed"
grep -qiF "Content-Disposition: attachment; filename=\"trace\"" "$tmp/head.h" || fail "head: headers $(cat "$tmp/head.h")"
# seconds as Go's ParseFloat: unparsable is 1 s, and so is <= 0.
for q in 'seconds=abc' 'seconds=-2' 'seconds=0.2'; do
  s=$(fetch q "$base/trace?$q"); expect_status "trace?$q" "$s" 200
  decodes q "$tmp/q"
done

# CPPROF_TRACE, as root (perf_event_paranoid does not apply) and without perf.
CPPROF_TRACE="$tmp/root.trace" LD_PRELOAD="$lib" "$workload" 2 300 >/dev/null || fail "root: the workload failed"
decodes root "$tmp/root.trace"
[ "$(id -u)" != 0 ] || [ "$(sched_source root)" = perf_switch ] || fail "root: sched_source $(sched_source root)"
grep -q '"thread start"' "$tmp/root.txt" || fail "root: no thread start"
grep -q '"thread exit"' "$tmp/root.txt" || fail "root: no thread exit"
CPPROF_TRACE_PERF=0 CPPROF_TRACE="$tmp/noperf.trace" LD_PRELOAD="$lib" "$workload" 2 300 >/dev/null ||
  fail "noperf: the workload failed"
decodes noperf "$tmp/noperf.trace"
[ "$(sched_source noperf)" = schedstat ] || fail "noperf: sched_source $(sched_source noperf)"

# As nobody: perf_switch at perf_event_paranoid <= 2, schedstat above.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  chmod 711 "$tmp"  # mktemp's 700 would keep nobody out of its directory
  mkdir -m 777 "$tmp/nobody"
  setpriv --reuid=65534 --regid=65534 --clear-groups env CPPROF_TRACE="$tmp/nobody/t.trace" LD_PRELOAD="$lib" \
    "$workload" 2 300 >/dev/null || fail "nobody: the workload failed"
  decodes nobody "$tmp/nobody/t.trace"
  want=perf_switch
  [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -le 2 ] || want=schedstat
  [ "$(sched_source nobody)" = $want ] || fail "nobody: sched_source $(sched_source nobody), want $want"
else
  echo "skipping the unprivileged run: setpriv missing or not root"
fi

[ $fails = 0 ] && echo PASS || { echo "$fails failures"; exit 1; }
