package bytecode_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/compile"
	"github.com/lunar-lua/lunar/syntax"
)

// compileSource compiles a chunk for the tests.
func compileSource(t testing.TB, name, src string) *bytecode.Proto {
	t.Helper()
	chunk, err := syntax.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p, err := compile.Compile(chunk)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

// corpus returns compiled prototypes of the conformance scripts and of a
// few snippets.
func corpus(t testing.TB) map[string]*bytecode.Proto {
	t.Helper()
	protos := map[string]*bytecode.Proto{}
	files, _ := filepath.Glob("../testdata/lua/*.lua")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		chunk, err := syntax.Parse("@"+filepath.Base(f), src)
		if err != nil {
			continue // a script may test syntax errors of its own
		}
		p, err := compile.Compile(chunk)
		if err != nil {
			continue
		}
		protos[f] = p
	}
	for i, src := range dumpSnippets {
		protos["snippet"+string(rune('A'+i))] = compileSource(t, "=snippet", src)
	}
	return protos
}

var dumpSnippets = []string{
	`return 1`,
	`local a, b = ... return a + b, a .. b, {a, b, ...}`,
	`local t = {1, 2, 3, x = 1, [10] = "ten", f(), g(...)} return t`,
	`local x = 0 for i = 1, 10 do x = x + i end for k, v in pairs({}) do x = x + v end return x`,
	`local function f(n) if n < 2 then return n end return f(n - 1) + f(n - 2) end return f(10)`,
	`local a <const> = 1; local b <close> = nil; local c = 2^53 | 0; return a, c, -0.0, 1e300, "\0\255"`,
	`local up = {} return function(...) up[#up + 1] = select("#", ...) return up end`,
	`goto skip; do return end ::skip:: while true do break end repeat local z = 1 until z`,
	`return x.y.z, x:m(1, 2), not x, #x, -x, ~x, x and y or z, x == y, x < 1, x >= 2.5, x ~= "s"`,
	`local fs = {} for i = 1, 3 do local x = {i, i} fs[i] = function() return x end end
	 local j = 0 while j < 3 do local y = {j, {j}} fs[#fs + 1] = function() return y end j = j + 1 end
	 repeat local z = {1, 2, 3} local g = function() z = nil end until #{g, z} > 0 return fs`,
	`local t = {` + strings.Repeat("1, ", 120) + `f()}`,
}

func TestDumpRoundTrip(t *testing.T) {
	for name, p := range corpus(t) {
		if err := bytecode.Verify(p); err != nil {
			t.Errorf("%s: compiled code fails Verify: %v", name, err)
			continue
		}
		data := bytecode.Dump(p, false)
		q, err := bytecode.Undump(data, "=test")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(normalise(p), normalise(q)) {
			t.Errorf("%s: round trip changed the prototype", name)
		}
		// Stripped: the same code, no debug information.
		sq, err := bytecode.Undump(bytecode.Dump(p, true), "=test")
		if err != nil {
			t.Errorf("%s (stripped): %v", name, err)
			continue
		}
		if !reflect.DeepEqual(normalise(strip(p)), normalise(sq)) {
			t.Errorf("%s: stripped round trip changed the code", name)
		}
	}
}

// normalise makes empty and nil slices compare equal.
func normalise(p *bytecode.Proto) *bytecode.Proto {
	q := *p
	if len(q.Code) == 0 {
		q.Code = nil
	}
	if len(q.LineInfo) == 0 {
		q.LineInfo = nil
	}
	if len(q.Constants) == 0 {
		q.Constants = nil
	}
	if len(q.Upvalues) == 0 {
		q.Upvalues = nil
	}
	if len(q.LocVars) == 0 {
		q.LocVars = nil
	}
	q.Protos = nil
	for _, sub := range p.Protos {
		q.Protos = append(q.Protos, normalise(sub))
	}
	// -0.0 and NaN constants compare by bits.
	for i, c := range q.Constants {
		if f, ok := c.(float64); ok {
			q.Constants = append([]any(nil), q.Constants...)
			q.Constants[i] = math.Float64bits(f)
		}
	}
	return &q
}

// strip removes what Dump leaves out with strip set.
func strip(p *bytecode.Proto) *bytecode.Proto {
	q := *p
	q.Source = "=?"
	q.LineInfo = nil
	q.LocVars = nil
	q.Upvalues = append([]bytecode.UpvalueDesc(nil), p.Upvalues...)
	for i := range q.Upvalues {
		q.Upvalues[i].Name = ""
	}
	q.Protos = nil
	for _, sub := range p.Protos {
		q.Protos = append(q.Protos, strip(sub))
	}
	return &q
}

