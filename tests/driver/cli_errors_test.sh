#!/usr/bin/env bash
# Bad input gives one line on stderr, a non-zero status and no output file.
set -u
cpprof=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '' > "$tmp/empty"; printf 'hello world\n' > "$tmp/text"
head -c 100 /dev/urandom > "$tmp/random"
printf '\x1f\x8b\x08\x00\x00\x00\x00\x00' > "$tmp/truncated.gz"
# Legacy formats: a gperftools CPU header cut short, a heap profile with a bad
# sample line, a threadz profile whose last stack runs to the end of the file.
printf '\0\0\0\0\3\0\0\0\0\0\0\0\x10\x27\0\0\0\0\0\0\1\0\0\0\5\0\0\0' > "$tmp/legacy.cpu"
printf 'heap profile: 1: 2 [ 1: 2] @ heap_v2/524288\n1: 2 [1: 2] @ 0x1\nbogus\n' > "$tmp/legacy.heap"
printf -- '--- Thread 1 (name: a/1) stack: ---\n  0x401000\n' > "$tmp/legacy.thread"
pass=0; fail=0
for f in empty text random truncated.gz missing legacy.cpu legacy.heap legacy.thread; do
  "$cpprof" -top -output "$tmp/out.txt" "$tmp/$f" >"$tmp/stdout" 2>"$tmp/stderr"; rc=$?
  lines=$(wc -l < "$tmp/stderr")
  if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && [ ! -e "$tmp/out.txt" ] && [ ! -s "$tmp/stdout" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL $f: rc=$rc stderr lines=$lines"; cat "$tmp/stderr"
  fi
done
# -leaks: misuse and snapshots that are not one series, one line each.
profiles=$(cd "$(dirname "$0")/../testdata" && pwd)
s1=$profiles/leaks/heap.0001.pb.gz s2=$profiles/leaks/heap.0002.pb.gz
while IFS='|' read -r args want; do
  # shellcheck disable=SC2086  # args is a list of words
  "$cpprof" -leaks -output "$tmp/out.txt" $args >"$tmp/stdout" 2>"$tmp/stderr"; rc=$?
  if [ $rc -ne 0 ] && [ "$(wc -l < "$tmp/stderr")" -eq 1 ] && grep -qF -- "$want" "$tmp/stderr" && [ ! -e "$tmp/out.txt" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL -leaks $args: rc=$rc, want '$want'"; cat "$tmp/stderr"
  fi
done <<EOF2
$s1|-leaks needs two or more snapshots of one process
-count=3 -interval=1s $s1|-count takes snapshots from one URL
-count=1 http://127.0.0.1:1/heap|-count=1: -leaks needs two or more snapshots
-count=3 -interval=soon http://127.0.0.1:1/heap|-interval="soon": give the time between snapshots
-interval=1s $s1 $s2|-interval needs -count
-top $s1 $s2|-leaks is an output format of its own: drop -top
-seconds=3 $s1 $s2|use -count and -interval, not -seconds
-base=$s1 $s1 $s2|drop -base and -diff_base
$s1 $tmp/text|$tmp/text: parsing profile: unrecognized profile format
$s1 $tmp/missing|open $tmp/missing: 
$profiles/cpu.pb.gz $s2|snapshots of different kinds: $profiles/cpu.pb.gz (samples/count, cpu/nanoseconds) and
EOF2
"$cpprof" -count=2 "$s1" >/dev/null 2>"$tmp/stderr" && fail=$((fail + 1))
grep -qF -- "-count and -interval only go with -leaks" "$tmp/stderr" && pass=$((pass + 1)) || { fail=$((fail + 1)); cat "$tmp/stderr"; }
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
