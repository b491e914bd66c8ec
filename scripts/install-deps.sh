#!/usr/bin/env bash
# Installs the Debian packages cpprof needs that are missing, after one `apt-get update`.
# usage: scripts/install-deps.sh [build|test]   (test = build + what the test suite needs)
set -euo pipefail
# libdw-dev/libelf-dev: in-process ELF/DWARF symbolization; libcpp-httplib-dev: /debug/pprof and
# fetching URLs; libedit-dev: the interactive shell; curl: `make demo` fetches a profile from the
# example server; libzstd-dev: perf.data files of `perf record -z` (zstd-compressed records).
build=(build-essential cmake ninja-build pkg-config libdeflate-dev libprotozero-dev libre2-dev libfmt-dev
       libdw-dev libelf-dev libcpp-httplib-dev libedit-dev curl libzstd-dev)
# golang-go gives the oracle (`go tool pprof`) and the Go programs that write test profiles;
# golang-github-google-pprof-dev gives Google's profile writer for edge-case and benchmark profiles;
# clang + libclang-rt give libFuzzer; graphviz renders -svg/-png/-pdf (cpprof runs its `dot` at
# run time, so it is only needed by users of those reports and by the render tests);
# util-linux's `script` gives the render test a terminal; chromium, nodejs and npm run the
# web UI's browser tests (Playwright comes from npm); google-perftools and
# libgoogle-perftools-dev give the peers (libprofiler, tcmalloc's HEAPPROFILE) of the runtime
# overhead benchmarks and real gperftools profiles for the legacy-format cases, heaptrack the other
# peer of the heap benchmark; python3 writes the other legacy inputs; libc6-dbg gives a stripped
# library with separate debug files under /usr/lib/debug/.build-id (the symbolization test),
# libstdc++6-12-dbg an unstripped libstdc++ with DWARF (the symbolization benchmark) and
# prometheus the `promtool` that checks /metrics; dpkg-dev (which build-essential brings too) the
# dpkg-shlibdeps that `make deb` and the package test run; linux-perf records the perf.data files
# the perf input tests and the perf benchmark read, and is the peer they compare with (`perf report`);
# python3-jsonschema validates -speedscope's output against speedscope's schema; clang-format
# checks that the tree is formatted as .clang-format says (tests/format_test.sh); protobuf-compiler's
# protoc decodes every execution trace the tests write against Perfetto's schema.
testing=(libgtest-dev golang-go golang-github-google-pprof-dev clang libclang-rt-14-dev graphviz util-linux
         chromium nodejs npm google-perftools libgoogle-perftools-dev heaptrack python3 libc6-dbg
         libstdc++6-12-dbg prometheus dpkg-dev linux-perf
         python3-jsonschema clang-format protobuf-compiler)
want=("${build[@]}")
[ "${1:-build}" = test ] && want+=("${testing[@]}")
missing=()
for p in "${want[@]}"; do
  # A node and npm from elsewhere (e.g. NodeSource's nodejs, which bundles
  # npm and conflicts with Debian's) serve as well.
  case $p in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
