#!/usr/bin/env python3
"""The figures of issue 17's review, rerunnable on any commit: the longest
functions (Universal Ctags' `end:` field), the largest files, and the lines of
tests for each stage of src/.

    scripts/code_stats.py [TREE]     (TREE defaults to the checkout)

A stage's tests are its folder under tests/ plus, for graph and report, the
golden files that pprof's table of flag sets checks (tests/testdata/golden/).
Lambdas count inside their enclosing function, not on their own.
"""
import os
import subprocess
import sys

SOURCE_DIRS = ["src", "include", "tools"]
STAGES = ["util", "profile", "symbolize", "graph", "report", "driver", "web", "runtime"]


def lines(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def sources(root, dirs, exts=(".cc", ".h")):
    for d in dirs:
        for dirpath, _, names in os.walk(os.path.join(root, d)):
            for name in names:
                if name.endswith(exts):
                    yield os.path.join(dirpath, name)


def longest_functions(root, count):
    files = sorted(sources(root, SOURCE_DIRS))
    out = subprocess.run(["ctags", "--fields=+ne", "--c++-kinds=f", "--language-force=C++", "-o", "-"] + files,
                         capture_output=True, text=True, check=True).stdout
    functions = []
    for row in out.splitlines():
        cols = row.split("\t")
        if cols[0].startswith("__anon"):
            continue
        fields = dict(c.split(":", 1) for c in cols[3:] if ":" in c)
        if "line" in fields and "end" in fields:
            n = int(fields["end"]) - int(fields["line"]) + 1
            scope = fields.get("class", fields.get("struct", ""))
            name = (scope.split("::")[-1] + "::" if scope else "") + cols[0]
            functions.append((n, name, os.path.relpath(cols[1], root), int(fields["line"])))
    functions.sort(key=lambda f: (-f[0], f[2], f[3]))
    return functions[:count]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    print("Longest functions (lines):")
    for n, name, path, line in longest_functions(root, 10):
        print(f"  {n:4d}  {name}  {path}:{line}")
    files = sorted(((lines(p), os.path.relpath(p, root)) for p in sources(root, SOURCE_DIRS)), reverse=True)
    print("Largest files (lines):")
    for n, path in files[:5]:
        print(f"  {n:4d}  {path}")
    total = sum(n for n, _ in files)
    print(f"  {len(files)} files, {total} lines; median {sorted(n for n, _ in files)[len(files) // 2]}")
    print("Test lines per stage (source / unit tests / golden files):")
    golden = os.path.join(root, "tests", "testdata", "golden")
    golden_lines = sum(lines(p) for p in sources(root, [os.path.relpath(golden, root)], exts=("",))) \
        if os.path.isdir(golden) else 0
    for stage in STAGES:
        src = sum(lines(p) for p in sources(root, [os.path.join("src", stage)]))
        tests = sum(lines(p) for p in sources(root, [os.path.join("tests", stage)], exts=(".cc", ".h", ".sh", ".mjs")))
        extra = f" + {golden_lines} golden (graph and report)" if stage == "report" and golden_lines else ""
        print(f"  {stage:10s} {src:6d} / {tests:5d}{extra}")


if __name__ == "__main__":
    main()
