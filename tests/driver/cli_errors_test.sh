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
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
