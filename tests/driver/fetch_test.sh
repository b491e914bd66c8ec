#!/usr/bin/env bash
# Fetching over HTTP from a real Go server (net/http/pprof, built here) on
# loopback: URL forms, -seconds, saving as pprof saves, merging several URLs,
# -base over URLs, and servers that fail, answer garbage or hang.
# usage: tests/driver/fetch_test.sh CPPROF OUTDIR
set -u
cpprof=$1; out=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null || { echo "go missing: skipping"; exit 77; }
mkdir -p "$out"; out=$(cd "$out" && pwd)
(cd "$here/goserver" && env GO111MODULE=off GOFLAGS= GOPATH="$out/gopath" GOCACHE="$out/gocache" \
  go build -o "$out/goserver" .) || { echo "building the Go server failed"; exit 1; }
tmp=$(mktemp -d)
# It listens on a free port before it prints the address: reading the line is the wait.
exec {gosrv}< <(exec "$out/goserver")
server_pid=$!
trap 'kill $server_pid 2>/dev/null; rm -rf "$tmp"' EXIT
read -r addr <&$gosrv
export PPROF_TMPDIR=$tmp/saved HOME=$tmp TZ=UTC
pass=0; fail=0
check() { # name condition...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/  | /' "$tmp/err"; fi
}

# host:port alone means the CPU profile; -seconds sets seconds=.
"$cpprof" -top -seconds 1 "$addr" >"$tmp/cpu.txt" 2>"$tmp/err"
printf '%s\n' "Fetching profile over HTTP from http://$addr/debug/pprof/profile?seconds=1" \
  "Please wait... (1s)" "Saved profile in $tmp/saved/pprof.goserver.samples.cpu.001.pb.gz" > "$tmp/want"
check "cpu: progress lines" cmp -s "$tmp/err" "$tmp/want"
check "cpu: report" grep -q "^Type: cpu$" "$tmp/cpu.txt"
check "cpu: saved file reads in go tool pprof" \
  go tool pprof -raw "$tmp/saved/pprof.goserver.samples.cpu.001.pb.gz" >/dev/null 2>&1

# The saved heap profile gives the same report in both tools.
"$cpprof" -top "http://$addr/debug/pprof/heap" >/dev/null 2>"$tmp/err"
heap=$tmp/saved/pprof.goserver.alloc_objects.alloc_space.inuse_objects.inuse_space.001.pb.gz
"$cpprof" -top "$heap" >"$tmp/ours" 2>&1; go tool pprof -top "$heap" >"$tmp/theirs" 2>&1
check "heap: saved and equal to go tool pprof" cmp -s "$tmp/ours" "$tmp/theirs"

# Two URLs merge (twice the total); -base of a URL against itself cancels.
total() { sed -n 's/.* of \([0-9]*\) total$/\1/p' "$1"; }
"$cpprof" -top "$addr/debug/pprof/threadcreate" >"$tmp/one" 2>"$tmp/err"
"$cpprof" -top "$addr/debug/pprof/threadcreate" "$addr/debug/pprof/threadcreate" >"$tmp/two" 2>"$tmp/err"
check "two sources merge" [ "$(total "$tmp/two")" = $(( $(total "$tmp/one") * 2 )) ]
check "two sources: saved once" grep -q "Saved profile in $tmp/saved/pprof.goserver.threadcreate.002.pb.gz" "$tmp/err"
"$cpprof" -top -base "$addr/debug/pprof/threadcreate" "$addr/debug/pprof/threadcreate" >"$tmp/diff" 2>"$tmp/err"
check "-base over URLs cancels" [ "$(total "$tmp/diff")" = 0 ]

# Failures: exit 2 (as pprof), the progress line and one error line, nothing saved.
ls "$tmp/saved" > "$tmp/before"
expect_error() { # name message args...
  local name=$1 message=$2; shift 2
  "$cpprof" -top "$@" >"$tmp/stdout" 2>"$tmp/err"; local rc=$?
  check "$name" [ $rc = 2 ] && check "$name: message" grep -qF "$message" "$tmp/err" &&
    check "$name: two lines" [ "$(wc -l < "$tmp/err")" = 2 ] && check "$name: no stdout" [ ! -s "$tmp/stdout" ]
}
expect_error "unknown profile" "server response: 404 Not Found - Unknown profile" "$addr/debug/pprof/nosuch"
expect_error "server error" "server response: 500 Internal Server Error" "$addr/bad"
expect_error "garbage" "parsing profile: unrecognized profile format" "$addr/garbage"
expect_error "refused" "connection refused" "127.0.0.1:1/debug/pprof/heap"
start=$(date +%s)
expect_error "timeout" "timeout" -timeout 1 "$addr/slow"
check "timeout: gave up after timeout + 5 s" [ $(( $(date +%s) - start )) -le 9 ]
ls "$tmp/saved" > "$tmp/after"
check "failures saved nothing" cmp -s "$tmp/before" "$tmp/after"

# cpprof's own runtime (examples/hash_server): the same loop against it.
server=$(dirname "$cpprof")/hash_server
if [ -x "$server" ]; then
  coproc SRV { exec "$server" 127.0.0.1:0 2 2>&1; }
  srv_pid=$SRV_PID
  read -r line <&"${SRV[0]}"
  [[ $line =~ serving\ http://127\.0\.0\.1:([0-9]+)/ ]]
  port=${BASH_REMATCH[1]:-0}
  trap 'kill $server_pid ${srv_pid:-} 2>/dev/null; rm -rf "$tmp"' EXIT
  "$cpprof" -top -seconds 1 "127.0.0.1:$port" >"$tmp/rt.txt" 2>"$tmp/err"
  check "runtime: CPU profile over HTTP" grep -q "^Type: cpu$" "$tmp/rt.txt"
  check "runtime: saved" grep -q "Saved profile in $tmp/saved/pprof.hash_server.samples.cpu.001.pb.gz" "$tmp/err"
  "$cpprof" -top "127.0.0.1:$port/debug/pprof/goroutine" "127.0.0.1:$port/debug/pprof/goroutine?debug=0" >"$tmp/th.txt" 2>"$tmp/err"
  check "runtime: two thread dumps merged" grep -q "^Type: goroutine$" "$tmp/th.txt"
  "$cpprof" -top "127.0.0.1:$port/debug/pprof/nosuch" >/dev/null 2>"$tmp/err"
  check "runtime: unknown profile" grep -q "server response: 404 Not Found - Unknown profile" "$tmp/err"
  kill "$srv_pid" 2>/dev/null
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
