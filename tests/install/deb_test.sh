#!/usr/bin/env bash
# Tests `make deb` (cmake/install.cmake's CPack settings): the Debian package
# made from the build directory holds the installed layout under /usr, with
# libcpprof's soname link, Depends computed by dpkg-shlibdeps, a shlibs file
# and ldconfig in postinst and postrm. Extracted (installing it would change
# the system), its libcpprof profiles /bin/true under LD_PRELOAD and its
# cpprof reads the profile. cpack builds nothing: it installs the build
# directory's files into a staging directory under this test's own temporary
# directory.
# usage: deb_test.sh BUILD_DIR
set -uo pipefail
build=$1
source "$(dirname "$0")/test_lib.sh"
require cpack dpkg-deb dpkg-shlibdeps
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$build/CMakeCache.txt")
major=${version%%.*}

cpack --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; echo "FAIL: cpack"; exit 1; }
grep -i "warning" "$tmp/cpack.log" && fail "cpack warns"
deb=$(ls "$tmp"/pkg/cpprof_"$version"_*.deb 2>/dev/null)
[ -f "$deb" ] || { cat "$tmp/cpack.log"; echo "FAIL: no cpprof_${version}_<arch>.deb in $(ls "$tmp/pkg")"; exit 1; }

# Contents: everything under /usr; the library in a directory the loader searches.
dpkg-deb -c "$deb" | awk '{print $6 ($7 == "->" ? " -> " $8 : "")}' >"$tmp/contents"
lib=$(sed -n 's|^\./\(usr/lib[^ ]*\)/libcpprof\.so\.[0-9.]*$|\1|p' "$tmp/contents" | head -1)
case $lib in
  usr/lib | usr/lib/"$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)") ;;
  *) fail "libcpprof is in '$lib', not a directory the loader searches" ;;
esac
for want in "./usr/bin/cpprof" "./$lib/libcpprof.so.$version" "./$lib/libcpprof.so.$major -> libcpprof.so.$version" \
    "./$lib/libcpprof.so -> libcpprof.so.$major" "./$lib/libcpprof_http.so" "./usr/include/cpprof/cpprof.h" \
    "./usr/include/cpprof/http.h" "./usr/include/cpprof/trace.h" "./$lib/cmake/cpprof/cpprofConfig.cmake" "./$lib/cmake/cpprof/cpprofConfigVersion.cmake" \
    "./$lib/cmake/cpprof/cpprofTargets.cmake" "./$lib/pkgconfig/cpprof.pc"; do
  grep -qxF "$want" "$tmp/contents" || fail "the package lacks $want"
done
grep -v '/$' "$tmp/contents" | grep -v '^\./usr/' && fail "files outside /usr"

# Control: Depends from dpkg-shlibdeps (libcpprof links libdw and libdeflate,
# libcpprof_http.so cpp-httplib), shlibs for libcpprof, ldconfig run by
# postinst and postrm (CPack's way of updating the loader's cache).
depends=$(dpkg-deb -f "$deb" Depends)
for pkg in libc6 libstdc++6 libdw1 libdeflate0 libcpp-httplib; do
  [[ $depends == *"$pkg"* ]] || fail "Depends lacks $pkg: '$depends'"
done
[[ $depends == *"libc6 (>="* ]] || fail "Depends has no versions (not from dpkg-shlibdeps?): '$depends'"
dpkg-deb -e "$deb" "$tmp/control"
grep -qx "libcpprof $major cpprof (>= $version)" "$tmp/control/shlibs" 2>/dev/null ||
  fail "shlibs: $(cat "$tmp/control/shlibs" 2>&1)"
for script in postinst postrm; do
  grep -qx $'\tldconfig' "$tmp/control/$script" 2>/dev/null || fail "$script does not run ldconfig: $(cat "$tmp/control/$script" 2>&1)"
done

# Extracted: the pkg-config file names /usr, and the library and CLI work.
dpkg-deb -x "$deb" "$tmp/root"
grep -qx "prefix=/usr" "$tmp/root/$lib/pkgconfig/cpprof.pc" || fail "cpprof.pc: $(head -5 "$tmp/root/$lib/pkgconfig/cpprof.pc")"
LD_PRELOAD=$tmp/root/$lib/libcpprof.so CPPROF_CPUPROFILE=$tmp/true.pb.gz /bin/true || fail "/bin/true under LD_PRELOAD"
"$tmp/root/usr/bin/cpprof" -raw "$tmp/true.pb.gz" >"$tmp/true.raw" 2>&1 || fail "packaged cpprof -raw: $(head -3 "$tmp/true.raw")"
grep -q "^PeriodType: cpu nanoseconds" "$tmp/true.raw" || fail "the profile of /bin/true: $(head -5 "$tmp/true.raw")"

echo "Depends: $depends"
echo "deb_test: $fails failure(s)"
[ $fails -eq 0 ]
