#!/usr/bin/env bash
# Tests src/runtime/preload.cc: LD_PRELOAD=libcpprof.so with the environment
# variables on a program that knows nothing of cpprof (bench/cpu_workload),
# behind launchers (timeout, env, sh -c) and under a program that fork+execs
# it (the child writes <path>.<pid>), on a GoogleTest binary (the analog of `go test -cpuprofile`), CPPROF_HTTP, and
# CPPROF_HEAPPROFILE with CPPROF_MEMPROFILE_RATE (malloc interposed by preload).
# usage: preload_test.sh LIBCPPROF CPU_WORKLOAD CPPROF GTEST_BINARY
set -uo pipefail
lib=$(realpath "$1") workload=$(realpath "$2") cpprof=$3 gtest=$4
command -v curl >/dev/null || { echo "curl missing (scripts/install-deps.sh test)"; exit 77; }
command -v go >/dev/null || { echo "go missing (scripts/install-deps.sh test)"; exit 77; }
pprof="$(go env GOTOOLDIR)/pprof"
[ -x "$pprof" ] || pprof="go tool pprof"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
both_read() {  # file, text that -top must show
  "$cpprof" -top "$1" >"$1.cpprof" 2>&1 || fail "cpprof cannot read $1: $(head -1 "$1.cpprof")"
  $pprof -top "$1" >"$1.go" 2>&1 || fail "go tool pprof cannot read $1: $(head -1 "$1.go")"
  grep -qF "$2" "$1.cpprof" || fail "$1: cpprof -top lacks $2"
  grep -qF "$2" "$1.go" || fail "$1: go tool pprof -top lacks $2"
}

# What libcpprof exports: its API and the functions it interposes, nothing
# that a host's own libraries could bind to by accident (std:: templates,
# etext; see src/runtime/exports.map).
extra=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^_ZNK\?6cpprof' | grep -vxE \
  'malloc|free|calloc|realloc|reallocarray|memalign|posix_memalign|aligned_alloc|valloc|pvalloc|malloc_usable_size|pthread_create|pthread_setname_np|prctl|pthread_(mutex|rwlock)_(lock|rdlock|wrlock|unlock)|pthread_cond_(wait|timedwait|clockwait)|dlclose|__(de)?register_frame|recv(from|msg)?|send(to|msg)?|accept4?|connect|p?poll|epoll_p?wait|p?select|(p?read|p?write)(64)?|readv|writev|fsync|fdatasync|open(at)?(64)?|waitpid|wait4|(clock_)?nanosleep|u?sleep|pthread_join|sem_(wait|timedwait|clockwait)|__(read|recv|recvfrom|pread|pread64|poll|ppoll)_chk|__open(at)?(64)?_2')
[ -z "$extra" ] || fail "libcpprof exports more than its API and interposed functions: $(echo $extra)"

CPPROF_CPUPROFILE=$tmp/w.pb.gz CPPROF_CPUPROFILE_HZ=500 LD_PRELOAD=$lib "$workload" 2 300 >/dev/null ||
  fail "workload under LD_PRELOAD exited with $?"
both_read "$tmp/w.pb.gz" HashBlock
$pprof -raw "$tmp/w.pb.gz" 2>/dev/null | grep -q "^Period: 2000000$" || fail "CPPROF_CPUPROFILE_HZ=500 not applied"

# Launchers (src/runtime/preload.cc): the program behind timeout, env and
# sh -c gets the path, silently; a launcher writes nothing.
for launcher in "timeout 60" env "sh -c"; do
  name=${launcher%% *}
  rm -f "$tmp"/l.pb.gz*
  if [ "$name" = sh ]; then
    CPPROF_CPUPROFILE=$tmp/l.pb.gz LD_PRELOAD=$lib sh -c "'$workload' 1 200 >/dev/null; true" 2>"$tmp/l.err"
  else
    CPPROF_CPUPROFILE=$tmp/l.pb.gz LD_PRELOAD=$lib $launcher "$workload" 1 200 >/dev/null 2>"$tmp/l.err"
  fi
  both_read "$tmp/l.pb.gz" HashBlock
  ! ls "$tmp"/l.pb.gz.[0-9]* 2>/dev/null || fail "$name: a launcher's child wrote its own profile"
  [ ! -s "$tmp/l.err" ] || fail "$name: stderr: $(cat "$tmp/l.err")"
done

# A program that is not a launcher (find) owns the path; the child it
# fork+execs writes path.<pid> and says so in one line.
CPPROF_CPUPROFILE=$tmp/find.pb.gz LD_PRELOAD=$lib find /dev/null -maxdepth 0 -exec "$workload" 1 200 \; \
  >/dev/null 2>"$tmp/find.err"
child=$(ls "$tmp"/find.pb.gz.* 2>/dev/null | head -1)
[ -e "$tmp/find.pb.gz" ] || fail "find's own profile was not created"
[ -n "$child" ] && both_read "$child" HashBlock || fail "no child profile find.pb.gz.<pid>"
[[ $(cat "$tmp/find.err") =~ ^cpprof:\ CPPROF_CPUPROFILE:\ $tmp/find\.pb\.gz\ belongs\ to\ pid\ [0-9]+\;\ pid\ ([0-9]+),\ its\ descendant,\ writes\ $tmp/find\.pb\.gz\.([0-9]+)$ &&
   ${BASH_REMATCH[1]} = "${BASH_REMATCH[2]}" && $child = "$tmp/find.pb.gz.${BASH_REMATCH[1]}" ]] ||
  fail "the child's line: $(cat "$tmp/find.err")"

