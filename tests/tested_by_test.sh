#!/usr/bin/env bash
# Every "Tested by" comment in src/, include/ and tools/ names files that
# exist (RE2's convention, which cpprof follows, is only worth as much as its
# paths). The sentence runs from "Tested by" to the comment line ending in a
# full stop. A path with a directory is taken from the top of the tree; a
# bare file name (", cpu_profile_test.cc and ...") from the directory of the
# path named before it in the same sentence.
#
# usage: tested_by_test.sh SOURCE_DIR
set -u
cd "${1:?usage: $0 SOURCE_DIR}" || exit 2

grep -rIl --include='*.cc' --include='*.h' "Tested by" src include tools | sort | xargs awk '
function check(text,    path, dir) {
	while (match(text, /[A-Za-z0-9_.\/-]+/)) {
		path = substr(text, RSTART, RLENGTH)
		text = substr(text, RSTART + RLENGTH)
		sub(/[.]+$/, "", path)
		if (path ~ /^(tests|bench|src|tools|include|scripts)\//) {
			dir = path
			if (path ~ /\.[a-z]+$/) sub(/\/[^\/]*$/, "", dir)  # a file, not a directory
		} else if (path ~ /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*\.(cc|h|sh|txt|mjs|py|go)$/) {
			if (last_dir == "") { missing(path " (a bare name with no directory before it)"); continue }
			path = last_dir "/" path
		} else {
			continue
		}
		last_dir = dir
		named++
		if (system("test -e \"" path "\"") != 0) missing(path)
	}
}
function missing(what) {
	printf "%s:%d: \"Tested by\" names %s, which does not exist\n", FILENAME, FNR, what
	bad++
}
FNR == 1 { in_sentence = 0 }
{
	line = $0
	if (!in_sentence) {
		i = index(line, "Tested by")
		if (i == 0) next
		line = substr(line, i + length("Tested by"))
		in_sentence = 1; last_dir = ""
		sentences++
	} else if (line !~ /^[[:space:]]*\/\//) {
		in_sentence = 0; next
	}
	check(line)
	if (line ~ /\.[[:space:]]*$/) in_sentence = 0
}
END {
	printf "tested_by: %d sentences name %d paths; %d missing\n", sentences, named, bad
	exit (bad > 0 || sentences == 0)
}'
