#!/bin/sh
# Compares Lunar's syntax and compile errors with luac5.4's on the files
# given (default: the parser and compiler corpora). Run from fuzz/.
set -e
[ $# -gt 0 ] || set -- corpus/parser/* corpus/compiler/*
cargo +nightly run -q --example syntax_diff -- "$@" > /tmp/syntax-lunar.txt
for f in "$@"; do
    if out=$(luac5.4 -p -o /dev/null "$f" 2>&1); then
        echo "$f: ok"
    else
        printf "%s\n" "$out" | sed 's/^luac5.4: //' | head -n 1
    fi
done > /tmp/syntax-luac.txt
diff /tmp/syntax-lunar.txt /tmp/syntax-luac.txt && echo "no differences in $# files"
