#!/usr/bin/env bash
# Differential test: run every case of cases.txt through `go tool pprof` (the
# oracle) and through a candidate pprof implementation, and require the same
# stdout (byte for byte) and the same exit status (zero / non-zero).
#
# usage: run.sh CANDIDATE [OUTDIR]
#
#   CANDIDATE  path of the candidate binary, or a command with spaces
#              (e.g. "go tool pprof" to check the harness itself).
#   OUTDIR     work directory (default: a fresh temp dir, removed on success).
#              Holds the Go build cache, generated profiles and per-case
#              results: OUTDIR/res/NNNN.{go,cand}.{out,err,rc}.
#
# Environment knobs:
#   COMPAT_ORACLE   oracle command (default: $(go env GOTOOLDIR)/pprof, which
#                   is what `go tool pprof` executes; else "go tool pprof")
#   COMPAT_CORPUS   directory with the shared go.*.pb.gz corpus
#                   (default /work/shared/corpus); cases using go.* profiles
#                   are skipped with a note when the corpus is absent.
#   COMPAT_LEGACY   google/pprof's profile/testdata (legacy formats); cases
#                   using missing legacy.* inputs are skipped the same way.
#   COMPAT_FILTER   only run cases whose line matches this ERE (grep -E).
#   COMPAT_JOBS     parallelism (default 2).
#   COMPAT_SHOW     how many failing cases to print in detail (default 25).
#
# cases.txt syntax (one case per line, '#' comments and blank lines ignored):
#   [TZ=<zone>] [GUNZIP] [!["stderr text"]] <sources> <flags...>
#   <sources>   comma-separated profile names in the profile dir, or '-' for none
#   flags       passed verbatim (split on blanks, no quoting), except that
#               -base=NAME / -diff_base=NAME get NAME resolved to a path.
#   TZ=<zone>   run this case with that TZ (default TZ=UTC).
#   GUNZIP      both stdouts are gzip streams (-proto, -topproto): compare
#               them decompressed, since two gzip encoders differ in bytes.
#   !           error case: both must exit non-zero; stdout is not compared.
#   !"text"     ... and both stderrs must contain text.
#   <<"a;b"     interactive case: the commands a and b (';' separates them)
#               are fed on stdin, one per line, with no report flag given.
#
# Ends with the line "N passed, N failed"; exits 1 if any case failed.

set -u
set -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/hermetic.sh"