// TestProtoFields fails when Proto gains a field, so that Dump learns to
// write it.
func TestProtoFields(t *testing.T) {
	want := "Source LineDefined LastLineDefined NumParams IsVararg MaxStackSize Code LineInfo Constants Upvalues Protos LocVars"
	var names []string
	typ := reflect.TypeOf(bytecode.Proto{})
	for i := 0; i < typ.NumField(); i++ {
		names = append(names, typ.Field(i).Name)
	}
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Proto fields are %q; Dump and Undump handle %q", got, want)
	}
	if got := reflect.TypeOf(bytecode.UpvalueDesc{}).NumField(); got != 4 {
		t.Errorf("UpvalueDesc has %d fields; Dump handles 4", got)
	}
}

func TestUndumpErrors(t *testing.T) {
	good := bytecode.Dump(compileSource(t, "=x", "local a = ... return a + 1"), false)
	with := func(i int, b byte) []byte {
		d := append([]byte(nil), good...)
		d[i] = b
		return d
	}
	tests := []struct {
		data []byte
		name string
		want string
	}{
		{good[:1], "\x1bLua", "binary string: bad binary format (truncated chunk)"},
		{[]byte("\x1bLux"), "=stdin", "stdin: bad binary format (not a binary chunk)"},
		{good[:4], "@f.luac", "f.luac: bad binary format (truncated chunk)"},
		{with(4, 0x53), "name", "name: bad binary format (version mismatch)"},
		{with(5, 0), "=x", "x: bad binary format (format mismatch)"},
		{with(8, 0), "=x", "x: bad binary format (corrupted chunk)"},
		{with(12, 8), "=x", "x: bad binary format (Instruction size mismatch)"},
		{with(13, 4), "=x", "x: bad binary format (lua_Integer size mismatch)"},
		{with(14, 4), "=x", "x: bad binary format (lua_Number size mismatch)"},
		{with(15, 0), "=x", "x: bad binary format (integer format mismatch)"},
		{with(30, 0), "=x", "x: bad binary format (float format mismatch)"},
		{with(31, 9), "=x", "x: bad binary format (corrupted chunk)"},
		{good[:len(good)-1], "=x", "x: bad binary format (truncated chunk)"},
	}
	for _, tt := range tests {
		_, err := bytecode.Undump(tt.data, tt.name)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Undump(%q) = %v, want %s", tt.data, err, tt.want)
		}
		var ue *bytecode.UndumpError
		if err != nil && !errors.As(err, &ue) {
			t.Errorf("error %T is not an *UndumpError", err)
		}
	}
	// Every truncation fails cleanly.
	for n := 0; n < len(good); n++ {
		if _, err := bytecode.Undump(good[:n], "=x"); err == nil {
			t.Fatalf("truncated to %d bytes: no error", n)
		}
	}
	// Trailing bytes are ignored, as the reference ignores them.
	if _, err := bytecode.Undump(append(append([]byte(nil), good...), "junk"...), "=x"); err != nil {
		t.Errorf("trailing bytes: %v", err)
	}
}

