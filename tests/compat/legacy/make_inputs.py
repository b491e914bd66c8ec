#!/usr/bin/env python3
"""Writes small legacy-format profiles into OUTDIR for the compat suite.

Each input aims at one rule of pprof's legacy parsers (legacy_profile.go,
legacy_java_profile.go) that google/pprof's own testdata leaves out: word
sizes and byte orders, truncation, memory-map heuristics, attribute parsing,
error paths. usage: make_inputs.py OUTDIR
"""
import os
import struct
import sys

out_dir = sys.argv[1]


def write(name, data):
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def cpu(word, big, records, tail=b"", java=False, end=True, period=10000):
    fmt = (">" if big else "<") + ("I" if word == 4 else "Q")
    out = b"".join(struct.pack(fmt, v) for v in [0, 3, 1 if java else 0, period, 0])
    for count, pcs in records:
        out += struct.pack(fmt, count) + struct.pack(fmt, len(pcs))
        out += b"".join(struct.pack(fmt, pc) for pc in pcs)
    if end:
        out += b"".join(struct.pack(fmt, v) for v in [0, 1, 0])
    return out + tail


MM = b"--- Memory map: ---\n"
SERVER = b"00400000-00452000 r-xp 00000000 08:01 100 /usr/bin/server\n"

# 32-bit big endian; a signal-handler frame above every leaf but one in 41
# (n - n/32 = 40 samples share it), removed by pprof.
recs = [(1 + i % 3, [0x401000 + 16 * (i % 5), 0x40f000, 0x402000, 0x403000]) for i in range(40)]
recs.append((2, [0x401100, 0x402000]))
write("legacy.cpu32be.prof", cpu(4, True, recs, MM + SERVER + b"00651000-00652000 rw-p 00051000 08:01 100 /usr/bin/server\n"))

# 64-bit big endian: a leading /anon_hugepage region, a main binary split in
# two, a library marked (deleted), an address below every mapping.
recs = [(3, [0x401000, 0x401000, 0x402010]), (1, [0x7f0000000010, 0x401500]), (2, [0x2000, 0x3000]),
        (1, [0x7f0000200010, 0x455000])]
write("legacy.cpu64be.prof", cpu(8, True, recs, MM +
      b"00200000-00400000 r-xp 00000000 00:00 0 /anon_hugepage (deleted)\n"
      b"00400000-00450000 r-xp 00001000 08:01 100 /usr/bin/server\n"
      b"00450000-00460000 r-xp 00051000 08:01 100 /usr/bin/server\n"
      b"7f0000000000-7f0000100000 r-xp 00000000 08:01 200 /lib/x86_64-linux-gnu/libc.so.6\n"
      b"7f0000200000-7f0000210000 r-xp 00000000 08:01 300 /usr/lib/libfoo.so (deleted)\n"))

# 64-bit little endian, no end marker, last record cut short: pprof reads the
# missing words as zeros.
write("legacy.cpu.truncated.prof", cpu(8, False, [(4, [0x401000, 0x402000])], end=False) +
      struct.pack("<QQQ", 2, 3, 0x401234))

# Brief memory map lines, a variable, a glog prefix, build id and offset; the
# main binary is found after the libraries.
write("legacy.cpu.briefmap.prof", cpu(4, False, [(5, [0x500100, 0x600200, 0x700300])], b"MAPPED_LIBRARIES:\n"
      b"root=/srv\n"
      b"0x600000-0x680000 $root/lib/libx.so.1\n"
      b"I1122 00:00:00.000000 77 profiler.cc:12] 0x500000-0x580000 r-xp $root/bin/app (@2000) deadbeef\n"
      b"0x700000 0x780000 /lib/liby.so\n"
      b"0x780000-0x790000 rw-p /data\n"))

# Binary noise after the end marker: one "line" longer than Go's 64 KiB limit.
write("legacy.cpu.longtail.prof", cpu(4, False, [(1, [0x10])], b"\x00\xff" * 40000))

# Java CPU profile: 32-bit words, third header word 1, symbols after samples.
write("legacy.java.cpu.prof", cpu(4, False, [(3, [0x10, 0x20]), (1, [0x30, 0x20])], java=True,
      tail=b"0x10 com.A.work (A.java:42)\n0x20 com.A.main (A.java:7)\n0x30 libjvm (/usr/lib/jvm/libjvm.so)\n"))

