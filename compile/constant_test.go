package compile

import (
	"fmt"
	"math"
	"os/exec"
	"strings"
	"testing"
)

// foldOperands are numbers whose combinations exercise the corners of
// Lua arithmetic.
var foldOperands = []any{
	int64(0), int64(1), int64(-1), int64(2), int64(-7), int64(3), int64(64), int64(-64), int64(63),
	int64(math.MaxInt64), int64(math.MinInt64),
	0.0, math.Copysign(0, -1), 1.0, -1.0, 2.5, -7.5, 3.0, 1e308, -1e308, math.Inf(1), math.Inf(-1),
	0x1p63, -0x1p63,
}

var arithOpText = [...]string{
	arAdd: "+", arSub: "-", arMul: "*", arMod: "%", arPow: "^", arDiv: "/", arIDiv: "//",
	arBAnd: "&", arBOr: "|", arBXor: "~", arShl: "<<", arShr: ">>", arUnm: "-", arBNot: "~",
}

// luaLiteral writes a number so that Lua reads back the same value.
func luaLiteral(v any) string {
	switch x := v.(type) {
	case int64:
		if x == math.MinInt64 {
			return "math.mininteger"
		}
		return fmt.Sprintf("(%d)", x)
	case float64:
		switch {
		case math.IsInf(x, 1):
			return "math.huge"
		case math.IsInf(x, -1):
			return "(-math.huge)"
		case x == 0 && math.Signbit(x):
			return "(-0.0)"
		}
		return fmt.Sprintf("(%s)", fmt.Sprintf("%.17g", x)+map[bool]string{true: ".0", false: ""}[x == math.Trunc(x) && math.Abs(x) < 1e15])
	}
	return "?"
}

// formatResult prints a result as the Lua script below does.
func formatResult(v any) string {
	switch x := v.(type) {
	case int64:
		return fmt.Sprintf("integer %d", x)
	case float64:
		return "float " + strings.TrimPrefix(fmt.Sprintf("%.17g", x), "+")
	}
	return "?"
}

// TestFoldAgainstLua compares every folding that fold accepts with the
// result lua5.4 computes at run time.
func TestFoldAgainstLua(t *testing.T) {
	lua, err := exec.LookPath("lua5.4")
	if err != nil {
		t.Skip("lua5.4 not installed")
	}
	type fcase struct {
		expr string
		want string
		pow  bool
	}
	var cases []fcase
	var script strings.Builder
	script.WriteString(`local function show(ok, v)
  if not ok then print("error") return end
  if math.type(v) == "integer" then print("integer " .. string.format("%d", v))
  else local s = string.format("%.17g", v)
    if s == "inf" then s = "+Inf" elseif s == "-inf" then s = "-Inf" end
    print("float " .. s) end
end
`)
	for op := arAdd; op <= arBNot; op++ {
		for _, a := range foldOperands {
			bs := foldOperands
			if op >= arUnm {
				bs = []any{int64(0)}
			}
			for _, b := range bs {
				r, ok := fold(op, a, b)
				if !ok {
					continue
				}
				expr, code := luaLiteral(a)+" "+arithOpText[op]+" "+luaLiteral(b), "a "+arithOpText[op]+" b"
				if op >= arUnm {
					expr, code = arithOpText[op]+luaLiteral(a), arithOpText[op]+"a"
				}
				want := formatResult(r)
				if f, isF := r.(float64); isF && math.IsInf(f, 0) {
					want = map[bool]string{true: "float +Inf", false: "float -Inf"}[f > 0]
				}
				cases = append(cases, fcase{expr, want, op == arPow})
				// Operands go through locals so that lua5.4 computes at
				// run time instead of folding.
				fmt.Fprintf(&script, "do local a, b = %s, %s show(pcall(function() return %s end)) end\n",
					luaLiteral(a), luaLiteral(b), code)
			}
		}
	}
	cmd := exec.Command(lua, "-")
	cmd.Stdin = strings.NewReader(script.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("lua5.4: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("%d results for %d cases", len(lines), len(cases))
	}
	for i, c := range cases {
		got := strings.Replace(lines[i], "float inf", "float +Inf", 1)
		if got != c.want && c.pow && ulpsApart(got, c.want) <= 64 {
			// Folding uses math.Pow, as the VM does at run time; it may
			// differ from C's pow in the last bits.
			continue
		}
		if got != c.want {
			t.Errorf("%s: lua5.4 gives %s, fold gives %s", c.expr, got, c.want)
		}
	}
}

// ulpsApart returns how many floats lie between two results printed as
// "float %.17g" (a large number when they are not both floats).
func ulpsApart(a, b string) uint64 {
	var x, y float64
	if _, err := fmt.Sscanf(a, "float %g", &x); err != nil {
		return math.MaxUint64
	}
	if _, err := fmt.Sscanf(b, "float %g", &y); err != nil {
		return math.MaxUint64
	}
	if math.Signbit(x) != math.Signbit(y) {
		return math.MaxUint64
	}
	bx, by := math.Float64bits(x), math.Float64bits(y)
	if bx > by {
		return bx - by
	}
	return by - bx
}

// TestFoldRefusals checks the operations fold must leave to run time.
func TestFoldRefusals(t *testing.T) {
	refused := []struct {
		op   arithOp
		a, b any
	}{
		{arDiv, int64(1), int64(0)},
		{arIDiv, int64(1), int64(0)},
		{arMod, int64(1), int64(0)},
		{arMod, 1.0, 0.0},
		{arDiv, 0.0, 1.0},                 // 0.0 is not folded
		{arMul, -1.0, 0.0},                // nor -0.0
		{arSub, math.Inf(1), math.Inf(1)}, // nor NaN
		{arBAnd, 1.5, int64(1)},           // not an integer
		{arBOr, 0x1p63, int64(1)},         // out of range
		{arUnm, 0.0, int64(0)},            // -0.0
		{arAdd, "1", int64(1)},            // strings are not folded
		{arBNot, math.Inf(1), int64(0)},   // not an integer
		{arPow, int64(0), int64(-1)},      // inf... is folded, checked below
	}
	for _, tc := range refused[:len(refused)-1] {
		if r, ok := fold(tc.op, tc.a, tc.b); ok {
			t.Errorf("fold(%s, %v, %v) = %v, want no folding", arithOpText[tc.op], tc.a, tc.b, r)
		}
	}
	if r, ok := fold(arPow, int64(0), int64(-1)); !ok || r != math.Inf(1) {
		t.Errorf("0^-1 = %v, %v", r, ok)
	}
}