# ---------------------------------------------------------------- worker mode
# Invoked through xargs as: run.sh --case N
if [ "${1:-}" = "--case" ]; then
	n=$2
	line=$(cat "$COMPAT_OUT/cases/$n")
	res="$COMPAT_OUT/res/$n"

	tz=UTC
	expect_err=0
	gunzip=0
	err_text=
	stdin=/dev/null
	rest=$line
	while :; do
		if [[ $rest =~ ^TZ=([^[:space:]]+)[[:space:]]+(.*)$ ]]; then
			tz=${BASH_REMATCH[1]}; rest=${BASH_REMATCH[2]}
		elif [[ $rest =~ ^\<\<\"([^\"]*)\"[[:space:]]+(.*)$ ]]; then
			stdin=$res.stdin; rest=${BASH_REMATCH[2]}
			printf '%s\n' "${BASH_REMATCH[1]}" | tr ';' '\n' >"$stdin"
		elif [[ $rest =~ ^GUNZIP[[:space:]]+(.*)$ ]]; then
			gunzip=1; rest=${BASH_REMATCH[1]}
		elif [[ $rest =~ ^\!\"([^\"]*)\"[[:space:]]+(.*)$ ]]; then
			expect_err=1; err_text=${BASH_REMATCH[1]}; rest=${BASH_REMATCH[2]}
		elif [[ $rest =~ ^\![[:space:]]+(.*)$ ]]; then
			expect_err=1; rest=${BASH_REMATCH[1]}
		else
			break
		fi
	done
	read -r -a toks <<<"$rest"
	srcs=()
	if [ "${toks[0]}" != "-" ]; then
		IFS=, read -r -a names <<<"${toks[0]}"
		for s in "${names[@]}"; do srcs+=("$COMPAT_PROF/$s"); done
	fi
	flags=()
	for t in "${toks[@]:1}"; do
		case $t in
		-base=* | --base=* | -diff_base=* | --diff_base=*)
			flags+=("${t%%=*}=$COMPAT_PROF/${t#*=}") ;;
		*) flags+=("$t") ;;
		esac
	done

	read -r -a oracle <<<"$COMPAT_ORACLE"
	if [ -f "$COMPAT_CAND" ]; then cand=("$COMPAT_CAND"); else read -r -a cand <<<"$COMPAT_CAND"; fi

	run() { # tag cmd...
		local tag=$1; shift
		(cd "$COMPAT_OUT/cwd" && TZ=$tz timeout 120 "$@" "${flags[@]}" "${srcs[@]}" \
			<"$stdin" >"$res.$tag.out" 2>"$res.$tag.err")
		echo $? >"$res.$tag.rc"
	}
	run go "${oracle[@]}"
	run cand "${cand[@]}"
	if [ $gunzip = 1 ]; then
		gunzip_in_place "$res.go.out"
		gunzip_in_place "$res.cand.out"
	fi
	grc=$(cat "$res.go.rc"); crc=$(cat "$res.cand.rc")
	z() { if [ "$1" = 0 ]; then echo zero; else echo "non-zero ($1)"; fi; }

	why=
	if [ $expect_err = 1 ]; then
		[ "$grc" != 0 ] || why="oracle exited 0, expected failure (bad case?)"
		[ -n "$why" ] || [ "$crc" != 0 ] || why="candidate exited 0, expected non-zero"
		if [ -z "$why" ] && [ -n "$err_text" ]; then
			grep -qF -- "$err_text" "$res.go.err" || why="oracle stderr lacks '$err_text' (bad case?)"
			[ -n "$why" ] || grep -qF -- "$err_text" "$res.cand.err" || why="candidate stderr lacks '$err_text'"
		fi
	else
		if [ "$(z "$grc")" != "$(z "$crc")" ] && { [ "$grc" = 0 ] || [ "$crc" = 0 ]; }; then
			why="exit status: oracle $(z "$grc"), candidate $(z "$crc")"
		fi
		if ! cmp -s "$res.go.out" "$res.cand.out"; then
			why="${why:+$why; }stdout differs"
		fi
	fi

	if [ -z "$why" ]; then
		echo pass >"$res.status"
	else
		echo fail >"$res.status"
		{
			echo "FAIL [$n] $line"
			echo "  $why"
			if [ -s "$res.cand.err" ] && [ "$crc" != 0 ]; then
				echo "  candidate stderr: $(head -c 300 "$res.cand.err" | head -3 | tr '\n' ' ')"
			fi
			if [ $expect_err = 0 ] && ! cmp -s "$res.go.out" "$res.cand.out"; then
				diff -u --label oracle --label candidate "$res.go.out" "$res.cand.out" | head -15 | sed 's/^/  /'
			fi
		} >"$res.report"
	fi
	exit 0
fi

# ---------------------------------------------------------------- main mode
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then
	echo "usage: $0 CANDIDATE [OUTDIR]" >&2
	exit 2
fi
CAND=$1

# The oracle (and the generators) need Go; without it the test is skipped
# (exit 77, usable as ctest SKIP_RETURN_CODE).
if ! command -v go >/dev/null 2>&1; then
	echo "compat: go not found; skipping"
	echo "0 passed, 0 failed"
	exit 77
fi

# Candidate must be runnable.
read -r -a _c <<<"$CAND"
if ! [ -f "$CAND" ] && ! command -v "${_c[0]}" >/dev/null 2>&1; then
	echo "compat: candidate '$CAND' not found" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
if [ -f "$CAND" ]; then CAND=$(cd "$(dirname "$CAND")" && pwd)/$(basename "$CAND"); fi

if [ $# = 2 ]; then
	OUT=$2; CLEANUP=0
else
	OUT=$(mktemp -d "${TMPDIR:-/tmp}/cpprof-compat.XXXXXX"); CLEANUP=1
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

[ -n "${COMPAT_ORACLE:-}" ] || COMPAT_ORACLE=$(pprof_oracle)
CORPUS=${COMPAT_CORPUS:-/work/shared/corpus}
JOBS=${COMPAT_JOBS:-2}
SHOW=${COMPAT_SHOW:-25}
PROF=$OUT/profiles

# Hermetic environment for both tools.
hermetic_env "$OUT"
rm -rf "$OUT/cwd" "$OUT/res" "$OUT/cases" "$PROF"
mkdir -p "$OUT/cwd" "$OUT/res" "$OUT/cases" "$PROF" "$OUT/bin"

# ---- build generators (Go build cache kept in OUTDIR) and generate profiles
t0=$(date +%s)
gobuild() { # output-name package-dir [GOPATH]
	(cd "$2" && env GO111MODULE=off GOFLAGS= GOPATH="${3:-$OUT/gopath}" GOCACHE="$OUT/gocache" \
		go build -o "$OUT/bin/$1" .) || { echo "compat: building $2 failed" >&2; exit 1; }
}
for g in cpu mem sync; do gobuild "gen-$g" "$HERE/gen/$g"; done
gobuild edge "$HERE/edge" /usr/share/gocode
"$OUT/bin/edge" "$PROF" || { echo "compat: edge generator failed" >&2; exit 1; }
# The three runtime generators are independent; mem and sync run while cpu
# (1.2 s of profiling on 2 threads) finishes.
"$OUT/bin/gen-cpu" "$PROF" & p1=$!
"$OUT/bin/gen-mem" "$PROF" && "$OUT/bin/gen-sync" "$PROF" || { echo "compat: generator failed" >&2; exit 1; }
wait $p1 || { echo "compat: cpu generator failed" >&2; exit 1; }
rm -f "$OUT/bin/gen-"* # mapping[0] of the generated profiles names these; keep pprof from opening them

# ---- corpus and deliberately broken inputs
if [ -d "$CORPUS" ]; then
	for f in "$CORPUS"/*.pb.gz; do [ -e "$f" ] && cp "$f" "$PROF/"; done
fi
: >"$PROF/bad.empty.pb.gz"
printf 'this is not a profile\n\x00\x01\x02 garbage \xff\xfe\n' >"$PROF/bad.garbage.pb.gz"
# Legacy formats: google/pprof's profile/testdata (Debian's
# golang-github-google-pprof-dev) as legacy.<name>, inputs made here for
# the rules that testdata leaves out, and Go debug=1 texts written by Go 1.19.
LEGACY=${COMPAT_LEGACY:-/usr/share/gocode/src/github.com/google/pprof/profile/testdata}
for f in "$LEGACY"/*; do
	case $f in *.string) ;; *) [ -f "$f" ] && cp "$f" "$PROF/legacy.$(basename "$f")" ;; esac
done
cp "$HERE"/legacy/legacy.* "$PROF/"
command -v python3 >/dev/null && python3 "$HERE/legacy/make_inputs.py" "$PROF"
# Real gperftools profiles, when its library is installed.
if command -v g++ >/dev/null && g++ -O2 -o "$OUT/bin/gperftools_prog" "$HERE/legacy/gperftools_prog.cc" \
	-ltcmalloc_and_profiler 2>/dev/null; then
	(cd "$OUT/bin" && ./gperftools_prog "$PROF/legacy.gperftools.cpu" gp >/dev/null 2>&1) &&
		mv "$OUT/bin/gp.0001.heap" "$PROF/legacy.gperftools.heap"
	rm -f "$OUT/bin/gperftools_prog" "$OUT/bin"/gp.*.heap
fi
sz=$(wc -c <"$PROF/edge.cpp.pb.gz")
head -c $((sz / 2)) "$PROF/edge.cpp.pb.gz" >"$PROF/bad.truncated.pb.gz"
t1=$(date +%s)

# ---- collect cases
n=0; skipped=0
while IFS= read -r raw || [ -n "$raw" ]; do
	line=$raw
	[[ $line =~ ^[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]] && line=${BASH_REMATCH[1]} || line=
	[[ $line == '#'* ]] && continue  # comment line
	line=${line%%[[:space:]]#*}      # trailing " # comment"
	line=${line%"${line##*[![:space:]]}"}
	[ -n "$line" ] || continue
	if [ -n "${COMPAT_FILTER:-}" ] && ! [[ $line =~ $COMPAT_FILTER ]]; then continue; fi
	# Skip cases that use corpus profiles (go.*) when the corpus is absent.
	rest=$line
	[[ $rest =~ ^TZ=[^[:space:]]+[[:space:]]+(.*)$ ]] && rest=${BASH_REMATCH[1]}
	[[ $rest =~ ^GUNZIP[[:space:]]+(.*)$ ]] && rest=${BASH_REMATCH[1]}
	if [[ $rest != '!'* ]]; then
		read -r -a tk <<<"$rest"
		IFS=, read -r -a need <<<"${tk[0]}"
		for t in "${tk[@]:1}"; do
			case $t in -base=* | --base=* | -diff_base=* | --diff_base=*) need+=("${t#*=}") ;; esac
		done
		missing=0
		for s in "${need[@]}"; do [[ $s != go.* && $s != legacy.* ]] || [ -e "$PROF/$s" ] || missing=1; done
		if [ $missing = 1 ]; then skipped=$((skipped + 1)); continue; fi
	fi

	n=$((n + 1))
	printf '%s\n' "$line" >"$OUT/cases/$(printf %04d $n)"
done <"$HERE/cases.txt"

echo "compat: oracle: $COMPAT_ORACLE"
echo "compat: candidate: $CAND"
echo "compat: $n cases, profiles in $PROF (generated in $((t1 - t0))s)"
[ $skipped = 0 ] || echo "compat: NOTE: $skipped cases skipped (profiles missing; corpus dir $CORPUS)"

# ---- run
export COMPAT_OUT=$OUT COMPAT_PROF=$PROF COMPAT_ORACLE COMPAT_CAND=$CAND
ls "$OUT/cases" | xargs -P "$JOBS" -n 1 "$HERE/run.sh" --case
t2=$(date +%s)

# ---- report
passed=0; failed=0; gozero=0; shown=0
: >"$OUT/failures.txt"
for c in "$OUT/cases"/*; do
	id=$(basename "$c")
	[ "$(cat "$OUT/res/$id.go.rc" 2>/dev/null)" = 0 ] && gozero=$((gozero + 1))
	if [ "$(cat "$OUT/res/$id.status" 2>/dev/null)" = pass ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		[ -f "$OUT/res/$id.report" ] || echo "FAIL [$id] $(cat "$c")  (no result: worker crashed)" >"$OUT/res/$id.report"
		cat "$OUT/res/$id.report" >>"$OUT/failures.txt"
		if [ $shown -lt "$SHOW" ]; then cat "$OUT/res/$id.report"; shown=$((shown + 1)); fi
	fi
done
[ $failed -le "$SHOW" ] || echo "... $((failed - SHOW)) more failing cases not shown; all in $OUT/failures.txt"
echo "compat: oracle exited 0 in $gozero of $n cases; run took $((t2 - t1))s"
if [ $failed = 0 ] && [ $CLEANUP = 1 ]; then rm -rf "$OUT"; fi
echo "$passed passed, $failed failed"
[ $failed = 0 ] && [ $n -gt 0 ]
