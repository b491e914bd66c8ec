#!/usr/bin/env bash
# Tests -symbolize=remote end to end: hash_server (libcpprof) writes CPU
# profiles without symbols (CPPROF_SYMBOLIZE=0) and answers
# /debug/pprof/symbol; cpprof fetches a profile from it and names the frames
# through that endpoint, as go tool pprof does on the same server.
# usage: remote_test.sh HASH_SERVER CPPROF
set -uo pipefail
server=$1 cpprof=$2
source "$(dirname "$0")/../runtime/http_lib.sh"
export HOME=$tmp PPROF_TMPDIR=$tmp/saved PPROF_BINARY_PATH=$tmp/none
CPPROF_SYMBOLIZE=0 start_server "$server" 2
url="http://127.0.0.1:$port/debug/pprof/profile?seconds=1"

"$cpprof" -symbolize=none -top "$url" >"$tmp/none.txt" 2>&1 || fail "-symbolize=none: $(tail -1 "$tmp/none.txt")"
grep -q Fnv1a "$tmp/none.txt" && fail "the server's profile already has names"
for tool in cpprof pprof; do
  t=$cpprof
  [ $tool = pprof ] && t=$pprof
  "$t" -symbolize=remote -top "$url" >"$tmp/$tool.txt" 2>"$tmp/$tool.err" || fail "$tool -symbolize=remote: $(tail -1 "$tmp/$tool.err")"
  for f in "(anonymous namespace)::Fnv1a" "(anonymous namespace)::Worker"; do
    grep -qF "$f" "$tmp/$tool.txt" || fail "$tool -symbolize=remote -top lacks $f: $(head -12 "$tmp/$tool.txt")"
  done
done
# Remote symbols are names only.
"$cpprof" -symbolize=remote -top -lines "$url" >"$tmp/lines.txt" 2>&1
grep -qE 'Fnv1a$' "$tmp/lines.txt" || fail "remote symbols carry lines: $(grep Fnv1a "$tmp/lines.txt")"

[ $fails = 0 ] && echo "remote symbolization: all checks passed"
exit $((fails > 0))
