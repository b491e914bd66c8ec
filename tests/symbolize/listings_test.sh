#!/usr/bin/env bash
# Tests -disasm and -weblist (src/report/disasm.cc, weblist.cc,
# src/symbolize/binutils.cc) on the native profile of symbolize_workload
# against google/pprof's standalone binary, built from Debian's golang-github-google-pprof-dev source (go tool
# pprof disassembles with Go's own disassembler, so only the standalone
# pprof, which runs objdump as cpprof does, shows the same text).
# pprof's computeBase keeps the first sample address it is given, in Go map
# order, and fails for good when that address is in another mapping: some
# of its runs find nothing (85% of them for Scramble here). So the
# comparisons run with -show set to the listed functions: every node left is
# in the listed function's mapping, and pprof's first address always fits.
# pprof's weblist also tests m.start - begin with unsigned arithmetic and
# loses functions near a mapping's start (main here); cpprof shows them.
# usage: listings_test.sh CPPROF WORKLOAD LIBCPPROF OUTDIR
source "$(dirname "$0")/workload.bash"

src=/usr/share/gocode/src/github.com/google/pprof
pprof=
if command -v go >/dev/null && [ -d "$src" ]; then
  (cd "$src" && GO111MODULE=off GOFLAGS= GOPATH=/usr/share/gocode GOCACHE=$out/gocache go build -o "$out/pprof" .) &&
    pprof=$out/pprof
fi
[ -n "$pprof" ] || echo "listings_test: google/pprof not buildable (golang-github-google-pprof-dev); checking cpprof alone"

for args in -disasm=Accumulate -disasm=Scramble -disasm=main "-disasm=work:: -intel_syntax" "-disasm=main -sample_index=samples"; do
  read -r -a a <<<"$args"
  "$cpprof" "${a[@]}" "$out/raw.pb.gz" >"$out/cand.txt" 2>"$out/cand.err" || { fail "$args: $(cat "$out/cand.err")"; continue; }
  grep -qE '^ROUTINE =+ ' "$out/cand.txt" && grep -qE '^ +[^ ]+ +[0-9.]+(m?s)? +[0-9a-f]+: ' "$out/cand.txt" ||
    fail "$args: no annotated routine: $(head -5 "$out/cand.txt")"
  [ -n "$pprof" ] || continue
  re=${a[0]#-disasm=}
  [ "$re" = main ] && re='^main$'  # not glibc's __libc_start_call_main
  "$cpprof" "${a[@]}" -show="$re" "$out/raw.pb.gz" >"$out/cand.txt" 2>"$out/cand.err"
  "$pprof" "${a[@]}" -show="$re" "$out/raw.pb.gz" >"$out/pprof.txt" 2>"$out/pprof.err"
  cmp -s "$out/pprof.txt" "$out/cand.txt" ||
    fail "$args -show=$re differs from google/pprof: $(diff "$out/pprof.txt" "$out/cand.txt" | head -8) $(head -3 "$out/pprof.err")"
done

for re in Accumulate work::; do
  "$cpprof" -weblist=$re -output="$out/cand.html" "$out/raw.pb.gz" 2>"$out/cand.err" || fail "-weblist=$re: $(cat "$out/cand.err")"
  grep -q '<span class=livesrc>' "$out/cand.html" || fail "-weblist=$re: no expandable line"
  [ -n "$pprof" ] || continue
  "$cpprof" -weblist=$re -show=$re -output="$out/cand.html" "$out/raw.pb.gz" 2>"$out/cand.err"
  "$pprof" -weblist=$re -show=$re -output="$out/pprof.html" "$out/raw.pb.gz" 2>/dev/null
  # The standalone pprof ends its page with one newline more than go tool pprof (and cpprof).
  sed -i '${/^$/d}' "$out/pprof.html"
  cmp -s "$out/pprof.html" "$out/cand.html" || fail "-weblist=$re differs from google/pprof: $(diff "$out/pprof.html" "$out/cand.html" | head -8)"
done
# Without -output the page opens in the browser, as -web does.
mkdir -p "$out/browsed"
TMPDIR=$out BROWSER="cp -t $out/browsed" "$cpprof" -weblist=Accumulate "$out/raw.pb.gz" 2>/dev/null || fail "-weblist to a browser"
grep -q '<title>Pprof listing</title>' "$out"/browsed/*.html || fail "-weblist: the browser got no page"
"$cpprof" -weblist=main -output="$out/main.html" "$out/raw.pb.gz" 2>/dev/null
grep -q '<h2>main</h2><p class="filename">[^<]*/workload.cc</p>' "$out/main.html" || fail "-weblist=main lacks main"
grep -q '<h2>__libc_start_call_main</h2>' "$out/main.html" || fail "-weblist=main lacks __libc_start_call_main"

# -tools (pprof's binutils SetTools): a directory, or tool:directory, searched
# before $PATH; a copy there of the objdump cpprof prefers (llvm-objdump,
# else GNU's), which logs its calls, must be the one run.
objdump=llvm-objdump
command -v $objdump >/dev/null || objdump=objdump
mkdir -p "$out/tools"
printf '#!/bin/sh\necho "$*" >>"%s/tools.log"\nexec %s "$@"\n' "$out" "$(command -v $objdump)" >"$out/tools/$objdump"
chmod +x "$out/tools/$objdump"
"$cpprof" -disasm=Accumulate "$out/raw.pb.gz" >"$out/plain.txt" 2>/dev/null
for tools in "$out/tools" "objdump:$out/tools"; do  # pprof keys llvm-objdump as objdump too
  rm -f "$out/tools.log"
  "$cpprof" -tools="$tools" -disasm=Accumulate "$out/raw.pb.gz" >"$out/tools.txt" 2>"$out/tools.err" || fail "-tools=$tools: $(cat "$out/tools.err")"
  [ -s "$out/tools.log" ] || fail "-tools=$tools: the objdump there was not run"
  cmp -s "$out/plain.txt" "$out/tools.txt" || fail "-tools=$tools: another listing than without -tools"
done
# Without the flag, $PPROF_TOOLS, as in pprof.
rm -f "$out/tools.log"
PPROF_TOOLS=$out/tools "$cpprof" -disasm=Accumulate "$out/raw.pb.gz" >/dev/null 2>&1 || fail "PPROF_TOOLS: exit status"
[ -s "$out/tools.log" ] || fail "PPROF_TOOLS: the objdump there was not run"

"$cpprof" -disasm=nosuchsymbol "$out/raw.pb.gz" >/dev/null 2>"$out/none.err" && fail "no match: exit 0"
grep -qx "no matches found for regexp: nosuchsymbol" "$out/none.err" || fail "no match: $(cat "$out/none.err")"

[ $fails = 0 ] && echo "listings: all checks passed" && rm -rf "$out"
exit $((fails > 0))
