package syntax

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// exprString prints an expression fully parenthesized, to check how the
// parser grouped it.
func exprString(e Expr) string {
	switch e := e.(type) {
	case *NilExpr:
		return "nil"
	case *TrueExpr:
		return "true"
	case *FalseExpr:
		return "false"
	case *VarargExpr:
		return "..."
	case *IntExpr:
		return strconv.FormatInt(e.Value, 10)
	case *FloatExpr:
		return strconv.FormatFloat(e.Value, 'g', -1, 64) + "f"
	case *StringExpr:
		return strconv.Quote(e.Value)
	case *NameExpr:
		return e.Name
	case *IndexExpr:
		return exprString(e.Obj) + "[" + exprString(e.Key) + "]"
	case *CallExpr:
		return exprString(e.Fn) + "(" + exprList(e.Args) + ")"
	case *MethodCallExpr:
		return exprString(e.Obj) + ":" + e.Name + "(" + exprList(e.Args) + ")"
	case *FunctionExpr:
		params := append([]string(nil), e.Params...)
		if e.IsVararg {
			params = append(params, "...")
		}
		return "function(" + strings.Join(params, ",") + ") [" + strconv.Itoa(len(e.Body.Stats)) + "] end"
	case *BinaryExpr:
		return "(" + exprString(e.L) + " " + e.Op.String() + " " + exprString(e.R) + ")"
	case *UnaryExpr:
		return "(" + e.Op.String() + " " + exprString(e.X) + ")"
	case *ParenExpr:
		return "<" + exprString(e.X) + ">"
	case *TableExpr:
		var parts []string
		for _, f := range e.Fields {
			if f.Key == nil {
				parts = append(parts, exprString(f.Value))
			} else {
				parts = append(parts, "["+exprString(f.Key)+"]="+exprString(f.Value))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("?%T", e)
}

func exprList(list []Expr) string {
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = exprString(e)
	}
	return strings.Join(parts, ", ")
}

func parseOK(t *testing.T, src string) *Chunk {
	t.Helper()
	chunk, err := ParseMode("=test", []byte(src), 0)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return chunk
}

// parseExpr parses "return <src>" and prints the returned expressions.
func parseExpr(t *testing.T, src string) string {
	t.Helper()
	chunk := parseOK(t, "return "+src)
	return exprList(chunk.Block.Stats[0].(*ReturnStat).Values)
}

func TestPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"1 + 2 * 3", "(1 + (2 * 3))"},
		{"1 * 2 + 3", "((1 * 2) + 3)"},
		{"1 - 2 - 3", "((1 - 2) - 3)"},
		{"1 / 2 // 3 % 4 * 5", "((((1 / 2) // 3) % 4) * 5)"},
		{"a .. b .. c", "(a .. (b .. c))"},
		{"a ^ b ^ c", "(a ^ (b ^ c))"},
		{"-x ^ 2", "(- (x ^ 2))"},
		{"-x ^ -y ^ z", "(- (x ^ (- (y ^ z))))"},
		{"2 ^ -3", "(2 ^ (- 3))"},
		{"not a == b", "((not a) == b)"},
		{"not not a", "(not (not a))"},
		{"- - 1", "(- (- 1))"},
		{"#t + 1", "((# t) + 1)"},
		{"~a & b", "((~ a) & b)"},
		{"a ~ b", "(a ~ b)"},
		{"a ~ ~b", "(a ~ (~ b))"},
		{"a or b and c", "(a or (b and c))"},
		{"a and b or c and d", "((a and b) or (c and d))"},
		{"a < b == c", "((a < b) == c)"},
		{"a == b ~= c", "((a == b) ~= c)"},
		{"a | b ~ c & d << e .. f + g * h ^ i", "(a | (b ~ (c & (d << (e .. (f + (g * (h ^ i))))))))"},
		{"a ^ b * c + d .. e << f & g ~ h | i < j and k or l",
			"(((((((((((a ^ b) * c) + d) .. e) << f) & g) ~ h) | i) < j) and k) or l)"},
		{"a .. b + c .. d", "(a .. ((b + c) .. d))"},
		{"a << b >> c", "((a << b) >> c)"},
		{"1 .. 2 == '12'", "((1 .. 2) == \"12\")"},
		{"a <= b >= c > d", "(((a <= b) >= c) > d)"},
		{"(a + b) * c", "(<(a + b)> * c)"},
		{"-2 ^ 2", "(- (2 ^ 2))"},
		{"#a .. b", "((# a) .. b)"},
		{"not a .. b", "((not a) .. b)"},
		{"a + -b", "(a + (- b))"},
		{"a ^ #b ^ c", "(a ^ (# (b ^ c)))"},
	}
	for _, tt := range tests {
		if got := parseExpr(t, tt.src); got != tt.want {
			t.Errorf("%s:\n got  %s\n want %s", tt.src, got, tt.want)
		}
	}
}

