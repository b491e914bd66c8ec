# Shared by the HTTP tests (sourced): tools, a server on a free loopback
# port (port 0, read back), fetching and expectations. The caller sets `cpprof`; this sets
# pprof, tmp, fails, and after start_server: port, base, srv_pid.
command -v curl >/dev/null || { echo "curl missing (scripts/install-deps.sh test)"; exit 77; }
command -v go >/dev/null || { echo "go missing (scripts/install-deps.sh test)"; exit 77; }
pprof="$(go env GOTOOLDIR)/pprof"
[ -x "$pprof" ] || pprof="go tool pprof"
tmp=$(mktemp -d)
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# start_server BINARY [ARGS...]: BINARY 127.0.0.1:0 ARGS..., which binds a
# free port and prints "serving http://127.0.0.1:PORT/..." once it listens.
# The server is killed and $tmp removed on exit.
start_server() {
  local bin=$1 line
  shift
  coproc SRV { exec "$bin" 127.0.0.1:0 "$@" 2>&1; }
  srv_pid=$SRV_PID
  trap 'kill $srv_pid 2>/dev/null; wait $srv_pid 2>/dev/null; rm -rf "$tmp"' EXIT
  read -r line <&"${SRV[0]}"
  [[ $line =~ serving\ http://127\.0\.0\.1:([0-9]+)/ ]] || { echo "$bin did not start: $line"; exit 1; }
  port=${BASH_REMATCH[1]}
  base="http://127.0.0.1:$port/debug/pprof"
}

# wait_for WHAT COMMAND...: runs COMMAND every 50 ms until it succeeds, for
# at most 30 s (a bound for a hung server, not a readiness guess).
wait_for() {
  local what=$1 try
  shift
  for ((try = 0; try < 600; ++try)); do "$@" && return 0; sleep 0.05; done
  fail "gave up waiting for $what"
  return 1
}

# fetch NAME URL [curl args]: body to $tmp/NAME, headers to $tmp/NAME.h, status echoed.
fetch() {
  local name=$1 url=$2; shift 2
  curl -s -o "$tmp/$name" -D "$tmp/$name.h" -w '%{http_code}' "$@" "$url"
}
expect_status() { [ "$2" = "$3" ] || fail "$1: status $2, want $3"; }
expect_header() { grep -qiF "$2" "$tmp/$1.h" || fail "$1: missing header '$2'"; }
expect_body() { grep -qF -- "$2" "$tmp/$1" || fail "$1: body lacks '$2'"; }
both_read() {  # a proto read by both tools, -top containing $2
  "$cpprof" -top "$tmp/$1" >"$tmp/$1.cpprof" 2>&1 || fail "$1: cpprof cannot read it: $(head -1 "$tmp/$1.cpprof")"
  $pprof -top "$tmp/$1" >"$tmp/$1.go" 2>&1 || fail "$1: go tool pprof cannot read it: $(head -1 "$tmp/$1.go")"
  [ -z "${2:-}" ] || grep -qF "$2" "$tmp/$1.cpprof" || fail "$1: cpprof -top lacks $2"
  [ -z "${2:-}" ] || grep -qF "$2" "$tmp/$1.go" || fail "$1: go tool pprof -top lacks $2"
}
