#!/usr/bin/env bash
# Rendered graph reports: -svg parses as XML with the nodes of the -dot text
# and pprof's pan/zoom viewport, -png/-pdf/-gif/-ps have valid headers and
# sane sizes, a 20 KiB function name renders (pprof issue #809), binary
# output to a terminal goes to profileNNN.<ext>, a missing graphviz is one
# clear line, and -web/-kcachegrind/-evince say where the file is without a
# viewer.
# usage: render_test.sh CPPROF   (exit 77 = skipped: graphviz not installed)
set -u
cpprof=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
prof=$here/../testdata/cpu.pb.gz
long=$here/testdata/longname.pb.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
pass=0 fail=0
check() { # name command...
  if "${@:2}"; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi
}

# Without graphviz: one line that says to install it, non-zero exit.
mkdir nodot
no_dot() {
  ! PATH=$work/nodot "$cpprof" -svg "$prof" >out.svg 2>err.txt && [ "$(wc -l <err.txt)" = 1 ] &&
    grep -q "install graphviz" err.txt
}
check "missing graphviz is one clear line" no_dot

if ! command -v dot >/dev/null; then
  echo "graphviz not installed; rendering checks skipped ($pass passed)"
  exit 77
fi

"$cpprof" -dot "$prof" >graph.dot 2>/dev/null
"$cpprof" -svg "$prof" >graph.svg 2>/dev/null
svg_ok() {
  python3 - graph.dot graph.svg <<'PY'
import re, sys, xml.etree.ElementTree as ET
dot = open(sys.argv[1]).read()
want = set(re.findall(r'id="(node\d+)"', dot))
root = ET.parse(sys.argv[2]).getroot()
ids = {e.get("id") for e in root.iter()}
assert want and want <= ids, f"missing node ids: {sorted(want - ids)[:5]}"
assert "viewport" in ids, "no pan/zoom viewport"
assert root.get("width") == "100%", "svg not resized to the window"
PY
}
check "svg parses as XML with every node id and the viewport" svg_ok

png_ok() { # file: PNG signature, IHDR width and height within 100..40000
  python3 - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert 100 <= w <= 40000 and 50 <= h <= 40000, (w, h)
PY
}
"$cpprof" -png "$prof" >graph.png 2>/dev/null
check "png header and size" png_ok graph.png
pdf_ok() {
  python3 - graph.pdf <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
assert b.startswith(b"%PDF-"), "not a PDF"
box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", b)
assert box, "no MediaBox"
w, h = float(box.group(3)), float(box.group(4))
assert 50 <= w <= 20000 and 50 <= h <= 20000, (w, h)
PY
}
"$cpprof" -pdf "$prof" >graph.pdf 2>/dev/null
check "pdf header and page size" pdf_ok
"$cpprof" -gif "$prof" >graph.gif 2>/dev/null
check "gif header" grep -q '^GIF8' graph.gif
"$cpprof" -ps "$prof" >graph.ps 2>/dev/null
check "ps header" grep -q '^%!PS' graph.ps

long_ok() {
  "$cpprof" -svg "$long" >long.svg 2>long.err && python3 -c "import xml.etree.ElementTree as E; E.parse('long.svg')" &&
    "$cpprof" -png "$long" >long.png 2>/dev/null && png_ok long.png
}
check "a 20 KiB function name renders" long_ok

# A terminal never gets binary data: pprof's profileNNN.<ext>.
tty_ok() {
  script -qec "$cpprof -svg $prof" /dev/null >tty.txt 2>&1 &&
    grep -q "Generating report in profile001.svg" tty.txt && [ -s profile001.svg ]
}
check "svg to a terminal goes to profile001.svg" tty_ok

# No browser and no kcachegrind: the file's path is printed.
web_ok() {
  env -u DISPLAY -u WAYLAND_DISPLAY -u BROWSER TMPDIR="$work" "$cpprof" -web "$prof" 2>web.txt &&
    f=$(grep -o "$work/cpprof[0-9]*\.svg" web.txt) && [ -s "$f" ]
}
check "-web without a browser prints the svg path" web_ok
browser_ok() {
  BROWSER="touch $work/opened" TMPDIR="$work" "$cpprof" -web "$prof" 2>/dev/null && ls "$work"/opened >/dev/null
}
check "-web opens \$BROWSER" browser_ok
kcg_ok() {
  PATH=$work/nodot TMPDIR="$work" "$cpprof" -kcachegrind "$prof" 2>kcg.txt &&
    f=$(grep -o "$work/cpprof[0-9]*\.grind" kcg.txt) && grep -q '^events:' "$f"
}
check "-kcachegrind without kcachegrind prints the file" kcg_ok
mkdir onlydot && ln -s "$(command -v dot)" onlydot/dot
evince_ok() {
  PATH=$work/onlydot TMPDIR="$work" "$cpprof" -evince "$prof" 2>evince.txt &&
    f=$(grep -o "$work/cpprof[0-9]*\.pdf" evince.txt) && head -c 5 "$f" | grep -q '%PDF-'
}
check "-evince without evince prints the pdf" evince_ok

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
