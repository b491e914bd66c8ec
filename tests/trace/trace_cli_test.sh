#!/usr/bin/env bash
# `cpprof trace` end to end on a trace written by make_trace: the summary,
# each -pprof profile read by go tool pprof and by cpprof's reports, -json as
# valid JSON, fetching from a URL, and one-line errors with exit status 2.
# usage: trace_cli_test.sh CPPROF MAKE_TRACE
set -u
cpprof=$1 make_trace=$2
tmp=$(mktemp -d); trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
server=
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
"$make_trace" "$tmp/t.pftrace" 8 40 || { echo "make_trace failed"; exit 1; }

# The summary: default and -summary agree; groups and threads present.
"$cpprof" trace "$tmp/t.pftrace" > "$tmp/summary.txt" 2>"$tmp/err" && [ ! -s "$tmp/err" ] || bad "summary"
"$cpprof" trace -summary "$tmp/t.pftrace" | cmp -s - "$tmp/summary.txt" || bad "-summary differs from the default"
grep -q '^worker-0  *4 threads  WorkerMain0 ' "$tmp/summary.txt" && grep -q '^  worker-1  *1007 ' "$tmp/summary.txt" &&
  ok || { bad "summary rows"; cat "$tmp/summary.txt"; }

# Derived profiles: go tool pprof and cpprof read them.
for kind in net sync syscall sched wall; do
  "$cpprof" trace -pprof=$kind -output="$tmp/$kind.pb.gz" "$tmp/t.pftrace" 2>"$tmp/err" || { bad "-pprof=$kind"; cat "$tmp/err"; continue; }
  "$cpprof" -top "$tmp/$kind.pb.gz" > "$tmp/$kind.top" 2>&1 || { bad "cpprof -top $kind"; cat "$tmp/$kind.top"; continue; }
  if command -v go >/dev/null; then
    HOME=$tmp go tool pprof -raw "$tmp/$kind.pb.gz" > "$tmp/$kind.raw" 2>&1 || { bad "go tool pprof -raw $kind"; cat "$tmp/$kind.raw"; continue; }
    HOME=$tmp go tool pprof -top "$tmp/$kind.pb.gz" > "$tmp/$kind.gotop" 2>&1 || { bad "go tool pprof -top $kind"; continue; }
  fi
  ok
done
# Go's shape and values: 8 threads x 8 sync waits of 400us at one stack.
if command -v go >/dev/null; then
  grep -q '^PeriodType: trace count$' "$tmp/sync.raw" && grep -q '^Samples:$' "$tmp/sync.raw" &&
    grep -q 'contentions/count delay/nanoseconds' "$tmp/sync.raw" && grep -qE '^ +64 +25600000: ' "$tmp/sync.raw" &&
    ok || { bad "sync profile's shape"; cat "$tmp/sync.raw"; }
  grep -q 'Dopthread_mutex_lock' "$tmp/sync.gotop" && ok || { bad "sync -top"; cat "$tmp/sync.gotop"; }
  # wall: labels by state.
  grep -q 'state:\[running\]' "$tmp/wall.raw" && grep -q 'state:\[sleep\]' "$tmp/wall.raw" && ok ||
    { bad "wall labels"; head -40 "$tmp/wall.raw"; }
fi
# cpprof's reports on them: -base, -tagfocus, -traces.
"$cpprof" -top -base "$tmp/sync.pb.gz" "$tmp/sync.pb.gz" > /dev/null 2>&1 && ok || bad "-base on a derived profile"
"$cpprof" -top -tagfocus=state=sleep "$tmp/wall.pb.gz" 2>&1 | grep -q 'Donanosleep' && ok || bad "-tagfocus on wall"
# To stdout, gzipped.
"$cpprof" trace -pprof=net "$tmp/t.pftrace" | gzip -t && ok || bad "-pprof to stdout is not gzip"

# Chrome JSON is valid JSON with the events expected.
"$cpprof" trace -json -output="$tmp/t.json" "$tmp/t.pftrace" || bad "-json"
python3 - "$tmp/t.json" <<'PY' && ok || bad "-json content"
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
phases = {e["ph"] for e in ev}
assert {"M", "X", "i", "b", "e"} <= phases, phases
assert d["displayTimeUnit"] == "ns"
assert sum(1 for e in ev if e["ph"] == "X" and e["cat"] == "state") == 8 * 40
assert sum(1 for e in ev if e["ph"] == "M" and e["name"] == "thread_name") == 8
PY

# A URL: host:port fetches /debug/pprof/trace?seconds=N.
mkdir -p "$tmp/www/debug/pprof" && cp "$tmp/t.pftrace" "$tmp/www/debug/pprof/trace"
# The server's first line on stdout gives its port; requests are logged on stderr.
mkfifo "$tmp/http.fifo"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$tmp/www" > "$tmp/http.fifo" 2>"$tmp/http.log" &
server=$!
exec 3<"$tmp/http.fifo"
port=
read -r -t 30 line <&3 && port=$(echo "$line" | sed -n 's/.* port \([0-9]*\).*/\1/p')
if [ -n "$port" ]; then
  "$cpprof" trace -seconds=2 -summary "127.0.0.1:$port" > "$tmp/url.txt" 2>"$tmp/url.err"
  cmp -s "$tmp/url.txt" "$tmp/summary.txt" && grep -q "/debug/pprof/trace?seconds=2" "$tmp/http.log" && ok ||
    { bad "fetching a URL"; cat "$tmp/url.err" "$tmp/http.log"; }
else
  bad "python's http.server did not start"
fi

# Errors: one line on stderr, exit 2, no output file.
printf 'hello world\n' > "$tmp/text"
head -c 1000 "$tmp/t.pftrace" > "$tmp/truncated"
printf '' > "$tmp/empty"
for args in "$tmp/text" "$tmp/truncated" "$tmp/empty" "$tmp/missing" "-pprof=io $tmp/t.pftrace" "-bogus $tmp/t.pftrace" \
  "-json -summary $tmp/t.pftrace" "" "-no_browser $tmp/t.pftrace"; do
  # shellcheck disable=SC2086  # args is a list of words
  "$cpprof" trace -output="$tmp/out" $args > "$tmp/stdout" 2>"$tmp/stderr"; rc=$?
  if [ $rc -eq 2 ] && [ "$(wc -l < "$tmp/stderr")" -eq 1 ] && [ ! -e "$tmp/out" ] && [ ! -s "$tmp/stdout" ]; then
    ok
  else
    bad "trace $args: rc=$rc"; cat "$tmp/stderr"
  fi
done
# A URL nobody serves: the progress line, then the error.
"$cpprof" trace -output="$tmp/out" 127.0.0.1:1 > "$tmp/stdout" 2>"$tmp/stderr"; rc=$?
[ $rc -eq 2 ] && tail -1 "$tmp/stderr" | grep -q '^Get "http://127.0.0.1:1/debug/pprof/trace": connection refused' &&
  [ ! -e "$tmp/out" ] && ok || { bad "unreachable URL: rc=$rc"; cat "$tmp/stderr"; }
"$cpprof" trace -h 2>&1 | grep -q '^usage: cpprof trace' && ok || bad "cpprof trace -h"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
