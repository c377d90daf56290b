#!/usr/bin/env bash
# Runs the micro-programs (the core issue's, and the standard library's
# lib_*.lua: gsub, find, format, concat, sort, insert/remove) under lunar
# and lua5.4, alternating,
# and prints the ratio of the best user-CPU time of each (best of N runs,
# default 3). Usage, from the repository root:
#   cargo build --release -p lunar-cli && bench/micro/run.sh target/release/lunar [N]
set -euo pipefail
lunar=${1:?path to the lunar binary}
n=${2:-3}
dir=$(dirname "$0")
best() {
  local m=999
  for _ in $(seq "$n"); do
    t=$( { /usr/bin/time -f "%U" "$@" > /dev/null; } 2>&1 | tail -1)
    m=$(echo "$t $m" | awk '{print ($1<$2)?$1:$2}')
  done
  echo "$m"
}
for f in "$dir"/*.lua; do
  a=$(best lua5.4 "$f"); b=$(best "$lunar" "$f")
  echo "$(basename "$f" .lua): lua5.4 ${a}s lunar ${b}s ratio $(echo "$b $a" | awk '{printf "%.2f", $1/$2}')"
done
