#!/usr/bin/env bash
# lunar serve against nginx + OpenResty's Lua module (Debian's
# libnginx-mod-http-lua, LuaJIT with the JIT on and off) and against the
# same answers computed in Rust on lunar's own workers (/_bench/*): one
# worker each, pinned to CPU 0, wrk pinned to CPU 1, the same run.
#
#   bench/serve/run.sh [LUNAR] [SECONDS] [CONNECTIONS]
#
# Needs wrk, nginx-light (or nginx), libnginx-mod-http-lua and lua-cjson
# (apt-get install -y wrk nginx-light libnginx-mod-http-lua lua-cjson).
# Prints a Markdown table of requests per second.
set -euo pipefail
cd "$(dirname "$0")"
LUNAR=$(realpath "${1:-../../target/release/lunar}")
SECS=${2:-10}
CONNS=${3:-32}
PORT_LUNAR=18080
PORT_NGINX=18081
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT

wait_port() {
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$1/$2" && return 0
    sleep 0.05
  done
  echo "nothing answers on port $1" >&2
  exit 1
}

# Requests per second of one wrk run (pinned to CPU 1).
rps() {
  local url=$1; shift
  taskset -c 1 wrk -t1 -c"$CONNS" -d"${SECS}s" "$@" "$url" | awk '/^Requests\/sec:/ { print $2 }'
}

declare -A R
taskset -c 0 "$LUNAR" serve routes --listen 127.0.0.1:$PORT_LUNAR --workers 1 --config bench.toml 2>"$TMP/lunar.log" &
LUNAR_PID=$!
wait_port $PORT_LUNAR ok
for route in ok echo fib; do
  args=(); [ $route = echo ] && args=(-s post.lua)
  R[lunar_$route]=$(rps "http://127.0.0.1:$PORT_LUNAR/$route" "${args[@]}")
done
R[rust_ok]=$(rps "http://127.0.0.1:$PORT_LUNAR/_bench/ok")
R[rust_echo]=$(rps "http://127.0.0.1:$PORT_LUNAR/_bench/echo" -s post.lua)
kill $LUNAR_PID; wait $LUNAR_PID 2>/dev/null || true

for jit in on off; do
  mkdir -p "$TMP/ng-$jit/body"
  sed -e "s|PREFIX|$TMP/ng-$jit|g" -e "s|JIT|require('jit').$jit()|" nginx.conf >"$TMP/ng-$jit/nginx.conf"
  taskset -c 0 nginx -p "$TMP/ng-$jit" -c "$TMP/ng-$jit/nginx.conf" &
  NG_PID=$!
  wait_port $PORT_NGINX ok
  for route in ok echo fib; do
    args=(); [ $route = echo ] && args=(-s post.lua)
    R[nginx_${jit}_$route]=$(rps "http://127.0.0.1:$PORT_NGINX/$route" "${args[@]}")
  done
  kill $NG_PID; wait $NG_PID 2>/dev/null || true
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "| route | lunar serve | same in Rust (lunar's workers) | nginx+LuaJIT | nginx+LuaJIT -joff | lunar / Rust | lunar / nginx | lunar / nginx -joff |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|"
for route in ok echo fib; do
  rust=${R[rust_$route]:-}
  echo "| /$route | ${R[lunar_$route]} | ${rust:--} | ${R[nginx_on_$route]} | ${R[nginx_off_$route]} | $( [ -n "$rust" ] && ratio "${R[lunar_$route]}" "$rust" || echo -) | $(ratio "${R[lunar_$route]}" "${R[nginx_on_$route]}") | $(ratio "${R[lunar_$route]}" "${R[nginx_off_$route]}") |"
done
echo
echo "wrk -t1 -c$CONNS -d${SECS}s on CPU 1; one server worker on CPU 0; $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
