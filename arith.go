package lunar

import (
	"math"
	"strings"

	bc "github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/internal/libm"
)

// bothFloats converts two numbers to floats (no strings).
func bothFloats(a, b Value) (float64, float64, bool) {
	var x, y float64
	switch a.p {
	case pFloat:
		x = a.AsFloat()
	case pInt:
		x = float64(int64(a.n))
	default:
		return 0, 0, false
	}
	switch b.p {
	case pFloat:
		y = b.AsFloat()
	case pInt:
		y = float64(int64(b.n))
	default:
		return 0, 0, false
	}
	return x, y, true
}

// toIntStrict converts a number (not a string) with an exact integer value
// to an integer, for the bitwise operators.
func toIntStrict(v Value) (int64, bool) {
	switch v.p {
	case pInt:
		return int64(v.n), true
	case pFloat:
		return FloatToInteger(v.AsFloat())
	}
	return 0, false
}

// IntFloorDiv is Lua's integer floor division; b must not be 0.
func IntFloorDiv(a, b int64) int64 {
	if b == -1 {
		return -a // avoids the overflow trap of MinInt64 / -1
	}
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// IntMod is Lua's integer modulo (result has the divisor's sign); b must
// not be 0.
func IntMod(a, b int64) int64 {
	if b == -1 {
		return 0
	}
	r := a % b
	if r != 0 && (r^b) < 0 {
		r += b
	}
	return r
}

// negNaN is the NaN that x86's invalid operations produce (sign bit
// set), which the reference prints as "-nan".
var negNaN = math.Float64frombits(0xFFF8000000000000)

// FloatMod is Lua's float modulo.
func FloatMod(a, b float64) float64 {
	switch {
	case a != a:
		return a // C's fmod passes a NaN operand through
	case b != b:
		return b
	case b == 0 || math.IsInf(a, 0):
		return negNaN // an invalid pair gives the x86 default NaN
	}
	if math.IsInf(b, 0) && !math.IsNaN(a) && !math.IsInf(a, 0) {
		if (a >= 0) == (b > 0) || a == 0 {
			return a
		}
		return b
	}
	r := math.Mod(a, b)
	if r != 0 && (r < 0) != (b < 0) {
		r += b
	}
	return r
}

// shiftLeft shifts x left by n bits (right for negative n), logically.
func shiftLeft(x, n int64) int64 {
	if n <= -64 || n >= 64 {
		return 0
	}
	if n >= 0 {
		return int64(uint64(x) << uint(n))
	}
	return int64(uint64(x) >> uint(-n))
}

func bitwise(op bc.OpCode, x, y int64) int64 {
	switch op {
	case bc.OpBAnd:
		return x & y
	case bc.OpBOr:
		return x | y
	case bc.OpBXor:
		return x ^ y
	case bc.OpShl:
		return shiftLeft(x, y)
	default: // OpShr
		if y == math.MinInt64 {
			return 0
		}
		return shiftLeft(x, -y)
	}
}

// arithFast performs an arithmetic opcode (ADD..IDIV) on two numbers
// (no strings, no metamethods). On an integer division by zero it returns
// (True, false) so that the caller can raise the error.
func arithFast(op bc.OpCode, a, b Value) (Value, bool) {
	if a.p == pInt && b.p == pInt {
		x, y := int64(a.n), int64(b.n)
		switch op {
		case bc.OpAdd:
			return Int(x + y), true
		case bc.OpSub:
			return Int(x - y), true
		case bc.OpMul:
			return Int(x * y), true
		case bc.OpMod:
			if y == 0 {
				return True, false
			}
			return Int(IntMod(x, y)), true
		case bc.OpIDiv:
			if y == 0 {
				return True, false
			}
			return Int(IntFloorDiv(x, y)), true
		case bc.OpDiv:
			return Float(float64(x) / float64(y)), true
		case bc.OpPow:
			return Float(Pow(float64(x), float64(y))), true
		}
	}
	x, y, ok := bothFloats(a, b)
	if !ok {
		return Nil, false
	}
	switch op {
	case bc.OpAdd:
		return Float(x + y), true
	case bc.OpSub:
		return Float(x - y), true
	case bc.OpMul:
		return Float(x * y), true
	case bc.OpDiv:
		return Float(x / y), true
	case bc.OpMod:
		return Float(FloatMod(x, y)), true
	case bc.OpIDiv:
		return Float(math.Floor(x / y)), true
	case bc.OpPow:
		if y == 2 {
			return Float(x * x), true
		}
		return Float(Pow(x, y)), true
	}
	return Nil, false
}

// Pow is Lua's ^ on floats: C's pow, correctly rounded (libm.Pow), whose
// NaN results keep the NaN operand (and its sign, which tostring shows as
// "-nan"), where libm.Pow returns a fresh NaN.
func Pow(x, y float64) float64 {
	switch {
	case y == 0 || x == 1:
		return 1
	case x != x:
		if math.Abs(math.Mod(y, 2)) == 1 {
			// glibc gives a positive NaN for odd integral powers of a NaN.
			return math.Abs(x)
		}
		return x
	case y != y:
		return y
	}
	r := libm.Pow(x, y)
	if r != r {
		return negNaN // an invalid operation: the x86 default NaN
	}
	return r
}

// tmToOp maps an arithmetic or bitwise event to its register opcode.
func tmToOp(tm bc.TagMethod) bc.OpCode {
	switch tm {
	case bc.TMAdd:
		return bc.OpAdd
	case bc.TMSub:
		return bc.OpSub
	case bc.TMMul:
		return bc.OpMul
	case bc.TMMod:
		return bc.OpMod
	case bc.TMPow:
		return bc.OpPow
	case bc.TMDiv:
		return bc.OpDiv
	case bc.TMIDiv:
		return bc.OpIDiv
	case bc.TMBAnd:
		return bc.OpBAnd
	case bc.TMBOr:
		return bc.OpBOr
	case bc.TMBXor:
		return bc.OpBXor
	case bc.TMShl:
		return bc.OpShl
	case bc.TMShr:
		return bc.OpShr
	}
	return bc.OpAdd
}

func isBitwiseTM(tm bc.TagMethod) bool {
	return tm >= bc.TMBAnd && tm <= bc.TMShr || tm == bc.TMBNot
}

func (th *Thread) divByZero(op bc.OpCode) error {
	if op == bc.OpMod {
		return th.runtimeError("attempt to perform 'n%%0'")
	}
	return th.runtimeError("attempt to divide by zero")
}

// rawArith performs an arithmetic or bitwise event on numbers, with the
// string coercions of §3.4.3 for arithmetic. ok is false when the operands
// are not suitable.
func (th *Thread) rawArith(tm bc.TagMethod, a, b Value) (Value, bool, error) {
	if isBitwiseTM(tm) {
		x, ok1 := toIntStrict(a)
		y, ok2 := toIntStrict(b)
		if !ok1 || !ok2 {
			return Nil, false, nil
		}
		if tm == bc.TMBNot {
			return Int(^x), true, nil
		}
		return Int(bitwise(tmToOp(tm), x, y)), true, nil
	}
	if a.IsString() {
		na, ok := StringToNumber(a.AsString())
		if !ok {
			return Nil, false, nil
		}
		a = na
	}
	if b.IsString() {
		nb, ok := StringToNumber(b.AsString())
		if !ok {
			return Nil, false, nil
		}
		b = nb
	}
	if !a.IsNumber() || !b.IsNumber() {
		return Nil, false, nil
	}
	if tm == bc.TMUnm {
		if a.p == pInt {
			return Int(-int64(a.n)), true, nil
		}
		return Float(-a.AsFloat()), true, nil
	}
	op := tmToOp(tm)
	v, ok := arithFast(op, a, b)
	if !ok {
		return Nil, false, th.divByZero(op)
	}
	return v, true, nil
}

// arithMeta performs event tm on a and b with metamethods; regA and regB
// are the operands' registers in the running Lua frame (-1 when not
// registers), used to name them in error messages.
func (th *Thread) arithMeta(tm bc.TagMethod, a, b Value, regA, regB int) (Value, error) {
	// Metamethods come first for non-numbers (the string library's
	// arithmetic metamethods included).
	if !(a.IsNumber() && b.IsNumber()) {
		h := th.metamethod(a, tm)
		if h.IsNil() {
			h = th.metamethod(b, tm)
		}
		if !h.IsNil() {
			return th.call2to1(h, a, b)
		}
	}
	v, ok, err := th.rawArith(tm, a, b)
	if err != nil {
		return Nil, err
	}
	if ok {
		return v, nil
	}
	return Nil, th.arithError(tm, a, b, regA, regB)
}

// arithError raises the reference's error for an arithmetic or bitwise
// operation on unsuitable operands.
func (th *Thread) arithError(tm bc.TagMethod, a, b Value, regA, regB int) error {
	// As the reference: the first operand is named when it is the bad one,
	// else the second.
	if isBitwiseTM(tm) && a.IsNumber() && b.IsNumber() {
		reg := regB
		if _, ok := toIntStrict(a); !ok {
			reg = regA
		}
		return th.runtimeError("number%s has no integer representation", th.varInfo(reg))
	}
	bad, reg := b, regB
	if !a.IsNumber() {
		bad, reg = a, regA
	}
	if isBitwiseTM(tm) {
		return th.typeErrorReg(bad, reg, "perform bitwise operation on")
	}
	return th.typeErrorReg(bad, reg, "perform arithmetic on")
}

// execMMBin runs an MMBIN-family instruction: the arithmetic instruction
// before it (prev) failed its fast path.
func (th *Thread) execMMBin(f *callFrame, i, prev bc.Instruction, R *[regWindow]Value) error {
	tm := bc.TagMethod(i.C())
	ra := R[i.A()]
	var rb Value
	regA, regB := i.A(), -1
	flip := false
	switch i.Op() {
	case bc.OpMMBin:
		rb = R[i.B()]
		regB = i.B()
	case bc.OpMMBinI:
		rb = Int(int64(i.SB()))
		flip = i.K()
	case bc.OpMMBinK:
		rb = f.cl.proto.k[i.B()]
		flip = i.K()
	}
	x, y, rx, ry := ra, rb, regA, regB
	if flip {
		x, y, rx, ry = rb, ra, regB, regA
	}
	v, err := th.arithMeta(tm, x, y, rx, ry)
	if err != nil {
		return err
	}
	th.stack[f.base+prev.A()] = v
	return nil
}

// Arith performs the arithmetic or bitwise operation named by op ("+",
// "-", "*", "/", "//", "%", "^", "&", "|", "~", "<<", ">>", "unm", "bnot")
// on a and b with Lua's semantics, metamethods included.
func (th *Thread) Arith(op string, a, b Value) (Value, error) {
	tm, ok := arithOpNames[op]
	if !ok {
		return Nil, th.Errorf("invalid arithmetic operator '%s'", op)
	}
	return th.arithMeta(tm, a, b, -1, -1)
}

var arithOpNames = map[string]bc.TagMethod{
	"+": bc.TMAdd, "-": bc.TMSub, "*": bc.TMMul, "/": bc.TMDiv, "//": bc.TMIDiv,
	"%": bc.TMMod, "^": bc.TMPow, "&": bc.TMBAnd, "|": bc.TMBOr, "~": bc.TMBXor,
	"<<": bc.TMShl, ">>": bc.TMShr, "unm": bc.TMUnm, "bnot": bc.TMBNot,
}

// ---------------------------------------------------------------------------
// Comparison

// ltNum compares two numbers exactly (§3.4.4).
func ltNum(a, b Value) bool {
	if a.p == pInt {
		i := int64(a.n)
		if b.p == pInt {
			return i < int64(b.n)
		}
		return ltIntFloat(i, b.AsFloat())
	}
	f := a.AsFloat()
	if b.p == pFloat {
		return f < b.AsFloat()
	}
	return ltFloatInt(f, int64(b.n))
}

func leNum(a, b Value) bool {
	if a.p == pInt {
		i := int64(a.n)
		if b.p == pInt {
			return i <= int64(b.n)
		}
		return leIntFloat(i, b.AsFloat())
	}
	f := a.AsFloat()
	if b.p == pFloat {
		return f <= b.AsFloat()
	}
	return leFloatInt(f, int64(b.n))
}

// i < f
func ltIntFloat(i int64, f float64) bool {
	if f != f {
		return false
	}
	if f >= 9223372036854775808.0 {
		return true
	}
	if f > -9223372036854775808.0 {
		// Compare with ceil(f): i < f  <=>  i < ceil(f)
		return i < int64(math.Ceil(f))
	}
	return false
}

// i <= f
func leIntFloat(i int64, f float64) bool {
	if f != f {
		return false
	}
	if f >= 9223372036854775808.0 {
		return true
	}
	if f >= -9223372036854775808.0 {
		return i <= int64(math.Floor(f))
	}
	return false
}

// f < i
func ltFloatInt(f float64, i int64) bool {
	if f != f {
		return false
	}
	if f >= 9223372036854775808.0 {
		return false
	}
	if f >= -9223372036854775808.0 {
		return int64(math.Floor(f)) < i
	}
	return true
}

// f <= i
func leFloatInt(f float64, i int64) bool {
	if f != f {
		return false
	}
	if f >= 9223372036854775808.0 {
		return false
	}
	if f > -9223372036854775808.0 {
		return int64(math.Ceil(f)) <= i
	}
	return true
}

func (th *Thread) lessThan(a, b Value) (bool, error) {
	if a.IsNumber() && b.IsNumber() {
		return ltNum(a, b), nil
	}
	if a.IsString() && b.IsString() {
		return strings.Compare(a.AsString(), b.AsString()) < 0, nil
	}
	return th.compareMeta(bc.TMLt, a, b)
}

func (th *Thread) lessEqual(a, b Value) (bool, error) {
	if a.IsNumber() && b.IsNumber() {
		return leNum(a, b), nil
	}
	if a.IsString() && b.IsString() {
		return strings.Compare(a.AsString(), b.AsString()) <= 0, nil
	}
	return th.compareMeta(bc.TMLe, a, b)
}

func (th *Thread) compareMeta(tm bc.TagMethod, a, b Value) (bool, error) {
	h := th.metamethod(a, tm)
	if h.IsNil() {
		h = th.metamethod(b, tm)
	}
	if h.IsNil() {
		return false, th.compareError(a, b)
	}
	v, err := th.call2to1(h, a, b)
	if err != nil {
		return false, err
	}
	return v.Truthy(), nil
}

func (th *Thread) compareError(a, b Value) error {
	t1, t2 := th.typeNameMeta(a), th.typeNameMeta(b)
	if t1 == t2 {
		return th.runtimeError("attempt to compare two %s values", t1)
	}
	return th.runtimeError("attempt to compare %s with %s", t1, t2)
}

// equalMeta compares two tables or two userdata that are not raw-equal,
// through __eq.
func (th *Thread) equalMeta(a, b Value) (bool, error) {
	h := th.metamethod(a, bc.TMEq)
	if h.IsNil() {
		h = th.metamethod(b, bc.TMEq)
	}
	if h.IsNil() {
		return false, nil
	}
	v, err := th.call2to1(h, a, b)
	if err != nil {
		return false, err
	}
	return v.Truthy(), nil
}

// Equal compares a and b with Lua's == (metamethods included).
func (th *Thread) Equal(a, b Value) (bool, error) {
	if RawEqual(a, b) {
		return true, nil
	}
	if a.Type() == b.Type() && (a.IsTable() || a.AsUserdata() != nil) {
		return th.equalMeta(a, b)
	}
	return false, nil
}

// LessThan compares a < b with Lua's semantics (metamethods included).
func (th *Thread) LessThan(a, b Value) (bool, error) { return th.lessThan(a, b) }

// LessEqual compares a <= b with Lua's semantics (metamethods included).
func (th *Thread) LessEqual(a, b Value) (bool, error) { return th.lessEqual(a, b) }
