#!/usr/bin/env bash
# Golden reports: every row of cases.txt run through cpprof and compared byte
# for byte with tests/testdata/golden/NAME, which holds go tool pprof's
# output for the same flags (pprof's internal/driver/driver_test.go does the
# same with its testdata/pprof.* files). Needs no Go: the goldens are files.
#
# usage: run.sh CPPROF WORKDIR
#   CPPROF_UPDATE_GOLDEN=1 run.sh CPPROF WORKDIR
#       rewrites every golden from go tool pprof (run twice: a row whose
#       output differs between the runs is an error, as pprof's order among
#       tied nodes is Go's map order), then compares cpprof with them.
#   GOLDEN_FILTER=<ERE>  only the rows whose line matches.
#
# A row fails when cpprof's output differs from the golden (the diff is
# printed) or cpprof exits non-zero. The compat suite (tests/compat/) stays
# the live check against go tool pprof over many more cases.

set -u
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../compat/hermetic.sh"
testdata=$here/../testdata
golden=$testdata/golden

if [ $# != 2 ]; then
	echo "usage: $0 CPPROF WORKDIR" >&2
	exit 2
fi
cpprof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
mkdir -p "$work"
work=$(cd "$work" && pwd)
hermetic_env "$work"

update=${CPPROF_UPDATE_GOLDEN:-0}
if [ "$update" = 1 ]; then
	command -v go >/dev/null || { echo "golden: CPPROF_UPDATE_GOLDEN=1 needs go tool pprof" >&2; exit 2; }
	read -r -a oracle <<<"$(pprof_oracle)"
fi

# run OUT GUNZIP CMD... : one report, from tests/testdata so that relative
# -base paths resolve, stdin closed; the exit status is the command's.
run() {
	local out=$1 gunzip=$2 rc
	shift 2
	(cd "$testdata" && "$@" </dev/null >"$out" 2>"$out.err")
	rc=$?
	[ "$gunzip" = 0 ] || gunzip_in_place "$out"
	return $rc
}

rows=0 failed=0
declare -A seen
while IFS= read -r line || [ -n "$line" ]; do
	[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
	if [ -n "${GOLDEN_FILTER:-}" ] && ! [[ $line =~ $GOLDEN_FILTER ]]; then continue; fi
	read -r -a toks <<<"$line"
	name=${toks[0]}
	gunzip=0
	rest=("${toks[@]:1}")
	if [ "${rest[0]}" = GUNZIP ]; then gunzip=1; rest=("${rest[@]:1}"); fi
	IFS=, read -r -a srcs <<<"${rest[0]}"
	flags=("${rest[@]:1}")
	if [ -n "${seen[$name]:-}" ]; then
		echo "FAIL $name: the name of two rows" >&2
		failed=$((failed + 1))
		continue
	fi
	seen[$name]=1
	rows=$((rows + 1))

	if [ "$update" = 1 ]; then
		if ! run "$work/$name.go1" $gunzip "${oracle[@]}" "${flags[@]}" "${srcs[@]}" ||
			! run "$work/$name.go2" $gunzip "${oracle[@]}" "${flags[@]}" "${srcs[@]}"; then
			echo "FAIL $name: go tool pprof failed: $(head -c 300 "$work/$name.go1.err")"
			failed=$((failed + 1))
			continue
		fi
		if ! cmp -s "$work/$name.go1" "$work/$name.go2"; then
			echo "FAIL $name: go tool pprof's output differs between two runs; leave the row out"
			failed=$((failed + 1))
			continue
		fi
		cp "$work/$name.go1" "$golden/$name"
	fi
	if [ ! -f "$golden/$name" ]; then
		echo "FAIL $name: no golden file (run with CPPROF_UPDATE_GOLDEN=1)"
		failed=$((failed + 1))
		continue
	fi
	if ! run "$work/$name.out" $gunzip "$cpprof" "${flags[@]}" "${srcs[@]}"; then
		echo "FAIL $name: cpprof exited non-zero: $(head -c 300 "$work/$name.out.err")"
		failed=$((failed + 1))
	elif ! cmp -s "$golden/$name" "$work/$name.out"; then
		echo "FAIL $name: ${rest[*]}"
		diff -u --label "golden/$name" --label cpprof "$golden/$name" "$work/$name.out" | head -40 | sed 's/^/  /'
		failed=$((failed + 1))
	fi
done <"$here/cases.txt"

echo "golden: $((rows - failed)) of $rows rows match"
[ $failed = 0 ] && [ $rows -gt 0 ]
