#!/usr/bin/env bash
# Checks lunar stress's load generator against wrk on the same route, so
# that the generator is known not to be the bottleneck: lunar serve with
# one worker pinned to CPU 0, each client pinned to CPU 1, 64
# connections, 5 s closed loop, three alternating rounds; then the
# generator's open-loop steps at 10k, 40k and 80k rps.
#
#   cargo build --release -p lunar-cli
#   cargo build --release -p lunar-stress --example probe
#   bash bench/stress/wrk-check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
LUNAR=${LUNAR:-target/release/lunar}
PROBE=${PROBE:-target/release/examples/probe}
PORT=${PORT:-18477}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
dir=$(mktemp -d)
echo 'return function(req) return { ok = true } end' > "$dir/ok.lua"
"$LUNAR" serve "$dir" --workers 1 --cpus 0 --listen 127.0.0.1:$PORT --no-reload 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:$PORT/ok && break; sleep 0.05; done
url=http://127.0.0.1:$PORT/ok
for round in 1 2 3; do
  echo "round $round"
  echo -n "  wrk:   "; taskset -c 1 wrk -t1 -c64 -d5s "$url" | awk '/Requests\/sec/ {print $2 " rps"}'
  echo -n "  probe: "; taskset -c 1 "$PROBE" "$url" --threads 1 --cpus 1 --connections 64 --closed-secs 5 --rates "" | grep "closed loop"
done
echo "open loop (probe):"
taskset -c 1 "$PROBE" "$url" --threads 1 --cpus 1 --connections 64 --closed-secs 0 --rates 10000,40000,80000 | grep "open loop"
