#!/usr/bin/env bash
# Every C++ file of the tree is as clang-format writes it with the top
# .clang-format (Google style, 120 columns), so that a change shows only
# what it changes. To fix: clang-format -i on the files it names.
# usage: format_test.sh SOURCE_DIR
set -euo pipefail
cd "${1:?usage: $0 SOURCE_DIR}"
command -v clang-format >/dev/null || { echo "clang-format missing: skipping"; exit 77; }
mapfile -t files < <(find src include tools tests bench examples -name node_modules -prune -o \
  \( -name '*.cc' -o -name '*.h' \) -print | sort)
clang-format --dry-run --Werror "${files[@]}"
echo "format: ${#files[@]} files as clang-format writes them"