# A GoogleTest binary.
CPPROF_CPUPROFILE=$tmp/gtest.pb.gz LD_PRELOAD=$lib "$gtest" --gtest_filter='QueryTest.*' >/dev/null ||
  fail "gtest binary under LD_PRELOAD failed"
"$cpprof" -raw "$tmp/gtest.pb.gz" >/dev/null 2>&1 || fail "gtest profile unreadable by cpprof"
$pprof -raw "$tmp/gtest.pb.gz" >/dev/null 2>&1 || fail "gtest profile unreadable by go tool pprof"

# Only a program that serves loads libcpprof_http.so, and with it cpp-httplib
# and the TLS and compression libraries Debian links it with.
maps=$(LD_PRELOAD=$lib cat /proc/self/maps)
[[ $maps == *libcpprof.so* && $maps != *libcpprof_http* && $maps != *libcpp-httplib* && $maps != *libssl* ]] ||
  fail "a preloaded program that does not serve maps: $(echo "$maps" | grep -o '[^/]*\(http\|ssl\)[^/]*\.so[.0-9]*' | sort -u | tr '\n' ' ')"

# CPPROF_HTTP: the endpoints of a preloaded program behind a launcher,
# preloaded by a relative path (libcpprof_http.so is found beside it all the
# same); port 0 takes a free port, said on stderr.
coproc SRV { cd "$(dirname "$lib")" && CPPROF_HTTP=127.0.0.1:0 LD_PRELOAD=./$(basename "$lib") \
  exec timeout 120 "$workload" 1 1000000000 2>&1 >/dev/null; }
pid=$SRV_PID
read -r line <&"${SRV[0]}"
[[ $line =~ ^cpprof:\ CPPROF_HTTP:\ serving\ http://127\.0\.0\.1:([0-9]+)/debug/pprof/$ ]] ||
  fail "CPPROF_HTTP=127.0.0.1:0: $line"
port=${BASH_REMATCH[1]:-0}
curl -sf -o "$tmp/g.txt" "http://127.0.0.1:$port/debug/pprof/goroutine?debug=1" || fail "CPPROF_HTTP: no answer"
server=$(pgrep -P "$pid" -x "$(basename "$workload")")
grep -q libcpprof_http "/proc/$server/maps" 2>/dev/null || fail "CPPROF_HTTP: libcpprof_http.so not loaded by the server"
grep -q libcpprof_http "/proc/$pid/maps" 2>/dev/null && fail "CPPROF_HTTP: timeout serves"
grep -q "goroutine profile: total" "$tmp/g.txt" 2>/dev/null || fail "CPPROF_HTTP: no goroutine profile"
grep -q "HashBlock\|HashChain" "$tmp/g.txt" 2>/dev/null || fail "CPPROF_HTTP: workload stacks missing"
kill $pid 2>/dev/null; wait $pid 2>/dev/null

# Children of a serving program do not fight for its port; each says so.
CPPROF_HTTP=127.0.0.1:0 LD_PRELOAD=$lib find /dev/null -maxdepth 0 -exec "$workload" 1 10 \; >/dev/null 2>"$tmp/http_child.err" ||
  fail "find with CPPROF_HTTP failed"
[[ $(sed -n 2p "$tmp/http_child.err") =~ ^cpprof:\ CPPROF_HTTP:\ served\ by\ pid\ [0-9]+\;\ pid\ [0-9]+,\ its\ descendant,\ does\ not\ serve$ &&
   $(wc -l <"$tmp/http_child.err") = 2 ]] || fail "CPPROF_HTTP child: $(cat "$tmp/http_child.err")"

# Heap profiling of an unmodified program, every allocation at rate 1: its
# 64 KiB blocks, freed before exit, are in the allocation counts.
CPPROF_HEAPPROFILE=$tmp/heap.pb.gz CPPROF_MEMPROFILE_RATE=1 LD_PRELOAD=$lib "$workload" 2 20 >/dev/null ||
  fail "workload with CPPROF_HEAPPROFILE exited with $?"
"$cpprof" -sample_index=alloc_space -top "$tmp/heap.pb.gz" 2>&1 | grep -q "Work" || fail "CPPROF_HEAPPROFILE: cpprof lacks Work"
$pprof -sample_index=alloc_space -top "$tmp/heap.pb.gz" 2>&1 | grep -q "Work" || fail "CPPROF_HEAPPROFILE: go tool pprof lacks Work"
$pprof -raw "$tmp/heap.pb.gz" 2>/dev/null | grep -q "^Period: 1$" || fail "CPPROF_MEMPROFILE_RATE=1 not applied"

# libcpprof.so copied without libcpprof_http.so: one line on stderr for
# CPPROF_HTTP, and the program still runs.
mkdir "$tmp/alone" && cp "$lib" "$tmp/alone/"
out=$(CPPROF_HTTP=127.0.0.1:0 LD_PRELOAD=$tmp/alone/$(basename "$lib") "$workload" 1 10 2>&1)
[[ $out == *"cpprof: CPPROF_HTTP: ServeDebug: $tmp/alone/libcpprof_http.so: cannot open shared object file"* && $out == *wall* ]] ||
  fail "libcpprof.so alone with CPPROF_HTTP: $out"

# A bad variable is one line on stderr, and the program still runs.
out=$(CPPROF_CPUPROFILE=/nonexistent-dir/x.pb.gz LD_PRELOAD=$lib "$workload" 1 10 2>&1)
[[ $out == *"cpprof: CPPROF_CPUPROFILE: open /nonexistent-dir/x.pb.gz"* && $out == *wall* ]] || fail "bad path: $out"

echo "preload_test: $fails failure(s)"
[ $fails -eq 0 ]
