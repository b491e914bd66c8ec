#!/usr/bin/env bash
# Tests the heap, allocs, mutex and block endpoints (src/runtime/
# http_handler.cc, heap_format.cc, contention_format.cc) on
# examples/leaky_server over loopback: protos and Go's debug=1 texts read by
# `cpprof` and `go tool pprof`, gc=1, seconds=N deltas, /metrics,
# and the leak hunt of the pprof write-ups: `-top -base` of two snapshots names the
# leaking function on its first line, with both tools.
# usage: heap_http_test.sh LEAKY_SERVER CPPROF
set -uo pipefail
server=$1 cpprof=$2
source "$(dirname "$0")/http_lib.sh"
start_server "$server"

s=$(fetch heap1 "$base/heap"); expect_status heap1 "$s" 200
# The leak grows ~4 MiB a second: on with the checks once it has a sample.
leak_sampled() { [[ $(curl -s "$base/heap?debug=1") == *RememberRequest* ]]; }
wait_for "a sample of the leak" leak_sampled
for n in heap allocs; do
  s=$(fetch "$n" "$base/$n"); expect_status "$n" "$s" 200
  expect_header "$n" 'Content-Disposition: attachment; filename="'"$n"'"'
  both_read "$n" RememberRequest
  s=$(fetch "$n.1" "$base/$n?debug=1"); expect_status "$n.1" "$s" 200
  expect_header "$n.1" "Content-Type: text/plain; charset=utf-8"
  expect_body "$n.1" "@ heap/1048576"
  expect_body "$n.1" "# runtime.MemStats"
  # Go's text carries no mappings: go tool pprof symbolizes it through /symbol.
  PPROF_TMPDIR=$tmp $pprof -top "$base/$n?debug=1" >"$tmp/$n.1.go" 2>&1 ||
    fail "$n?debug=1: go tool pprof cannot read it: $(tail -1 "$tmp/$n.1.go")"
  grep -q RememberRequest "$tmp/$n.1.go" || fail "$n?debug=1: go tool pprof -top lacks RememberRequest"
done
grep -q "^Type: inuse_space" "$tmp/heap.go" || fail "heap: default sample type is not inuse_space"
grep -q "^Type: alloc_space" "$tmp/allocs.go" || fail "allocs: default sample type is not alloc_space"
grep -q "ParseRequest" "$tmp/allocs.go" || fail "allocs: the churn (ParseRequest) is missing"
# Its reporter holds the history's lock: the mutex profile blames its unlock,
# the block profile the worker waiting in RememberRequest.
for n in mutex block; do
  s=$(fetch "$n" "$base/$n"); expect_status "$n" "$s" 200
  expect_header "$n" 'Content-Disposition: attachment; filename="'"$n"'"'
  s=$(fetch "$n.1" "$base/$n?debug=1"); expect_status "$n.1" "$s" 200
  PPROF_TMPDIR=$tmp $pprof -top "$base/$n?debug=1" >"$tmp/$n.1.go" 2>&1 ||
    fail "$n?debug=1: go tool pprof cannot read it: $(tail -1 "$tmp/$n.1.go")"
done
both_read mutex ReportHistory
both_read block RememberRequest
expect_body mutex.1 "--- mutex:"
expect_body block.1 "--- contention:"
grep -q ReportHistory "$tmp/mutex.1.go" || fail "mutex?debug=1: go tool pprof -top lacks ReportHistory"
s=$(fetch mdelta "$base/mutex?seconds=1"); expect_status mdelta "$s" 200
both_read mdelta ReportHistory
s=$(fetch gc "$base/heap?gc=1"); expect_status gc "$s" 200
s=$(fetch delta "$base/heap?seconds=1"); expect_status delta "$s" 200
expect_header delta 'Content-Disposition: attachment; filename="heap-delta"'
both_read delta RememberRequest
# /metrics: Prometheus text; every sample line a valid name and number,
# each after its HELP and TYPE lines.
s=$(fetch metrics "http://127.0.0.1:$port/metrics"); expect_status metrics "$s" 200
expect_header metrics "Content-Type: text/plain; version=0.0.4"
for m in process_cpu_seconds_total process_resident_memory_bytes process_virtual_memory_bytes process_open_fds \
  process_max_fds process_start_time_seconds process_threads cpprof_heap_inuse_bytes \
  cpprof_heap_allocated_bytes_total cpprof_heap_sampled_allocations_total cpprof_heap_profiler_seconds_total; do
  grep -qE "^# TYPE $m (counter|gauge)\$" "$tmp/metrics" || fail "metrics: no TYPE for $m"
done
bad=$(grep -vE '^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$|^[a-zA-Z_:][a-zA-Z0-9_:]* [-+]?[0-9.]+(e[-+]?[0-9]+)?$' "$tmp/metrics")
[ -z "$bad" ] || fail "metrics: malformed lines: $bad"
# Prometheus' own linter (Debian's prometheus package): no errors, no lint.
promtool check metrics <"$tmp/metrics" >"$tmp/promtool.out" 2>&1 ||
  fail "metrics: promtool check metrics: $(cat "$tmp/promtool.out")"
awk '$1 == "cpprof_heap_inuse_bytes" && $2 > 1000000 { ok = 1 } END { exit !ok }' "$tmp/metrics" ||
  fail "metrics: the leak's in-use bytes are missing"

s=$(fetch index "$base/"); expect_status index "$s" 200
for n in heap allocs; do expect_body index "?debug=1'>$n</a>"; done

# The leak hunt: what grew between two snapshots is the first line of -top.
s=$(fetch heap2 "$base/heap"); expect_status heap2 "$s" 200
first_row() { awk 'f { print; exit } /flat%/ { f = 1 }' "$1"; }
"$cpprof" -top -base "$tmp/heap1" "$tmp/heap2" >"$tmp/leak.cpprof" 2>&1
$pprof -top -base "$tmp/heap1" "$tmp/heap2" >"$tmp/leak.go" 2>&1
for tool in cpprof go; do
  first_row "$tmp/leak.$tool" | grep -q RememberRequest ||
    fail "$tool -top -base: first row is not the leak: $(cat "$tmp/leak.$tool")"
done
kill -0 $srv_pid 2>/dev/null || fail "leaky_server died"

echo "heap_http_test: $fails failure(s)"
[ $fails -eq 0 ]