// TestVerifyRejects checks the verifier on hand-made malformed code.
func TestVerifyRejects(t *testing.T) {
	base := func(code ...bytecode.Instruction) *bytecode.Proto {
		return &bytecode.Proto{
			Source: "=v", MaxStackSize: 4, Code: code,
			Constants: []any{"name", int64(1), 2.5},
			Upvalues:  []bytecode.UpvalueDesc{{Name: "_ENV", InStack: true}},
		}
	}
	ret := bytecode.ABC(bytecode.OpReturn0, 0, 0, 0, false)
	jmp := func(sj int) bytecode.Instruction { return bytecode.SJ(bytecode.OpJmp, sj) }
	tests := []struct {
		name string
		p    *bytecode.Proto
		ok   bool
	}{
		{"valid", base(bytecode.ABx(bytecode.OpLoadK, 0, 0), ret), true},
		{"no code", base(), false},
		{"no return at the end", base(bytecode.ABx(bytecode.OpLoadK, 0, 0)), false},
		{"register out of range", base(bytecode.ABC(bytecode.OpMove, 4, 0, 0, false), ret), false},
		{"constant out of range", base(bytecode.ABx(bytecode.OpLoadK, 0, 3), ret), false},
		{"field name not a string", base(bytecode.ABC(bytecode.OpGetField, 0, 0, 1, false), ret), false},
		{"upvalue out of range", base(bytecode.ABC(bytecode.OpGetUpval, 0, 1, 0, false), ret), false},
		{"jump out of range", base(jmp(5), ret), false},
		{"jump backwards out of range", base(jmp(-3), ret), false},
		{"test without jump", base(bytecode.ABC(bytecode.OpTest, 0, 0, 0, false), ret, ret), false},
		{"test with jump", base(bytecode.ABC(bytecode.OpTest, 0, 0, 0, false), jmp(0), ret), true},
		{"arith without MMBIN", base(bytecode.ABC(bytecode.OpAdd, 0, 1, 2, false), ret, ret), false},
		{"MMBIN first", base(bytecode.ABC(bytecode.OpMMBin, 0, 1, int(bytecode.TMAdd), false), ret), false},
		{"bad MMBIN event", base(bytecode.ABC(bytecode.OpAdd, 0, 1, 2, false),
			bytecode.ABC(bytecode.OpMMBin, 1, 2, 40, false), ret), false},
		{"arith with MMBIN", base(bytecode.ABC(bytecode.OpAdd, 0, 1, 2, false),
			bytecode.ABC(bytecode.OpMMBin, 1, 2, int(bytecode.TMAdd), false), ret), true},
		{"LOADKX without EXTRAARG", base(bytecode.ABx(bytecode.OpLoadKX, 0, 0), ret), false},
		{"closure out of range", base(bytecode.ABx(bytecode.OpClosure, 0, 0), ret), false},
		{"call using an unset top", base(bytecode.ABC(bytecode.OpCall, 0, 0, 1, false), ret), false},
		{"return using an unset top", base(bytecode.ABC(bytecode.OpLoadNil, 0, 0, 0, false),
			bytecode.ABC(bytecode.OpReturn, 0, 0, 0, false)), false},
		{"open call then return", base(bytecode.ABC(bytecode.OpCall, 0, 1, 0, false),
			bytecode.ABC(bytecode.OpReturn, 0, 0, 0, false)), true},
		{"open call then call below it", base(bytecode.ABC(bytecode.OpCall, 1, 1, 0, false),
			bytecode.ABC(bytecode.OpCall, 1, 0, 1, false), ret), false},
		{"SETLIST on a non-table", base(bytecode.ABC(bytecode.OpLoadNil, 0, 0, 0, false),
			bytecode.ABC(bytecode.OpSetList, 0, 1, 0, false), ret), false},
		{"SETLIST on a new table", base(bytecode.ABC(bytecode.OpNewTable, 0, 0, 0, false),
			bytecode.Ax(bytecode.OpExtraArg, 0),
			bytecode.ABC(bytecode.OpLoadI, 1, 0, 0, false),
			bytecode.ABC(bytecode.OpSetList, 0, 1, 0, false), ret), true},
		{"SETLIST after the table is overwritten", base(bytecode.ABC(bytecode.OpNewTable, 0, 0, 0, false),
			bytecode.Ax(bytecode.OpExtraArg, 0),
			bytecode.ABC(bytecode.OpCall, 0, 1, 2, false),
			bytecode.ABC(bytecode.OpSetList, 0, 1, 0, false), ret), false},
		{"VARARGPREP in a fixed function", base(bytecode.ABC(bytecode.OpVarargPrep, 0, 0, 0, false), ret), false},
	}
	for _, tt := range tests {
		err := bytecode.Verify(tt.p)
		if (err == nil) != tt.ok {
			t.Errorf("%s: Verify = %v", tt.name, err)
		}
	}
	// Bad stack sizes, parameter counts and nested upvalues.
	p := base(ret)
	p.MaxStackSize = 300
	if bytecode.Verify(p) == nil {
		t.Error("stack size 300 accepted")
	}
	p = base(ret)
	p.NumParams = 5
	if bytecode.Verify(p) == nil {
		t.Error("more parameters than registers accepted")
	}
	p = base(bytecode.ABx(bytecode.OpClosure, 0, 0), ret)
	p.Protos = []*bytecode.Proto{base(ret)}
	p.Protos[0].Upvalues[0].Index = 10
	if bytecode.Verify(p) == nil {
		t.Error("nested upvalue on register 10 of 4 accepted")
	}
}

// FuzzUndump loads fuzzed binary chunks: Undump must return a verified
// prototype or an error, never panic.
func FuzzUndump(f *testing.F) {
	for _, src := range dumpSnippets {
		chunk, err := syntax.Parse("=fuzz", []byte(src))
		if err != nil {
			continue
		}
		p, err := compile.Compile(chunk)
		if err != nil {
			continue
		}
		f.Add(bytecode.Dump(p, false))
		f.Add(bytecode.Dump(p, true))
	}
	f.Add([]byte("\x1bLua"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := bytecode.Undump(data, "=fuzz")
		if err != nil {
			return
		}
		if err := bytecode.Verify(p); err != nil {
			t.Fatalf("Undump returned an unverified prototype: %v", err)
		}
		// What loads must dump and load again to the same thing.
		q, err := bytecode.Undump(bytecode.Dump(p, false), "=fuzz")
		if err != nil {
			t.Fatalf("re-dump: %v", err)
		}
		if !reflect.DeepEqual(normalise(p), normalise(q)) {
			t.Fatal("re-dump changed the prototype")
		}
	})
}