func TestExpressions(t *testing.T) {
	tests := []struct{ src, want string }{
		{"nil, true, false, ...", "nil, true, false, ..."},
		{"1, 1.0, 0x10, 'a', [[b]]", `1, 1f, 16, "a", "b"`},
		{"a.b.c", `a["b"]["c"]`},
		{"a[1][b]", `a[1][b]`},
		{"a.b[c].d", `a["b"][c]["d"]`},
		{"f()", "f()"},
		{"f(1, 2)", "f(1, 2)"},
		{"f'x'", `f("x")`},
		{`f"x"`, `f("x")`},
		{"f[[x]]", `f("x")`},
		{"f{1}", "f({1})"},
		{"f{}", "f({})"},
		{"f'x''y'", `f("x")("y")`},
		{"f{}{}", `f({})({})`},
		{"a:b()", "a:b()"},
		{"a:b'x'", `a:b("x")`},
		{"a:b{}", `a:b({})`},
		{"a.b:c(1).d:e()", `a["b"]:c(1)["d"]:e()`},
		{"(f)()", "<f>()"},
		{"('x'):rep(2)", `<"x">:rep(2)`},
		{"(f())", "<f()>"},
		{"{}", "{}"},
		{"{1, 2; 3,}", "{1, 2, 3}"},
		{"{a = 1, ['b'] = 2, 3, [4] = 5;}", `{["a"]=1, ["b"]=2, 3, [4]=5}`},
		{"{a}", "{a}"},
		{"{a.b, a == b, f()}", `{a["b"], (a == b), f()}`},
		{"{{}, {{}}}", "{{}, {{}}}"},
		{"function() end", "function() [0] end"},
		{"function(a, b) return a end", "function(a,b) [1] end"},
		{"function(...) return ... end", "function(...) [1] end"},
		{"function(a, ...) end", "function(a,...) [0] end"},
	}
	for _, tt := range tests {
		if got := parseExpr(t, tt.src); got != tt.want {
			t.Errorf("%s:\n got  %s\n want %s", tt.src, got, tt.want)
		}
	}
}

