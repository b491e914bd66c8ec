#!/usr/bin/env bash
# The tracer end to end, on known answers: trace_workload traces itself while
# its threads sleep, wait on a socket, share one CPU and contend for a mutex
# (see trace_workload.cc), and `cpprof trace` must tell each wait's kind and
# length:
#   sleeper    sleep   ~1 s     (10 x 100 ms)
#   receiver   network ~300 ms  (recv until the peer sends)
#   spinner-a, spinner-b  sched ~0.5 s each: both runnable on one CPU for 1 s
#              (with perf context-switch records as the source)
#   waiter     -pprof=sync at ContendedLock == the block profile recorded
#              with SetBlockProfileRate(1) over the same run, within 5%
#   idle-reader  blocked in read since before the trace: syscall all along,
#              grouped under its start routine IdleReaderMain
# Bounds are wide where other tests share the CPU (ctest -j): other work on
# that CPU only adds to the spinners' scheduler wait.
# usage: known_answers_test.sh CPPROF TRACE_WORKLOAD SOURCE_DIR
set -u
cpprof=$1 workload=$2 src=$3
schema=$src/../shared/reference/perfetto
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { fail=1; echo "FAIL: $*"; }

"$workload" "$tmp/t.pftrace" "$tmp/block.pb.gz" || { echo "trace_workload failed"; exit 1; }
if command -v protoc >/dev/null && [ -f "$schema/perfetto_trace.proto" ]; then
  protoc --proto_path="$schema" --decode=perfetto.protos.Trace perfetto_trace.proto <"$tmp/t.pftrace" >/dev/null ||
    bad "the trace does not decode against Perfetto's schema"
fi
"$cpprof" trace -summary "$tmp/t.pftrace" >"$tmp/summary.txt" || { echo "cpprof trace failed"; exit 1; }
cat "$tmp/summary.txt"

# The thread rows (two-space indented) as "name column=seconds ...".
python3 - "$tmp/summary.txt" >"$tmp/rows" <<'PY' || bad "summary unreadable"
import re, sys
units = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
def seconds(d):  # Go's time.Duration text: 1m2.5s, 350ms, 0s
    return sum(float(n) * units[u] for n, u in re.findall(r"([0-9.]+)(ns|µs|us|ms|s|m|h)", d))
lines = open(sys.argv[1]).read().splitlines()
header = next(l for l in lines if l.startswith("GROUP"))
cols = re.split(r"\s{2,}", header.strip())[3:]
for l in lines:
    if l.startswith("  ") and not l.startswith("   "):
        f = re.split(r"\s{2,}", l.strip())
        name, values = f[0], f[-len(cols):]
        print(name, " ".join(f"{c.replace(' ', '_')}={seconds(v):.6f}" for c, v in zip(cols, values)))
PY
col() { sed -n "s/^$1 .*$2=\([0-9.]*\).*/\1/p" "$tmp/rows" | head -1; }
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; }

within "$(col sleeper SLEEP)" 0.95 1.5 || bad "sleeper: sleep $(col sleeper SLEEP)s, expected ~1s"
within "$(col receiver NETWORK_WAIT)" 0.28 0.6 || bad "receiver: network wait $(col receiver NETWORK_WAIT)s, expected ~0.3s"
if grep -q "scheduler waits from perf_switch" "$tmp/summary.txt"; then
  a=$(col spinner-a SCHED_WAIT) b=$(col spinner-b SCHED_WAIT)
  within "$a" 0.3 1.1 && within "$b" 0.3 1.1 || bad "spinners: sched wait ${a}s and ${b}s, expected ~0.5s each"
  within "$(awk -v a="$a" -v b="$b" 'BEGIN { print a + b }')" 0.85 2.2 || bad "spinners: sched waits add up to less than 1 CPU-second"
else
  echo "note: no perf context-switch records here; the spinners' scheduler wait is not checked"
fi

# A thread blocked in read from before the trace to after it: its wait comes
# from /proc (no hook saw it begin), its start routine from the registry.
wall=$(col idle-reader WALL) sys=$(col idle-reader SYSCALL)
awk -v w="$wall" -v s="$sys" 'BEGIN { exit !(w > 0.9 && s >= 0.95 * w) }' ||
  bad "idle-reader: ${sys}s of syscall in ${wall}s, expected all of it"
grep -q '^idle-reader .*IdleReaderMain' "$tmp/summary.txt" || bad "idle-reader's start routine is not IdleReaderMain"

# -pprof=sync against the block profile: the same waits, timed by the same
# hook, so the same total at ContendedLock.
"$cpprof" trace -pprof=sync -output="$tmp/sync.pb.gz" "$tmp/t.pftrace" || bad "-pprof=sync"
total() { "$cpprof" -top -unit=ns -focus=ContendedLock "$1" 2>/dev/null | sed -n 's/^Showing nodes accounting for \([0-9.]*\)ns.*/\1/p'; }
s=$(total "$tmp/sync.pb.gz") k=$(total "$tmp/block.pb.gz")
awk -v s="$s" -v k="$k" 'BEGIN { exit !(s > 0 && k > 0 && s / k > 0.95 && s / k < 1.05) }' ||
  bad "sync at ContendedLock: ${s}ns in the trace, ${k}ns in the block profile"
for f in sync block; do
  "$cpprof" -traces -focus=ContendedLock "$tmp/$f.pb.gz" | grep -oE 'ContendedLock|std::mutex::lock' | sort -u >"$tmp/$f.frames"
done
[ "$(cat "$tmp/sync.frames")" = "$(printf 'ContendedLock\nstd::mutex::lock')" ] && cmp -s "$tmp/sync.frames" "$tmp/block.frames" ||
  bad "the sync profile's stacks at ContendedLock differ from the block profile's"
[ $fail = 0 ] && echo PASS
exit $fail
