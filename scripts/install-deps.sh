#!/usr/bin/env bash
# Installs the Debian packages cpprof needs that are missing, after one `apt-get update`.
# usage: scripts/install-deps.sh [build|test]   (test = build + what the test suite needs)
set -euo pipefail
# libdw-dev/libelf-dev: in-process ELF/DWARF symbolization; libcpp-httplib-dev: /debug/pprof;
# curl: `make demo` fetches a profile from the example server.
build=(build-essential cmake ninja-build pkg-config libdeflate-dev libprotozero-dev libre2-dev libfmt-dev
       libdw-dev libelf-dev libcpp-httplib-dev curl)
# golang-go gives the oracle (`go tool pprof`) and the Go programs that write test profiles;
# golang-github-google-pprof-dev gives Google's profile writer for edge-case and benchmark profiles;
# clang + libclang-rt give libFuzzer.
# google-perftools and libgoogle-perftools-dev give the peer (libprofiler) of the
# runtime overhead benchmark.
testing=(libgtest-dev golang-go golang-github-google-pprof-dev clang libclang-rt-14-dev
         google-perftools libgoogle-perftools-dev)
want=("${build[@]}")
[ "${1:-build}" = test ] && want+=("${testing[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