func TestStatements(t *testing.T) {
	chunk := parseOK(t, `
local a, b <const>, c <close> = 1, 2
local d
local function f(x, ...) return ... end
function g.h.i:m(y) return self end
function k() end
a, b.c, d[1] = f()
f(a)
o:m(1)
do end
while a do break end
repeat local z until z
if a then elseif b then else end
if a then end
for i = 1, 10, 2 do end
for i = 1, 10 do end
for k, v in pairs(t) do end
goto done
::done::
;;
return 1, 2;
`)
	var kinds []string
	for _, s := range chunk.Block.Stats {
		kinds = append(kinds, strings.TrimPrefix(fmt.Sprintf("%T", s), "*syntax."))
	}
	want := "LocalStat LocalStat LocalFunctionStat FunctionStat FunctionStat AssignStat CallStat CallStat " +
		"DoStat WhileStat RepeatStat IfStat IfStat NumericForStat NumericForStat GenericForStat " +
		"GotoStat LabelStat ReturnStat"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("statements:\n got  %s\n want %s", got, want)
	}
	st := chunk.Block.Stats
	local := st[0].(*LocalStat)
	if fmt.Sprint(local.Names, local.Attribs, len(local.Values)) != "[a b c] [0 1 2] 2" {
		t.Errorf("local: %v %v %v", local.Names, local.Attribs, local.Values)
	}
	if d := st[1].(*LocalStat); len(d.Values) != 0 || d.Attribs[0] != AttribNone {
		t.Errorf("local d: %+v", d)
	}
	lf := st[2].(*LocalFunctionStat)
	if lf.Name != "f" || strings.Join(lf.Func.Params, ",") != "x" || !lf.Func.IsVararg {
		t.Errorf("local function: %+v %+v", lf, lf.Func)
	}
	fs := st[3].(*FunctionStat)
	if !fs.IsMethod || exprString(fs.Target) != `g["h"]["i"]["m"]` || strings.Join(fs.Func.Params, ",") != "self,y" {
		t.Errorf("method: %s %v", exprString(fs.Target), fs.Func.Params)
	}
	if fs := st[4].(*FunctionStat); fs.IsMethod || exprString(fs.Target) != "k" || len(fs.Func.Params) != 0 {
		t.Errorf("function: %+v", fs)
	}
	as := st[5].(*AssignStat)
	if exprList(as.Targets) != `a, b["c"], d[1]` || exprList(as.Values) != "f()" {
		t.Errorf("assign: %s = %s", exprList(as.Targets), exprList(as.Values))
	}
	if c := st[7].(*CallStat); exprString(c.Call) != "o:m(1)" {
		t.Errorf("call: %s", exprString(c.Call))
	}
	if w := st[9].(*WhileStat); len(w.Body.Stats) != 1 {
		t.Errorf("while body: %v", w.Body.Stats)
	} else if _, ok := w.Body.Stats[0].(*BreakStat); !ok {
		t.Errorf("while body: %T", w.Body.Stats[0])
	}
	if r := st[10].(*RepeatStat); exprString(r.Cond) != "z" || len(r.Body.Stats) != 1 {
		t.Errorf("repeat: %+v", r)
	}
	if i := st[11].(*IfStat); len(i.Conds) != 2 || len(i.Blocks) != 2 || i.Else == nil {
		t.Errorf("if: %+v", i)
	}
	if i := st[12].(*IfStat); len(i.Conds) != 1 || i.Else != nil {
		t.Errorf("if: %+v", i)
	}
	if f := st[13].(*NumericForStat); f.Var != "i" || exprString(f.Step) != "2" {
		t.Errorf("for: %+v", f)
	}
	if f := st[14].(*NumericForStat); f.Step != nil {
		t.Errorf("for without step: %+v", f)
	}
	if f := st[15].(*GenericForStat); strings.Join(f.Names, ",") != "k,v" || exprList(f.Exprs) != "pairs(t)" {
		t.Errorf("generic for: %+v", f)
	}
	if g := st[16].(*GotoStat); g.Label != "done" {
		t.Errorf("goto: %+v", g)
	}
	if l := st[17].(*LabelStat); l.Name != "done" {
		t.Errorf("label: %+v", l)
	}
	if r := st[18].(*ReturnStat); exprList(r.Values) != "1, 2" {
		t.Errorf("return: %+v", r)
	}
}

