#!/bin/sh
# Regenerates the reference fixtures of tests/luac_reference.rs from the
# .lua files here, with the reference compiler (luac5.4, Lua 5.4.4):
# NAME.luac is `luac5.4 -o`, NAME.listing is `luac5.4 -l -l` with each
# function's address replaced by its index in listing order ("#0" for the
# main function), as Lunar's disassembler prints it.
set -e
cd "$(dirname "$0")"
for src in *.lua; do
	name=${src%.lua}
	luac5.4 -o "$name.luac" "$src"
	luac5.4 -l -l -p "$src" | python3 -c '
import re, sys
text = sys.stdin.read()
index = {}
for m in re.finditer(r"instructions? at (0x[0-9a-f]+)\)", text):
    index.setdefault(m.group(1), "#%d" % len(index))
for pat in (r"(instructions? at )(0x[0-9a-f]+)(\))",
            r"(?m)^((?:constants|locals|upvalues) \(\d+\) for )(0x[0-9a-f]+)(:)$",
            r"(?m)^(\t\d+\t\[\d+\]\tCLOSURE  \t\d+ \d+\t; )(0x[0-9a-f]+)()$"):
    text = re.sub(pat, lambda m: m.group(1) + index[m.group(2)] + m.group(3), text)
sys.stdout.write(text)
' > "$name.listing"
done
