package syntax

import (
	"bytes"
	"encoding/binary"
	"flag"
	"math/rand"
	"os/exec"
	"strings"
	"testing"
)

var against = flag.Int("against-lua", 0,
	"compare the first error of this many random chunks with lua5.4's (needs lua5.4 on PATH)")

// TestAgainstReference parses random token soups and random byte strings
// and compares each message with what lua5.4's load gives for it. It runs
// only with -against-lua=N. Errors that need scopes (goto, labels, break,
// <const>) are package compile's and are left out.
func TestAgainstReference(t *testing.T) {
	if *against == 0 {
		t.Skip("run with -against-lua=N")
	}
	r := rand.New(rand.NewSource(1))
	words := strings.Fields(`and break do else elseif end false for function goto if in local nil not
		or repeat return then true until while + - * / // % ^ # & ~ | << >> .. ... == ~= < <= > >=
		= ( ) { } [ ] :: ; : , . x y f 1 2.5 0x10 "s" 's' [[l]] <const> <close> <foo> a.b a:b() t[1]
		"abc \q 3x [= -- --[[ ]] @ 1e 0x '\300' '\x4' '\u{110000000}'`)
	bytesAlphabet := "\"'\\[]=-\n\r xXpPeE.0123456789abfuz{}()#+<>~:;,\t\x00\xff"
	inputs := make([]string, *against)
	for i := range inputs {
		var b strings.Builder
		if i%2 == 0 {
			for n := 1 + r.Intn(25); n > 0; n-- {
				b.WriteString(words[r.Intn(len(words))])
				b.WriteString([]string{" ", " ", " ", "\n"}[r.Intn(4)])
			}
		} else {
			b.WriteString([]string{"", "x = ", "return ", "f", "local a <"}[r.Intn(5)])
			for n := 1 + r.Intn(20); n > 0; n-- {
				b.WriteByte(bytesAlphabet[r.Intn(len(bytesAlphabet))])
			}
		}
		inputs[i] = b.String()
	}
	var in bytes.Buffer
	for _, s := range inputs {
		binary.Write(&in, binary.LittleEndian, uint32(len(s)))
		in.WriteString(s)
	}
	cmd := exec.Command("lua5.4", "-e", `
		local src = io.read("a")
		local pos = 1
		while pos <= #src do
			local n; n, pos = string.unpack("<I4", src, pos)
			local s = src:sub(pos, pos + n - 1); pos = pos + n
			local ok, f, err = pcall(load, s, "=input")
			io.write(ok and (err or "") or tostring(f), "\0")
		end`)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("lua5.4: %v", err)
	}
	wants := strings.Split(string(out), "\x00")
	bad := 0
	for i, src := range inputs {
		want := wants[i]
		if strings.Contains(want, "break outside") || strings.Contains(want, "label") ||
			strings.Contains(want, "const variable") {
			continue
		}
		got := ""
		if _, err := ParseMode("=input", []byte(src), 0); err != nil {
			got = err.Error()
		}
		if got != want {
			if bad++; bad <= 10 {
				t.Errorf("%q:\n got  %s\n want %s", src, got, want)
			}
		}
	}
	t.Logf("%d of %d differ", bad, len(inputs))
}
