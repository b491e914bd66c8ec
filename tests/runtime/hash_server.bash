# Sourced by tests that need a running examples/hash_server: start_hash_server
# SERVER [ENV=VALUE...] starts it on a free loopback port (it runs until its
# stdin, the coprocess pipe, closes) and sets $port and $srv_pid; the caller
# kills $srv_pid when done.
start_hash_server() {
  local server=$1 line try
  shift
  for try in 0 1 2 3 4 5 6 7; do
    port=$((20000 + ($$ * 7 + try * 131) % 30000))
    coproc SRV { exec env "$@" "$server" "127.0.0.1:$port" 2 2>&1; }
    read -r -t 10 line <&"${SRV[0]}" && [[ $line == *serving* ]] && break
    port=""
  done
  [ -n "$port" ] || { echo "hash_server did not start"; exit 1; }
  srv_pid=$SRV_PID
}
