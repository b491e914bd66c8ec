#!/usr/bin/env bash
# Tests src/runtime/http_handler.cc and http_server.cc over real HTTP on
# loopback: every /debug/pprof endpoint of examples/hash_server, status codes
# and headers as net/http/pprof sets them, every profile parsed by both
# `cpprof` and `go tool pprof`, and garbage sent over a raw socket.
# usage: http_test.sh HASH_SERVER CPPROF
set -uo pipefail
server=$1 cpprof=$2
source "$(dirname "$0")/http_lib.sh"
start_server "$server" 2

s=$(fetch index "$base/"); expect_status index "$s" 200
expect_header index "Content-Type: text/html; charset=utf-8"
expect_header index "X-Content-Type-Options: nosniff"
for n in goroutine threads threadcreate hash_server.blocks cmdline profile trace; do expect_body index "?debug=1'>$n</a>"; done
expect_body index "<li><div class=profile-name>trace: </div> A trace of execution of the current program. You can specify the duration in the seconds GET parameter. After you get the trace file, use the go tool trace command to investigate the trace.</li>"
expect_body index '<a href="goroutine?debug=2">full goroutine stack dump</a>'

s=$(fetch cmdline "$base/cmdline"); expect_status cmdline "$s" 200
expect_header cmdline "Content-Type: text/plain; charset=utf-8"
[ "$(tr '\0' ' ' <"$tmp/cmdline")" = "$server 127.0.0.1:0 2" ] || fail "cmdline: $(tr '\0' ' ' <"$tmp/cmdline")"

# A CPU profile, and a second one refused while it runs (Go's 500 and message).
fetch cpu "$base/profile?seconds=2" >"$tmp/cpu.status" &
cpu_pid=$!
cpu_profile_active() { [[ $(curl -s "http://127.0.0.1:$port/metrics") == *$'\ncpprof_cpu_profile_active 1'* ]]; }
wait_for "the first CPU profile to start" cpu_profile_active
s=$(fetch cpu2 "$base/profile?seconds=1"); expect_status cpu2 "$s" 500
expect_body cpu2 "Could not enable CPU profiling: cpu profiling already in use"
expect_header cpu2 "X-Go-Pprof: 1"
wait $cpu_pid
expect_status cpu "$(cat "$tmp/cpu.status")" 200
expect_header cpu "Content-Type: application/octet-stream"
expect_header cpu 'Content-Disposition: attachment; filename="profile"'
both_read cpu MixRounds
# No binary needed: with local symbolization off, go tool pprof shows the same report.
$pprof -top -symbolize=none "$tmp/cpu" >"$tmp/cpu.nosym" 2>&1 && diff -q "$tmp/cpu.go" "$tmp/cpu.nosym" >/dev/null ||
  fail "cpu: go tool pprof -symbolize=none differs: the profile is not self-contained"
grep -q "Worker" "$tmp/cpu.go" || fail "cpu: the callers of the leaf functions are missing"
$pprof -traces -tagfocus=request=hash "$tmp/cpu" 2>/dev/null | grep -q Fnv1a || fail "cpu: -tagfocus=request=hash lacks Fnv1a"

for n in goroutine threads threadcreate hash_server.blocks; do
  s=$(fetch "$n" "$base/$n"); expect_status "$n" "$s" 200
  expect_header "$n" 'Content-Disposition: attachment; filename="'"$n"'"'
  expect_header "$n" "X-Content-Type-Options: nosniff"
  both_read "$n"
  s=$(fetch "$n.1" "$base/$n?debug=1"); expect_status "$n.1" "$s" 200
  expect_header "$n.1" "Content-Type: text/plain; charset=utf-8"
  expect_body "$n.1" "$n profile: total"
  # Go's counted text is a legacy format go tool pprof reads (cpprof's legacy readers are a later issue).
  $pprof -raw "$tmp/$n.1" >/dev/null 2>&1 || fail "$n?debug=1: go tool pprof cannot read it"
done
expect_body goroutine.1 '# labels: {"request":'
expect_body hash_server.blocks.1 "AllocateBlock"
expect_body threadcreate.1 "main"
s=$(fetch dump "$base/goroutine?debug=2"); expect_status dump "$s" 200
expect_body dump '"hash_server" ['
grep -q "^Worker\|::Worker\|Worker(" "$tmp/dump" || fail "goroutine?debug=2 lacks the workers' stacks"
# As net/http/pprof, uncompressed even for a browser that takes brotli.
s=$(fetch dump_br "$base/goroutine?debug=2" -H 'Accept-Encoding: gzip, deflate, br'); expect_status dump_br "$s" 200
! grep -qi "^Content-Encoding" "$tmp/dump_br.h" || fail "goroutine?debug=2 came compressed: $(grep -i "^Content-Encoding" "$tmp/dump_br.h")"

s=$(fetch delta "$base/goroutine?seconds=1"); expect_status delta "$s" 200
expect_header delta 'Content-Disposition: attachment; filename="goroutine-delta"'
both_read delta
s=$(fetch bad1 "$base/threadcreate?seconds=x"); expect_status bad1 "$s" 400
expect_body bad1 'invalid value for "seconds" - must be a positive integer'
s=$(fetch bad2 "$base/goroutine?seconds=1&debug=1"); expect_status bad2 "$s" 400
expect_body bad2 "seconds and debug params are incompatible"
s=$(fetch bad3 "$base/hash_server.blocks?seconds=1"); expect_status bad3 "$s" 400
expect_body bad3 '"seconds" parameter is not supported for this profile type'
s=$(fetch unknown "$base/nosuch"); expect_status unknown "$s" 404
expect_body unknown "Unknown profile"
expect_header unknown "X-Go-Pprof: 1"

# /symbol: GET says num_symbols; POST resolves addresses as go tool pprof sends them.
s=$(fetch sym "$base/symbol"); expect_status sym "$s" 200
expect_body sym "num_symbols: 1"
addr=$(grep -m1 -oP '^#\t\K0x[0-9a-f]+(?=\t.*AllocateBlock)' "$tmp/hash_server.blocks.1")
s=$(fetch sym2 "$base/symbol" --data-binary "0x1+$addr+junk"); expect_status sym2 "$s" 200
grep -q "^$addr .*AllocateBlock" "$tmp/sym2" || fail "symbol POST: $(cat "$tmp/sym2")"
# go tool pprof fetching the endpoint itself.
$pprof -top "$base/goroutine" >"$tmp/gofetch" 2>&1 || fail "go tool pprof $base/goroutine: $(tail -1 "$tmp/gofetch")"

# Garbage over a raw socket, then malformed requests: the server must survive.
for i in 1 2 3; do
  { exec 3<>"/dev/tcp/127.0.0.1/$port" && head -c 3000 /dev/urandom >&3; exec 3>&-; } 2>/dev/null
done
{ exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /debug/pprof/goroutine?debug=%%zz&seconds=%%00 HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n' >&3; exec 3>&-; } 2>/dev/null
{ exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'POST /debug/pprof/symbol HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\nabc' >&3; exec 3>&-; } 2>/dev/null
s=$(fetch after "$base/goroutine?debug=1&debug=%zz&x=%"); expect_status after "$s" 200
kill -0 $srv_pid 2>/dev/null || fail "hash_server died"

echo "http_test: $fails failure(s)"
[ $fails -eq 0 ]
