package lunar

import (
	"math"
	"testing"
	"unsafe"
)

func TestValueSize(t *testing.T) {
	if s := unsafe.Sizeof(Value{}); s != 16 {
		t.Fatalf("Value is %d bytes, want 16", s)
	}
}

func TestValueKinds(t *testing.T) {
	cases := []struct {
		v    Value
		want Type
	}{
		{Nil, TypeNil}, {True, TypeBoolean}, {False, TypeBoolean},
		{Int(0), TypeNumber}, {Int(-1), TypeNumber}, {Float(0.5), TypeNumber},
		{String(""), TypeString}, {String("abc"), TypeString},
		{TableValue(NewTable(0, 0)), TypeTable},
		{NewFunction("f", nil), TypeFunction},
		{UserdataValue(NewUserdata(1, nil)), TypeUserdata},
	}
	for _, c := range cases {
		if got := c.v.Type(); got != c.want {
			t.Errorf("%v: type %v, want %v", c.v, got, c.want)
		}
	}
	// An integer whose bits look like a string header is still an integer.
	v := Int(int64(tagString<<tagShift | 3))
	if !v.IsInt() || v.IsString() {
		t.Error("integer with tag-like bits misclassified")
	}
}

func TestNoAllocation(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		_ = Int(42)
		_ = Float(1.5)
		_ = String("constant")
		_ = Bool(true)
	})
	if n != 0 {
		t.Fatalf("making immediate values allocates %v times", n)
	}
}

func TestRawEqual(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		a, b Value
		want bool
	}{
		{Int(1), Float(1), true},
		{Float(0), Float(math.Copysign(0, -1)), true},
		{Float(nan), Float(nan), false},
		{String("ab"), String(string([]byte{'a', 'b'})), true},
		{String("ab"), String("abc"[:2]), true},
		{Int(1 << 53), Float(1 << 53), true},
		{Int(1<<53 + 1), Float(1 << 53), false},
		{Nil, False, false},
		{Int(0), False, false},
	}
	for _, c := range cases {
		if got := RawEqual(c.a, c.b); got != c.want {
			t.Errorf("RawEqual(%v, %v) = %v", c.a, c.b, got)
		}
	}
}

func TestStringToNumber(t *testing.T) {
	cases := []struct {
		in   string
		want Value
		ok   bool
	}{
		{"10", Int(10), true},
		{"  0x10  ", Int(16), true},
		{"-0x1", Int(-1), true},
		{"0xffffffffffffffff", Int(-1), true},
		{"9223372036854775807", Int(math.MaxInt64), true},
		{"9223372036854775808", Float(9223372036854775808), true},
		{"-9223372036854775808", Int(math.MinInt64), true},
		{"1e2", Float(100), true},
		{".5", Float(0.5), true},
		{"5.", Float(5), true},
		{"0x1p4", Float(16), true},
		{"0x.8", Float(0.5), true},
		{"inf", Nil, false},
		{"nan", Nil, false},
		{"1e", Nil, false},
		{"", Nil, false},
		{"0x", Nil, false},
		{"1_000", Nil, false},
	}
	for _, c := range cases {
		got, ok := StringToNumber(c.in)
		if ok != c.ok || (ok && (got.Type() != c.want.Type() || got.IsInt() != c.want.IsInt() || !RawEqual(got, c.want))) {
			t.Errorf("StringToNumber(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestFormatFloat(t *testing.T) {
	cases := map[float64]string{
		1: "1.0", 1e15: "1e+15", 1e100: "1e+100", 0.1: "0.1",
		1.0 / 3: "0.33333333333333", 123456789012345.0: "1.2345678901234e+14",
		math.Inf(1): "inf", math.Inf(-1): "-inf", 2.5e-5: "2.5e-05", 100: "100.0",
	}
	if got := FormatFloat(math.Copysign(0, -1)); got != "-0.0" {
		t.Errorf("FormatFloat(-0) = %q", got)
	}
	for f, want := range cases {
		if got := FormatFloat(f); got != want {
			t.Errorf("FormatFloat(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestIntArith(t *testing.T) {
	if IntFloorDiv(7, -2) != -4 || IntFloorDiv(-7, 2) != -4 || IntFloorDiv(math.MinInt64, -1) != math.MinInt64 {
		t.Error("floor division")
	}
	if IntMod(-7, 3) != 2 || IntMod(7, -3) != -2 || IntMod(math.MinInt64, -1) != 0 {
		t.Error("modulo")
	}
	if FloatMod(-7, 3) != 2 || FloatMod(5.5, math.Inf(1)) != 5.5 || FloatMod(-5.5, math.Inf(1)) != math.Inf(1) {
		t.Error("float modulo")
	}
}

func TestUsedPrefix(t *testing.T) {
	for _, size := range []int{0, 1, 7, 8, 9, 16, 29, 512} {
		for set := -1; set < size; set++ {
			stack := make([]Value, size)
			if set >= 0 {
				stack[set] = Int(0) // a non-nil value whose number bits are zero
			}
			got := usedPrefix(stack)
			if set < 0 && got != 0 || set >= 0 && (got <= set || got > size) {
				t.Fatalf("size %d, slot %d set: usedPrefix = %d", size, set, got)
			}
		}
	}
}
