# Shared by the install tests (sourced): require TOOL... (exit 77 when one is
# missing), $tmp (removed on exit), fails and fail().
require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool missing (scripts/install-deps.sh test)"; exit 77; }
  done
}
tmp=$(realpath "$(mktemp -d)")
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
