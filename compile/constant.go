package compile

import (
	"math"

	"github.com/lunar-lua/lunar/internal/libm"
	"github.com/lunar-lua/lunar/syntax"
)

// This file holds the arithmetic of constant folding, shared by the
// resolver (which must know whether a <const> local's initialiser is a
// compile-time constant) and the code generator. Constant values are the
// Go values of bytecode.Proto.Constants: nil, bool, int64, float64 and
// string.

// arithOp numbers the foldable operators in the reference's order (the
// order of its ADD..SHR opcodes, of the ADDK..BXORK opcodes and of the
// metamethod events __add..__shr), followed by the two unary ones.
type arithOp uint8

const (
	arAdd arithOp = iota
	arSub
	arMul
	arMod
	arPow
	arDiv
	arIDiv
	arBAnd
	arBOr
	arBXor
	arShl
	arShr
	arUnm
	arBNot
)

// binaryArith maps a syntax operator to its arithOp; ok is false for the
// operators that are not arithmetic or bitwise.
func binaryArith(op syntax.BinaryOp) (arithOp, bool) {
	switch op {
	case syntax.OpAdd:
		return arAdd, true
	case syntax.OpSub:
		return arSub, true
	case syntax.OpMul:
		return arMul, true
	case syntax.OpMod:
		return arMod, true
	case syntax.OpPow:
		return arPow, true
	case syntax.OpDiv:
		return arDiv, true
	case syntax.OpIDiv:
		return arIDiv, true
	case syntax.OpBAnd:
		return arBAnd, true
	case syntax.OpBOr:
		return arBOr, true
	case syntax.OpBXor:
		return arBXor, true
	case syntax.OpShl:
		return arShl, true
	case syntax.OpShr:
		return arShr, true
	}
	return 0, false
}

// isNumber reports whether v is an int64 or a float64.
func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64:
		return true
	}
	return false
}

// isTruthy reports whether a constant counts as true in a condition.
func isTruthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	}
	return true
}

// toFloat converts a number to float64.
func toFloat(v any) float64 {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v.(float64)
}

// floatToInt converts f to an integer when it has an exact integer value
// in range (the reference's F2Ieq mode).
func floatToInt(f float64) (int64, bool) {
	if f >= -9223372036854775808.0 && f < 9223372036854775808.0 && f == math.Floor(f) {
		return int64(f), true
	}
	return 0, false
}

// toInteger converts a number to an integer without rounding.
func toInteger(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		return floatToInt(x)
	}
	return 0, false
}

// fold computes op over the numbers a and b (b is ignored for the unary
// operators) as the reference's constant folder does: it refuses the
// operations that could raise an error at run time (bitwise operators on
// non-integral values, division and modulo by zero) and the results it
// does not fold (NaN and float zeros, to keep -0.0 out of the constant
// table). ok is false when the expression must be computed at run time.
func fold(op arithOp, a, b any) (any, bool) {
	if !isNumber(a) || !isNumber(b) {
		return nil, false
	}
	switch op {
	case arBAnd, arBOr, arBXor, arShl, arShr, arBNot:
		x, ok1 := toInteger(a)
		y, ok2 := toInteger(b)
		if !ok1 || !ok2 {
			return nil, false
		}
		return foldInt(op, x, y), true
	case arDiv, arIDiv, arMod:
		if toFloat(b) == 0 {
			return nil, false
		}
	}
	x, xInt := a.(int64)
	y, yInt := b.(int64)
	if xInt && yInt && op != arDiv && op != arPow {
		return foldInt(op, x, y), true
	}
	r := foldFloat(op, toFloat(a), toFloat(b))
	if math.IsNaN(r) || r == 0 {
		return nil, false
	}
	return r, true
}

// foldInt computes an integer operation with Lua's wrap-around semantics.
func foldInt(op arithOp, x, y int64) int64 {
	switch op {
	case arAdd:
		return x + y
	case arSub:
		return x - y
	case arMul:
		return x * y
	case arMod:
		return intMod(x, y)
	case arIDiv:
		return intFloorDiv(x, y)
	case arBAnd:
		return x & y
	case arBOr:
		return x | y
	case arBXor:
		return x ^ y
	case arShl:
		return shiftLeft(x, y)
	case arShr:
		return shiftLeft(x, 0-y)
	case arUnm:
		return 0 - x
	case arBNot:
		return ^x
	}
	panic("unreachable")
}

// intMod is Lua's integer modulo (the result has the divisor's sign); y
// is not zero.
func intMod(x, y int64) int64 {
	if y == -1 {
		return 0 // avoids the overflow of minint % -1
	}
	r := x % y
	if r != 0 && (r^y) < 0 {
		r += y
	}
	return r
}

// intFloorDiv is Lua's integer floor division; y is not zero.
func intFloorDiv(x, y int64) int64 {
	if y == -1 {
		return 0 - x // wraps for minint
	}
	q := x / y
	if (x%y != 0) && ((x ^ y) < 0) {
		q--
	}
	return q
}

// shiftLeft is Lua's logical shift: negative counts shift right, counts
// of 64 or more give zero.
func shiftLeft(x, n int64) int64 {
	if n < 0 {
		if n <= -64 {
			return 0
		}
		return int64(uint64(x) >> uint64(-n))
	}
	if n >= 64 {
		return 0
	}
	return int64(uint64(x) << uint64(n))
}

// foldFloat computes a float operation.
func foldFloat(op arithOp, x, y float64) float64 {
	switch op {
	case arAdd:
		return x + y
	case arSub:
		return x - y
	case arMul:
		return x * y
	case arDiv:
		return x / y
	case arPow:
		return libm.Pow(x, y)
	case arIDiv:
		return math.Floor(x / y)
	case arMod:
		return floatMod(x, y)
	case arUnm:
		return -x
	}
	panic("unreachable")
}

// floatMod is Lua's float modulo.
func floatMod(a, b float64) float64 {
	m := math.Mod(a, b)
	if (m > 0 && b < 0) || (m < 0 && b > 0) {
		m += b
	}
	return m
}
