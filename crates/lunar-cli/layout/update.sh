#!/bin/sh
# Regenerates hot-functions.txt, the order in which the linker lays out the
# functions that start-up and typical programs run (build.rs passes it to
# lld as --symbol-ordering-file; see build.rs for why).
#
#   crates/lunar-cli/layout/update.sh [path/to/release/lunar]
#   crates/lunar-cli/layout/update.sh --check [path/to/release/lunar]
#
# --check writes nothing: it lists the functions `lunar -e ''` runs that
# the list lacks and fails if there are any (the list is then stale).
#
# Run it on a release build of this tree, then rebuild: the list names
# mangled symbols, whose hashes depend on the toolchain and the crates'
# versions and features but not on their source, so it goes stale only
# where functions are added or renamed (those are laid out as if the list
# did not name them: correct, only less compact). Needs valgrind
# (callgrind records every function a run executes, without sampling).
#
# Order: everything `lunar -e ''` runs (every process runs it), then what
# the benchmark programs run at small sizes, most widely used first, so
# that each program's working set is a prefix-dense part of the text.
set -eu
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
check=false
if [ "${1:-}" = --check ]; then
    check=true
    shift
fi
bin=${1:-$root/target/release/lunar}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
out=$here/hot-functions.txt
for tool in valgrind nm; do
    command -v "$tool" >/dev/null || {
        echo "update.sh: needs $tool" >&2
        exit 1
    }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The functions one run executes, one mangled name a line.
record() {
    name=$1
    shift
    (cd "$root/bench/programs" &&
        valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/$name.cg" \
            "$bin" "$@" >/dev/null 2>&1) || true
    # "fn=(id) name" names a function the first time the file mentions
    # it; a recursion level shows as a "'N" suffix.
    sed -n 's/^c\{0,1\}fn=([0-9]*) //p' "$tmp/$name.cg" | sed "s/'[0-9]*\$//" |
        sort -u >"$tmp/$name.fns"
}

record startup -e ''
[ -s "$tmp/startup.fns" ] || {
    echo "update.sh: callgrind recorded nothing for $bin -e ''" >&2
    exit 1
}
# Only names the binary defines (callgrind also reports addresses and
# "(below main)").
nm --defined-only "$bin" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/defined"

if $check; then
    grep -v '^#' "$out" | sort -u >"$tmp/listed"
    comm -12 "$tmp/startup.fns" "$tmp/defined" | comm -23 - "$tmp/listed" >"$tmp/missing"
    if [ -s "$tmp/missing" ]; then
        echo "update.sh: $(wc -l <"$tmp/missing") start-up functions are not in $out:" >&2
        cat "$tmp/missing" >&2
        exit 1
    fi
    echo "$out lists every function of lunar -e ''"
    exit 0
fi

record error -e 'error("x")'
for p in fib:25 loop:100000 nbody:5000 spectral-norm:70 binary-trees:10 \
    fannkuch:8 mandelbrot:120 strings:1500 tables:1000 oop:6000 \
    closures:20000 coroutines:20000 json:40; do
    record "prog-${p%%:*}" "${p%%:*}.lua" "${p##*:}"
done

# glibc picks the variant of a string or math function (memcpy, strlen,
# sin...) for the CPU when the process starts, and valgrind's CPU has no
# AVX-512: start-up lists every variant of the families the runs used, so
# that the list serves every CPU.
variants='sse2|ssse3|sse4_1|sse4_2|sse42|avx|avx2|evex|evex512|avx512|fma|fma4'
# strcmp runs natively at start-up but not under valgrind.
families=$({ cat "$tmp"/*.fns; echo __strcmp_sse2; } |
    sed -nE "s/^(__[a-z0-9_]+)_($variants)(_.*)?\$/\1/p" | sort -u | paste -sd '|' -)
if [ -n "$families" ]; then
    grep -E "^($families)_($variants)(_|\$)" "$tmp/defined" >>"$tmp/startup.fns" || true
fi
# The C start files' functions, which callgrind reports by address, and
# what glibc's start-up runs natively but not under valgrind.
printf '%s\n' _start deregister_tm_clones register_tm_clones \
    __do_global_dtors_aux frame_dummy _dl_new_object _dl_setup_hash \
    _dl_lookup_symbol_x >>"$tmp/startup.fns"
sort -u -o "$tmp/startup.fns" "$tmp/startup.fns"

# The dispatch loop goes first, after _start alone (rcrt1.o's 34 bytes,
# padded to 48), so that its address is 48 modulo 64 in every build. Its
# speed depends on that address: mandelbrot 800 took 0.36 s at 32 and 48,
# 0.46-0.51 s at 0 and 16, with the same code (AMD Zen 4), and before
# this list a change anywhere in the program moved it.
grep -x '_ZN8lunar_vm2vm.*8run_loop17h[0-9a-f]*E' "$tmp/startup.fns" >"$tmp/loop" || true
{
    cat <<'HEAD'
# The functions lunar runs at start-up and in typical programs, in the order
# the linker lays them out (lld --symbol-ordering-file; build.rs). Written
# by update.sh from a release build: do not edit by hand.
HEAD
    echo _start
    cat "$tmp/loop"
    comm -12 "$tmp/startup.fns" "$tmp/defined" | grep -vxF -f "$tmp/loop" | grep -vx _start
    # Then by the number of runs that execute each function, most first.
    cat "$tmp"/error.fns "$tmp"/prog-*.fns | sort | uniq -c |
        awk '{ print $1, $2 }' | sort -k1,1nr -k2,2 | awk '{ print $2 }' |
        grep -vxF -f "$tmp/startup.fns" | grep -xF -f "$tmp/defined" || true
} >"$out"
echo "$(grep -vc '^#' "$out") functions written to $out"
