package compile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// FuzzCompile parses and compiles arbitrary input: the compiler must not
// panic or hang, its errors must be *syntax.Error values, and what it
// produces must pass checkProto and disassemble.
func FuzzCompile(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/disasm/*.lua")
	for _, file := range seeds {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	for _, tc := range compileErrorTests {
		if len(tc.src) < 2000 {
			f.Add([]byte(tc.src))
		}
	}
	f.Add([]byte("local a <const> = 1 local b <const> = a + 1 return function() return a, b end"))
	f.Add([]byte("for i = 1, 2 do local x = function() return i end if x then break end end"))
	f.Fuzz(func(t *testing.T, src []byte) {
		chunk, err := syntax.Parse("=fuzz", src)
		if err != nil {
			return
		}
		p, err := Compile(chunk)
		if err != nil {
			if _, ok := err.(*syntax.Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if err := checkProto(p); err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		if err := bytecode.Disassemble(&bytes.Buffer{}, p, true); err != nil {
			t.Fatal(err)
		}
	})
}

// TestLongChains compiles chains that the grammar builds with loops, far
// longer than any nesting limit: they must not use the Go stack.
func TestLongChains(t *testing.T) {
	const n = 100000
	tests := []string{
		"x = a" + strings.Repeat(" + a", n),
		"x = a" + strings.Repeat(" and a", n),
		"x = a" + strings.Repeat(".b", n),
		"x = a" + strings.Repeat("[1]", n),
		"f" + strings.Repeat("()", n),
		"a" + strings.Repeat(":m()", n/2),
		"local c <const> = 1" + strings.Repeat(" + 1", n) + " return c",
		strings.Repeat("x = 1\n", n),
		"local t = {" + strings.Repeat("1, ", n) + "}",
		"if a then" + strings.Repeat(" elseif a then", n/10) + " end",
	}
	for _, src := range tests {
		chunk, err := syntax.Parse("=chain", []byte(src))
		if err != nil {
			t.Errorf("%.30q: %v", src, err)
			continue
		}
		p, err := Compile(chunk)
		if err != nil {
			t.Errorf("%.30q: %v", src, err)
			continue
		}
		if err := checkProto(p); err != nil {
			t.Errorf("%.30q: %v", src, err)
		}
	}
}

// TestDepthLimit compiles trees nested deeper than the parser allows,
// built by hand: the compiler reports an error instead of exhausting the
// Go stack.
func TestDepthLimit(t *testing.T) {
	const n = 100000
	var e syntax.Expr = &syntax.NameExpr{P: syntax.Pos{Line: 1}, Name: "x"}
	for i := 0; i < n; i++ {
		e = &syntax.UnaryExpr{P: syntax.Pos{Line: 1}, Op: syntax.OpNeg, X: e}
	}
	deepExpr := &syntax.Chunk{Name: "=deep", Block: &syntax.Block{Stats: []syntax.Stat{
		&syntax.ReturnStat{P: syntax.Pos{Line: 1}, Values: []syntax.Expr{e}},
	}}}
	b := &syntax.Block{}
	for i := 0; i < n; i++ {
		b = &syntax.Block{Stats: []syntax.Stat{&syntax.DoStat{P: syntax.Pos{Line: 1}, Body: b}}}
	}
	deepBlock := &syntax.Chunk{Name: "=deep", Block: b}
	for _, chunk := range []*syntax.Chunk{deepExpr, deepBlock} {
		_, err := Compile(chunk)
		if err == nil || !strings.Contains(err.Error(), "too many syntax levels") {
			t.Errorf("got %v, want a nesting error", err)
		}
	}
}

// TestConcurrentCompile compiles one tree from several goroutines (run
// with -race).
func TestConcurrentCompile(t *testing.T) {
	src, err := os.ReadFile("testdata/disasm/functions.lua")
	if err != nil {
		t.Fatal(err)
	}
	chunk, err := syntax.Parse("@functions.lua", src)
	if err != nil {
		t.Fatal(err)
	}
	want := listing("functions.lua", src, options{})
	done := make(chan string)
	for i := 0; i < 8; i++ {
		go func() {
			p, err := Compile(chunk)
			if err != nil {
				done <- err.Error()
				return
			}
			var b bytes.Buffer
			bytecode.Disassemble(&b, p, true)
			done <- b.String()
		}()
	}
	for i := 0; i < 8; i++ {
		if got := <-done; got != want {
			t.Errorf("concurrent compilation differs: %s", firstDiff(want, got))
		}
	}
}
