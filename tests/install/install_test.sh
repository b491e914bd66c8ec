#!/usr/bin/env bash
# Tests cmake/install.cmake: `cmake --install` into a temporary prefix gives
# the layout it promises and nothing else; the versioned libcpprof has its
# soname; a program built against the installed tree through
# find_package(cpprof CONFIG) and another through pkg-config both write a CPU
# profile that cpprof reads, and both load libcpprof_http.so from the
# installed lib directory (ServeDebug). Builds two small programs and nothing
# of cpprof; writes nothing in the build directory but cmake's
# install_manifest.txt.
# usage: install_test.sh BUILD_DIR CPPROF
set -uo pipefail
build=$1 cpprof=$2
source "$(dirname "$0")/test_lib.sh"
require cmake pkg-config readelf c++
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
version=$(cache CMAKE_PROJECT_VERSION) libdir=$(cache CMAKE_INSTALL_LIBDIR) src=$(cache cpprof_SOURCE_DIR)
[ -n "$version" ] && [ -n "$libdir" ] || { echo "FAIL: no version or libdir in $build/CMakeCache.txt"; exit 1; }
major=${version%%.*}
prefix=$tmp/prefix lib=$tmp/prefix/$libdir

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; exit 1; }

# The layout, exactly: no tests, examples, benchmark programs or static libraries.
(cd "$prefix" && find . -mindepth 1 \( -type f -o -type l \) | sed 's|^\./||' | sort) >"$tmp/found"
sort >"$tmp/expected" <<LIST
bin/cpprof
include/cpprof/cpprof.h
include/cpprof/http.h
include/cpprof/trace.h
$libdir/cmake/cpprof/cpprofConfig.cmake
$libdir/cmake/cpprof/cpprofConfigVersion.cmake
$libdir/cmake/cpprof/cpprofTargets-release.cmake
$libdir/cmake/cpprof/cpprofTargets.cmake
$libdir/libcpprof.so
$libdir/libcpprof.so.$major
$libdir/libcpprof.so.$version
$libdir/libcpprof_http.so
$libdir/pkgconfig/cpprof.pc
LIST
diff -u "$tmp/expected" "$tmp/found" >"$tmp/layout.diff" || fail "installed files differ from the layout: $(cat "$tmp/layout.diff")"
[ "$(readlink "$lib/libcpprof.so")" = "libcpprof.so.$major" ] || fail "libcpprof.so -> $(readlink "$lib/libcpprof.so")"
[ "$(readlink "$lib/libcpprof.so.$major")" = "libcpprof.so.$version" ] || fail "libcpprof.so.$major -> $(readlink "$lib/libcpprof.so.$major")"
readelf -d "$lib/libcpprof.so.$version" | grep -q "(SONAME).*\[libcpprof.so.$major\]" ||
  fail "soname: $(readelf -d "$lib/libcpprof.so.$version" | grep SONAME)"
readelf -d "$lib/libcpprof_http.so" | grep -q "(NEEDED).*\[libcpprof.so.$major\]" || fail "libcpprof_http.so does not need libcpprof.so.$major"
# Nothing installed points back into the build or source tree (build RPATHs, include directories).
for f in "$prefix/bin/cpprof" "$lib"/libcpprof*.so*; do
  ! readelf -d "$f" | grep -q 'R.*PATH' || fail "$f keeps an RPATH: $(readelf -d "$f" | grep 'R.*PATH')"
done
! grep -rlF -e "$build" -e "$src" "$lib/cmake" "$lib/pkgconfig" >"$tmp/leaks" ||
  fail "package files naming the build or source tree: $(cat "$tmp/leaks")"

# A consumer through find_package, in a CMake project of its own. Another
# major version is refused (the version file's SameMajorVersion).
mkdir -p "$tmp/cmake_consumer"
cp "$(dirname "$0")/consumer.cc" "$tmp/"
cat >"$tmp/cmake_consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(consumer CXX)
find_package(cpprof $((major + 1)) CONFIG QUIET)
if(cpprof_FOUND)
  message(FATAL_ERROR "find_package(cpprof $((major + 1))) accepted cpprof \${cpprof_VERSION}")
endif()
find_package(cpprof $version CONFIG REQUIRED)
add_executable(consumer $tmp/consumer.cc)
target_link_libraries(consumer PRIVATE cpprof::cpprof)
CMAKE
generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
if cmake -S "$tmp/cmake_consumer" -B "$tmp/cmake_build" "${generator[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
     -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" >"$tmp/cmake_consumer.log" 2>&1 &&
   cmake --build "$tmp/cmake_build" >>"$tmp/cmake_consumer.log" 2>&1; then
  grep -q "cpprof_DIR:PATH=$lib/cmake/cpprof$" "$tmp/cmake_build/CMakeCache.txt" ||
    fail "find_package found $(grep cpprof_DIR "$tmp/cmake_build/CMakeCache.txt")"
else
  fail "find_package consumer: $(tail -20 "$tmp/cmake_consumer.log")"
fi

# A consumer through pkg-config.
export PKG_CONFIG_PATH=$lib/pkgconfig
[ "$(pkg-config --modversion cpprof)" = "$version" ] || fail "pkg-config --modversion cpprof: $(pkg-config --modversion cpprof 2>&1)"
flags=$(pkg-config --cflags --libs cpprof) || fail "pkg-config --cflags --libs cpprof"
[[ " $flags " == *" -I$prefix/include "* && " $flags " == *" -L$lib "* && " $flags " == *" -lcpprof "* ]] ||
  fail "pkg-config flags: $flags"
c++ -O2 -Wall -Wextra -Werror -o "$tmp/pc_consumer" "$tmp/consumer.cc" $flags -Wl,-rpath,"$lib" 2>"$tmp/pc_consumer.log" ||
  fail "pkg-config consumer: $(cat "$tmp/pc_consumer.log")"

# Both run on the installed libcpprof, which finds the installed libcpprof_http.so.
for name in cmake pkgconfig; do
  consumer=$tmp/cmake_build/consumer
  [ $name = pkgconfig ] && consumer=$tmp/pc_consumer
  [ -x "$consumer" ] || continue  # its build failed above
  "$consumer" "$tmp/$name.pb.gz" >"$tmp/$name.maps" 2>"$tmp/$name.err" || { fail "$name: $(cat "$tmp/$name.err")"; continue; }
  printf '%s\n' "$lib/libcpprof.so.$version" "$lib/libcpprof_http.so" | diff - "$tmp/$name.maps" >/dev/null ||
    fail "$name mapped $(cat "$tmp/$name.maps" | tr '\n' ' ') instead of the installed libcpprof.so.$version and libcpprof_http.so"
  "$cpprof" -top "$tmp/$name.pb.gz" >"$tmp/$name.top" 2>&1 || fail "cpprof -top $name.pb.gz: $(head -3 "$tmp/$name.top")"
  grep -q SpinInConsumer "$tmp/$name.top" || fail "$name.pb.gz: -top lacks SpinInConsumer: $(head -12 "$tmp/$name.top")"
done

echo "install_test: $fails failure(s)"
[ $fails -eq 0 ]