write("legacy.heap.alloc.txt",
      "heap profile:   3:   300 [  10:  5000] @ heapz_v2/524288\n"
      "   1:   100 [   4:  4000] @ 0x0000000000401000 0x0000000000402000\n"
      "   2:   200 [   6:  1000] @ 0x0000000000401100 0x0000000000402000\n"
      "   0:     0 [   0:     0] @ 0x0000000000401200\n"
      "\n" + (MM + SERVER).decode())
write("legacy.heap.profile.txt",
      "heap profile:   2:   300 [   2:   300] @ heapprofile\n   2:   300 [   2:   300] @ 0x401000 0x402000\n")
write("legacy.fragmentation.txt",
      "heap profile:   2:   300 [   2:   300] @ fragmentationz\n"
      "   2:   300 [   2:   300] @ 0x401000 0x402000\n   1:    16 [   1:    16] @ 0x401000\n")
write("legacy.heap.zerocount.txt",
      "heap profile:   2:   300 [   2:   300] @ heap_v2/524288\n   0:   300 [   2:   300] @ 0x401000\n")
write("legacy.heap.badline.txt",
      "heap profile:   2:   300 [   2:   300] @ heap_v2/524288\n   2:   300 [   2:   300] @ 0x401000\nbogus\n")
write("legacy.heap.longline.txt",
      "heap profile:   2:   300 [   2:   300] @ heap_v2/524288\n   2:   300 [   2:   300] @" + " 0x401000" * 8000 + "\n")
write("legacy.heap.bigaddr.txt",
      "heap profile:   2:   300 [   2:   300] @ heap_v2/524288\n   2:   300 [   2:   300] @ 0x11112222333344445\n")
write("legacy.heap.unknownkind.txt",
      "heap profile:   2:   300 [   2:   300] @ heapfoo/12\n   2:   300 [   2:   300] @ 0x401000\n")

write("legacy.contention.cpp.txt",
      "--- contentionz 1 ---\n"
      "cycles/second = 2000000000\nsampling period = 100\nms since reset = 12345\ndiscarded samples = 0\n"
      "  1000000   3 @ 0x401000 0x402000\n  2000000   1 @ 0x401100 0x402000\n"
      "---\n" + (MM + SERVER).decode())
write("legacy.contention.underscore.txt", "--- contentionz 1 ---\nsampling period = 0x1_0\n100 2 @ 0x401000\n")
write("legacy.contention.octal.txt",
      "--- contentionz 1 ---\nsampling period = 010\ncycles/second = 0x3b9aca00\n100 2 @ 0x401000\n")

write("legacy.thread.noend.txt", "--- Thread 7f00 (name: main/12) stack: ---\n  PC: 0x401000\n  0x402000\n")
write("legacy.thread.creator.txt",
      "--- threadz 2 ---\n# comment\n\n--- Thread 1 (name: main/1) stack: ---\nPC: 0x401000: main\n  0x402000: f\n"
      "  creator: 0x403000 0x404000\n"
      "--- Thread 2 (name: w/2) stack: ---\nPC: 0x401000\n 0x401001\n"
      "--- Thread 3 (name: w/3) stack: ---\n  same as previous thread\n"
      "--- Memory map: ---\n" + SERVER.decode())

write("legacy.goroutine.octal.txt",
      "goroutine profile: total 9\n011 @ 0x401000 0x402000\n# labels: {\"a\":\"b\"}\n\n1 @ 0x401000\n---\nignored\n")
write("legacy.goroutine.badcount.txt", "goroutine profile: total 9\n09 @ 0x401000\n")

write("legacy.java.noresolution.txt", "--- heapz 1 ---\nformat = java\n 100 2 @ 0x1 0x2\n0x1 com.A.f (A.java:10)\n")
write("legacy.java.contention.txt",
      "--- contentionz 1 ---\nformat = java\nresolution = microseconds\nsampling period = 10\nms since reset = 5000\n"
      " 100 2 @ 0x1 0x2 0x3\n 50 1 @ 0x2 0x4\n"
      "0x1 com.A.lock (A.java:10)\n0x2 com.A.run (/x/y/A.java)\n0x3 generated stub/JIT code\n0x4 GC\n0x5 unused\n")
write("legacy.java.badformat.txt", "--- heapz 1 ---\nformat = cpp\n 100 2 @ 0x1\n")
write("legacy.java.zerocount.txt", "--- heapz 1 ---\nformat = java\nresolution = bytes\n 100 0 @ 0x1\n")
