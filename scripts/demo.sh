#!/usr/bin/env bash
# The runtime: start the CPU-bound example server (examples/hash_server), fetch
# a 2 s CPU profile from its /debug/pprof/profile as `go tool pprof` would,
# print `cpprof -top` of it and stop the server. Then the leak hunt of the
# pprof write-ups on a live program: examples/leaky_server, two heap
# snapshots a few seconds apart, `cpprof -top -base heap1 heap2`, whose first
# line names the leaking function. Then the analysis side on bundled
# profiles.
set -euo pipefail
cpprof=${1:-build/bin/cpprof}
server=$(dirname "$cpprof")/hash_server
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
coproc LEAKY { exec "$leaky" "$address"; }
trap 'kill ${LEAKY_PID:-} 2>/dev/null || true; wait ${LEAKY_PID:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
read -r banner <&"${LEAKY[0]}" && port=$(port_of "$banner") || { echo "leaky_server did not start"; exit 1; }
echo "$banner"
sleep 1
echo "\$ curl -s -o heap1.pb.gz http://127.0.0.1:$port/debug/pprof/heap; sleep 3"
curl -sf -o "$tmp/heap1.pb.gz" "http://127.0.0.1:$port/debug/pprof/heap"
sleep 3
echo "\$ curl -s -o heap2.pb.gz http://127.0.0.1:$port/debug/pprof/heap"
curl -sf -o "$tmp/heap2.pb.gz" "http://127.0.0.1:$port/debug/pprof/heap"
echo; echo "# What grew between the two snapshots of the live server:"
echo "\$ cpprof -top -nodecount=5 -base heap1.pb.gz heap2.pb.gz"
"$cpprof" -top -nodecount=5 -base "$tmp/heap1.pb.gz" "$tmp/heap2.pb.gz"
kill $LEAKY_PID
wait $LEAKY_PID 2>/dev/null || true
echo; echo "# (leaky_server stopped)"

run -top -nodecount=10 "$dir/cpu.pb.gz"
run -top -nodecount=10 "$dir/heap-after.pb.gz"
echo; echo "# What grew between the two heap snapshots:"
run -top -nodecount=10 -base "$dir/heap-before.pb.gz" "$dir/heap-after.pb.gz"
