#!/usr/bin/env bash
# The runtime: start the CPU-bound example server (examples/hash_server), fetch
# a 2 s CPU profile from its /debug/pprof/profile as `go tool pprof` would,
# print `cpprof -top` of it and stop the server. Then the leak hunt over time
# on a live program: examples/growing_server, `cpprof -leaks` over 8 heap
# snapshots names the leak, where `-base` of the first and the last names its
# cache. Then an execution trace of examples/leaky_server: its thread table and
# its lock waits as a profile. Then the analysis side on bundled profiles.
set -euo pipefail
cpprof=${1:-build/bin/cpprof}
server=$(dirname "$cpprof")/hash_server
growing=$(dirname "$cpprof")/growing_server
leaky=$(dirname "$cpprof")/leaky_server
dir=$(cd "$(dirname "$0")/.." && pwd)/examples/profiles
run() { echo; echo "\$ cpprof $*"; "$cpprof" "$@"; }

# The servers bind a free port (DEMO_PORT=6060 for a fixed one) and print it.
address=127.0.0.1:${DEMO_PORT:-0}
port_of() { [[ $1 =~ http://127\.0\.0\.1:([0-9]+)/ ]] && echo "${BASH_REMATCH[1]}"; }
tmp=$(mktemp -d)
# stdin from a pipe that closes when this script ends: the server stops with it.
coproc SERVER { exec "$server" "$address" 3; }
trap 'kill ${SERVER_PID:-} 2>/dev/null || true; wait ${SERVER_PID:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
read -r banner <&"${SERVER[0]}" && port=$(port_of "$banner") || { echo "hash_server did not start"; exit 1; }
echo "$banner"
echo "\$ curl -s -o cpu.pb.gz 'http://127.0.0.1:$port/debug/pprof/profile?seconds=2'"
curl -sf -o "$tmp/cpu.pb.gz" "http://127.0.0.1:$port/debug/pprof/profile?seconds=2"
run -top -nodecount=12 "$tmp/cpu.pb.gz"
run -top -nodecount=5 -tagfocus=request=mix "$tmp/cpu.pb.gz"
kill $SERVER_PID
wait $SERVER_PID 2>/dev/null || true
echo; echo "# (hash_server stopped)"

echo
# The leak hunt over time: examples/growing_server leaks 1.6 MB/s beside a
# 48 MiB cache that fills in 2 s and 32 MiB bursts. It samples every 128 KiB
# (CPPROF_MEMPROFILE_RATE; 512 KiB by default) so that 8 snapshots suffice.
coproc GROWING { CPPROF_MEMPROFILE_RATE=131072 exec "$growing" "$address"; }
trap 'kill ${GROWING_PID:-} 2>/dev/null || true; wait ${GROWING_PID:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
read -r banner <&"${GROWING[0]}" && port=$(port_of "$banner") || { echo "growing_server did not start"; exit 1; }
echo "$banner"
echo; echo "# 8 heap snapshots a second apart, ranked by steady growth:"
echo "\$ cpprof -leaks -count=8 -interval=1s http://127.0.0.1:$port/debug/pprof/heap"
PPROF_TMPDIR=$tmp "$cpprof" -leaks -count=8 -interval=1s "http://127.0.0.1:$port/debug/pprof/heap" 2>/dev/null
kill $GROWING_PID
wait $GROWING_PID 2>/dev/null || true
snapshots=("$tmp"/pprof.growing_server.*.pb.gz)
echo; echo "# The first and the last of those snapshots compared with -base rank the cache first:"
echo "\$ cpprof -top -nodecount=3 -base first.pb.gz last.pb.gz"
"$cpprof" -top -nodecount=3 -base "${snapshots[0]}" "${snapshots[-1]}" | tail -4
echo; echo "# (growing_server stopped)"

echo
# Where threads wait, not only where they burn CPU: a 2 s execution trace of
# examples/leaky_server (a worker waiting for the lock a reporter holds while
# it sleeps), its thread table and the lock waits as a profile.
coproc LEAKY { exec "$leaky" "$address"; }
trap 'kill ${LEAKY_PID:-} 2>/dev/null || true; wait ${LEAKY_PID:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
read -r banner <&"${LEAKY[0]}" && port=$(port_of "$banner") || { echo "leaky_server did not start"; exit 1; }
echo "$banner"
echo "\$ curl -s -o trace.pftrace 'http://127.0.0.1:$port/debug/pprof/trace?seconds=2'"
curl -sf -o "$tmp/trace.pftrace" "http://127.0.0.1:$port/debug/pprof/trace?seconds=2"
kill $LEAKY_PID
wait $LEAKY_PID 2>/dev/null || true
echo; echo "\$ cpprof trace trace.pftrace"
"$cpprof" trace "$tmp/trace.pftrace"
echo; echo "\$ cpprof trace -pprof=sync -output=sync.pb.gz trace.pftrace && cpprof -top -nodecount=6 sync.pb.gz"
"$cpprof" trace -pprof=sync -output="$tmp/sync.pb.gz" "$tmp/trace.pftrace"
"$cpprof" -top -nodecount=6 "$tmp/sync.pb.gz"
echo; echo "# (leaky_server stopped; open trace.pftrace in https://ui.perfetto.dev, or: cpprof trace -http=: trace.pftrace)"

run -top -nodecount=10 "$dir/cpu.pb.gz"
run -top -nodecount=10 "$dir/heap-after.pb.gz"
echo; echo "# What grew between the two heap snapshots:"
run -top -nodecount=10 -base "$dir/heap-before.pb.gz" "$dir/heap-after.pb.gz"
run -leaks -nodecount=3 "$dir"/leaks/heap.*.pb.gz