func TestReturnForms(t *testing.T) {
	for _, src := range []string{
		"return", "return;", "return 1", "return 1;", "return f()",
		"do return end", "do return; end", "if x then return else return 1 end",
		"repeat return until x", "while x do return end",
		"local function f() return end",
		"do return end return",
	} {
		if _, err := ParseMode("=test", []byte(src), 0); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

func TestVararg(t *testing.T) {
	ok := []string{
		"return ...",
		"local a, b = ...",
		"function f(...) return ... end",
		"function f(a, ...) return function(...) return ... end end",
		"return function(...) local t = {...} end",
	}
	for _, src := range ok {
		if _, err := ParseMode("=test", []byte(src), 0); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
	bad := []string{
		"function f() return ... end",
		"function f(...) return function() return ... end end",
		"local function f(a) local t = {...} end",
		"return function(...) end, function() return ... end",
	}
	for _, src := range bad {
		_, err := ParseMode("=test", []byte(src), 0)
		if err == nil || !strings.Contains(err.Error(), "cannot use '...' outside a vararg function near '...'") {
			t.Errorf("%q: got %v", src, err)
		}
	}
}

func TestPositions(t *testing.T) {
	src := "local x = a.b +\n  f(1)\n    :m 'y'\nx[1], y = 2, function()\nend\nfunction t.u:v() end"
	chunk := parseOK(t, src)
	st := chunk.Block.Stats
	local := st[0].(*LocalStat)
	bin := local.Values[0].(*BinaryExpr)
	idx := bin.L.(*IndexExpr)
	mc := bin.R.(*MethodCallExpr)
	call := mc.Obj.(*CallExpr)
	as := st[1].(*AssignStat)
	fn := as.Values[1].(*FunctionExpr)
	fs := st[2].(*FunctionStat)
	checks := []struct {
		what string
		got  Pos
		want Pos
	}{
		{"local", local.P, Pos{1, 1}},
		{"local name", local.NameP[0], Pos{1, 7}},
		{"binary op", bin.P, Pos{1, 15}},
		{"index '.'", idx.P, Pos{1, 12}},
		{"index key", idx.Key.Pos(), Pos{1, 13}},
		{"method call", mc.P, Pos{2, 3}},
		{"method name", mc.NameP, Pos{3, 6}},
		{"method arg", mc.Args[0].Pos(), Pos{3, 8}},
		{"call", call.P, Pos{2, 3}},
		{"assign '='", as.P, Pos{4, 9}},
		{"index '['", as.Targets[0].Pos(), Pos{4, 2}},
		{"function", fn.P, Pos{4, 14}},
		{"function end", fn.EndP, Pos{5, 1}},
		{"function body end", fn.Body.End, Pos{5, 1}},
		{"function stat", fs.P, Pos{6, 1}},
		{"method target ':'", fs.Target.Pos(), Pos{6, 13}},
		{"method func", fs.Func.P, Pos{6, 1}},
		{"chunk end", chunk.Block.End, Pos{6, 21}},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestChunkID(t *testing.T) {
	// Expected values come from lua5.4: select(2, load("x=", name)).
	long := strings.Repeat("abcdefghij", 8)
	tests := []struct{ name, want string }{
		{"=input", "input"},
		{"@file.lua", "file.lua"},
		{"x = = 1", `[string "x = = 1"]`},
		{"", `[string ""]`},
		{"=", ""},
		{"@", ""},
		{"@" + long, "..." + long[len(long)-56:]},
		{"=" + long, long[:59]},
		{"@" + strings.Repeat("x", 59), strings.Repeat("x", 59)},
		{"@" + strings.Repeat("x", 60), "..." + strings.Repeat("x", 56)},
		{"=" + strings.Repeat("y", 59), strings.Repeat("y", 59)},
		{"=" + strings.Repeat("y", 60), strings.Repeat("y", 59)},
		{strings.Repeat("z", 44), `[string "` + strings.Repeat("z", 44) + `"]`},
		{strings.Repeat("z", 45), `[string "` + strings.Repeat("z", 45) + `..."]`},
		{strings.Repeat("z", 46), `[string "` + strings.Repeat("z", 45) + `..."]`},
		{"ab\ncd", `[string "ab..."]`},
		{"\nx=", `[string "..."]`},
		{"ab\x00cd", `[string "ab"]`},
		{"=a\x00b", "a"},
	}
	for _, tt := range tests {
		if got := ChunkID(tt.name); got != tt.want {
			t.Errorf("ChunkID(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	// The largest n that parses, for each construct: one more than what
	// lua5.4 accepts through load() called from a chunk, which is what it
	// accepts for a script file run by the standalone interpreter.
	tests := []struct {
		name string
		max  int
		gen  func(n int) string
	}{
		{"paren", 196, func(n int) string { return "x=" + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) }},
		{"unary", 196, func(n int) string { return "x=" + strings.Repeat("- ", n) + "1" }},
		{"not", 196, func(n int) string { return "x=" + strings.Repeat("not ", n) + "1" }},
		{"concat", 196, func(n int) string { return "x=" + strings.Repeat("a..", n) + "a" }},
		{"pow", 196, func(n int) string { return "x=" + strings.Repeat("a^", n) + "a" }},
		{"table", 197, func(n int) string { return "x=" + strings.Repeat("{", n) + strings.Repeat("}", n) }},
		{"function", 198, func(n int) string { return strings.Repeat("function f() ", n) + strings.Repeat("end ", n) }},
		{"function expr", 99, func(n int) string { return strings.Repeat("x = function() ", n) + strings.Repeat("end ", n) }},
		{"do", 198, func(n int) string { return strings.Repeat("do ", n) + strings.Repeat("end ", n) }},
		{"if", 197, func(n int) string { return strings.Repeat("if x then ", n) + strings.Repeat("end ", n) }},
		{"while", 197, func(n int) string { return strings.Repeat("while x do ", n) + strings.Repeat("end ", n) }},
		{"repeat", 197, func(n int) string { return strings.Repeat("repeat ", n) + strings.Repeat("until x ", n) }},
		{"assign", 196, func(n int) string { return strings.Repeat("a,", n) + "a=1" }},
		{"labels", 198, func(n int) string {
			var b strings.Builder
			for i := 0; i < n; i++ {
				fmt.Fprintf(&b, "::l%d:: ", i)
			}
			return b.String()
		}},
		{"index", 196, func(n int) string { return "x=" + strings.Repeat("a[", n) + "1" + strings.Repeat("]", n) }},
		{"call", 197, func(n int) string { return "x=" + strings.Repeat("f(", n) + ")" + strings.Repeat(")", n-1) }},
		{"mixed", 98, func(n int) string { return "x=" + strings.Repeat("-(", n) + "1" + strings.Repeat(")", n) }},
	}
	for _, tt := range tests {
		if _, err := ParseMode("=test", []byte(tt.gen(tt.max)), 0); err != nil {
			t.Errorf("%s %d: %v", tt.name, tt.max, err)
		}
		_, err := ParseMode("=test", []byte(tt.gen(tt.max+1)), 0)
		if err == nil || err.Error() != "C stack overflow" {
			t.Errorf("%s %d: got %v, want C stack overflow", tt.name, tt.max+1, err)
		}
	}
	// Long flat constructs are not nested.
	for _, src := range []string{
		"x=" + strings.Repeat("a+", 10000) + "a",
		"::a::" + strings.Repeat(";", 10000),
		strings.Repeat("x = 1\n", 10000),
		"x = {" + strings.Repeat("1,", 10000) + "}",
	} {
		if _, err := ParseMode("=test", []byte(src), 0); err != nil {
			t.Errorf("flat %.20q: %v", src, err)
		}
	}
	// Very deep nesting fails cleanly, without exhausting the Go stack.
	for _, src := range []string{
		strings.Repeat("(", 1e6),
		"x=" + strings.Repeat("{", 1e6),
		"x=" + strings.Repeat("- ", 1e6),
		strings.Repeat("do ", 1e6),
	} {
		if _, err := ParseMode("=test", []byte(src), 0); err == nil || err.Error() != "C stack overflow" {
			t.Errorf("deep %.10q: %v", src, err)
		}
	}
}

func TestShebang(t *testing.T) {
	src := []byte("#!/usr/bin/env lua\nreturn = 1")
	_, err := Parse("@script.lua", src)
	if err == nil || err.Error() != "script.lua:2: unexpected symbol near '='" {
		t.Errorf("Parse: %v", err)
	}
	_, err = ParseMode("=input", src, 0)
	if err == nil || err.Error() != "input:1: unexpected symbol near '#'" {
		t.Errorf("ParseMode: %v", err)
	}
}

func TestErrorRecovery(t *testing.T) {
	src := `local x = = 1
local y = 2
function f()
  return 1 +
end
if a then b = = 3 end
print("ok")
z = "unterminated
local t = {1 2}
return 1 end
`
	_, err := ParseMode("=r", []byte(src), 0)
	list, ok := err.(ErrorList)
	if !ok {
		t.Fatalf("got %T %v", err, err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	want := []string{
		"r:1: unexpected symbol near '='",
		"r:5: unexpected symbol near 'end'",
		"r:6: unexpected symbol near '='",
		`r:8: unfinished string near '"unterminated'`,
		"r:9: '}' expected near '2'",
		"r:10: <eof> expected near 'end'",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err.Error() != want[0] {
		t.Errorf("Error() = %q", err.Error())
	}

	// The parser gives up after maxErrors errors.
	_, err = ParseMode("=r", []byte(strings.Repeat("local x = = 1\n", 100)), 0)
	if list := err.(ErrorList); len(list) != maxErrors {
		t.Errorf("got %d errors", len(list))
	}
}

func TestErrorList(t *testing.T) {
	var l ErrorList
	if l.Err() != nil || l.Error() != "no errors" {
		t.Errorf("empty list: %v %q", l.Err(), l.Error())
	}
	l = ErrorList{
		{Chunk: "=a", Pos: Pos{3, 1}, Msg: "c"},
		{Chunk: "=a", Pos: Pos{1, 5}, Msg: "b"},
		{Chunk: "=a", Pos: Pos{1, 2}, Msg: "a"},
	}
	l.Sort()
	if l.Error() != "a:1: a" || l[1].Msg != "b" || l[2].Msg != "c" {
		t.Errorf("sorted: %v %v %v", l[0], l[1], l[2])
	}
	if l.Err() == nil {
		t.Error("Err() = nil")
	}
}

func BenchmarkParse(b *testing.B) {
	src := []byte(strings.Repeat(`local function fib(n) -- comment
  if n < 2 then return n end
  local t = {x = 1.5, y = "str\n", [3] = 0x10}
  for i = 1, #t do t[i] = t[i] * 2 + fib(i) end
  return fib(n - 1) + fib(n - 2) .. [[long]], t:method("a", 'b')
end
`, 100))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseMode("=bench", src, 0); err != nil {
			b.Fatal(err)
		}
	}
}
