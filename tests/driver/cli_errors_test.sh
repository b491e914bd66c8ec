#!/usr/bin/env bash
# Bad input gives one line on stderr, a non-zero status and no output file.
set -u
cpprof=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '' > "$tmp/empty"; printf 'hello world\n' > "$tmp/text"
head -c 100 /dev/urandom > "$tmp/random"
printf '\x1f\x8b\x08\x00\x00\x00\x00\x00' > "$tmp/truncated.gz"
pass=0; fail=0
for f in empty text random truncated.gz missing; do
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
