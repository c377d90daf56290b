#!/bin/sh
# Compares Lunar's listings (luac 5.4.4 mode) with luac5.4 -l -l on the
# files given (default: the compiler corpus). Run from fuzz/.
set -e
[ $# -gt 0 ] || set -- corpus/compiler/*
export LC_ALL=C
blank='s/0x[0-9a-f]\{6,\}/#?/g; s/#[0-9][0-9]*/#?/g'
cargo +nightly run -q --example listing_diff -- "$@" | sed "$blank" > /tmp/listing-lunar.txt
for f in "$@"; do
    echo "== $f"
    luac5.4 -l -l -p "$f" 2>/dev/null || echo error
done | sed "$blank" > /tmp/listing-luac.txt
diff /tmp/listing-lunar.txt /tmp/listing-luac.txt > /tmp/listing.diff && echo "no differences in $# files" || grep -c '^< == \|^---' /tmp/listing.diff
