package stdlib

import (
	"github.com/lunar-lua/lunar/internal/libm"
	"math"

	"github.com/lunar-lua/lunar"
)

// OpenMath opens the math library (§6.7 of the manual) in s, as global
// math and package.loaded.math. Each call gets its own random generator,
// seeded randomly as the reference seeds it at start-up.
//
// Besides the functions of §6.7 it has the functions the reference keeps
// for compatibility with Lua 5.3 (cosh, sinh, tanh, pow, frexp, ldexp,
// log10), since the reference interpreter is built with them.
func OpenMath(s *lunar.State) {
	g := &mathRandom{}
	g.seedRandomly()
	lib := newLib(s, "math", map[string]lunar.GoFunction{
		"abs":       mathAbs,
		"ceil":      mathCeil,
		"floor":     mathFloor,
		"fmod":      mathFmod,
		"modf":      mathModf,
		"sqrt":      mathSqrt,
		"exp":       mathExp,
		"log":       mathLog,
		"sin":       mathSin,
		"cos":       mathCos,
		"tan":       mathTan,
		"asin":      mathAsin,
		"acos":      mathAcos,
		"atan":      mathAtan,
		"deg":       mathDeg,
		"rad":       mathRad,
		"tointeger": mathToInteger,
		"type":      mathType,
		"ult":       mathUlt,
		"max":       mathMax,
		"min":       mathMin,
		// Lua 5.3 compatibility (LUA_COMPAT_MATHLIB).
		"atan2": mathAtan,
		"cosh":  mathCosh,
		"sinh":  mathSinh,
		"tanh":  mathTanh,
		"pow":   mathPow,
		"frexp": mathFrexp,
		"ldexp": mathLdexp,
		"log10": mathLog10Fn,
	})
	lib.SetStr("pi", lunar.Float(math.Pi))
	lib.SetStr("huge", lunar.Float(math.Inf(1)))
	lib.SetStr("maxinteger", lunar.Int(math.MaxInt64))
	lib.SetStr("mininteger", lunar.Int(math.MinInt64))
	// The generator is per state: it lives in the state (lunar.State.Data),
	// so that a state copied from a template gets its own.
	s.SetData(mathRandomKey, g)
	lib.SetStr("random", lunar.NewFunction("math.random", func(t *lunar.Thread, args []lunar.Value) (int, error) {
		return mathRandomOf(t).luaRandom(t, args)
	}))
	lib.SetStr("randomseed", lunar.NewFunction("math.randomseed", func(t *lunar.Thread, args []lunar.Value) (int, error) {
		return mathRandomOf(t).luaRandomSeed(t, args)
	}))
}

// mathRandomKey finds a state's generator (lunar.State.Data).
var mathRandomKey = lunar.NewDataKey()

// mathRandomOf returns the generator of t's state, making one if the state
// never opened the math library (a function handed over from another).
func mathRandomOf(t *lunar.Thread) *mathRandom {
	s := t.State()
	g, _ := s.Data(mathRandomKey).(*mathRandom)
	if g == nil {
		g = &mathRandom{}
		g.seedRandomly()
		s.SetData(mathRandomKey, g)
	}
	return g
}

// NaNs as the reference's C library produces them on x86-64: a domain
// error (log(-1), sin(inf), fmod(x, 0), ...) gives the "default" NaN,
// whose sign bit is set (printed "-nan"); a few functions (acos, asin,
// log10) give a positive one. A NaN argument is passed through unchanged.
var (
	mathNegNaN = math.Float64frombits(0xFFF8000000000000)
	mathPosNaN = math.Float64frombits(0x7FF8000000000000)
)

// mathFix1 returns r, the result of a one-argument function of x, with a
// NaN result replaced as the C library would give it: x itself when x is
// a NaN, else nan.
func mathFix1(x, r, nan float64) float64 {
	if r != r {
		if x != x {
			return x
		}
		return nan
	}
	return r
}

// mathFix2 is mathFix1 for a function of two arguments.
func mathFix2(x, y, r, nan float64) float64 {
	if r != r {
		if x != x {
			return x
		}
		if y != y {
			return y
		}
		return nan
	}
	return r
}

// mathNumInt returns f as an integer when it has an exact integer value
// that fits, else as a float (the reference's pushnumint).
func mathNumInt(f float64) lunar.Value {
	if i, ok := lunar.FloatToInteger(f); ok {
		return lunar.Int(i)
	}
	return lunar.Float(f)
}

// mathFloat1 is the shape of the one-argument float functions.
func mathFloat1(t *lunar.Thread, args []lunar.Value, f func(float64) float64) (int, error) {
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	t.Push(lunar.Float(f(x)))
	return 1, nil
}

func mathAbs(t *lunar.Thread, args []lunar.Value) (int, error) {
	if v := lunar.Arg(args, 1); v.IsInt() {
		if n := v.AsInt(); n < 0 {
			v = lunar.Int(-n) // wraps for mininteger, as in the reference
		}
		t.Push(v)
		return 1, nil
	}
	return mathFloat1(t, args, math.Abs)
}

func mathFloor(t *lunar.Thread, args []lunar.Value) (int, error) {
	if v := lunar.Arg(args, 1); v.IsInt() {
		t.Push(v)
		return 1, nil
	}
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	t.Push(mathNumInt(mathFix1(x, math.Floor(x), x)))
	return 1, nil
}

func mathCeil(t *lunar.Thread, args []lunar.Value) (int, error) {
	if v := lunar.Arg(args, 1); v.IsInt() {
		t.Push(v)
		return 1, nil
	}
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	t.Push(mathNumInt(mathFix1(x, math.Ceil(x), x)))
	return 1, nil
}

// mathFmodFloat is C's fmod, with the C library's NaNs.
func mathFmodFloat(x, y float64) float64 {
	return mathFix2(x, y, math.Mod(x, y), mathNegNaN)
}

func mathFmod(t *lunar.Thread, args []lunar.Value) (int, error) {
	a, b := lunar.Arg(args, 1), lunar.Arg(args, 2)
	if a.IsInt() && b.IsInt() {
		d := b.AsInt()
		switch d {
		case 0:
			return 0, t.ArgError(2, "zero")
		case -1:
			t.Push(lunar.Int(0)) // avoids overflow with mininteger % -1
		default:
			t.Push(lunar.Int(a.AsInt() % d)) // truncated, as C's %
		}
		return 1, nil
	}
	// The reference's build evaluates its C call's arguments right to
	// left: argument 2 is checked first.
	y, err := t.CheckNumber(args, 2)
	if err != nil {
		return 0, err
	}
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	t.Push(lunar.Float(mathFmodFloat(x, y)))
	return 1, nil
}

func mathModf(t *lunar.Thread, args []lunar.Value) (int, error) {
	if v := lunar.Arg(args, 1); v.IsInt() {
		t.Push(v)
		t.Push(lunar.Float(0))
		return 2, nil
	}
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	// Integral part, rounded toward zero.
	var ip float64
	if x < 0 {
		ip = math.Ceil(x)
	} else {
		ip = math.Floor(x)
	}
	ip = mathFix1(x, ip, x)
	t.Push(mathNumInt(ip))
	if x == ip {
		t.Push(lunar.Float(0)) // also for ±inf
	} else {
		t.Push(lunar.Float(x - ip))
	}
	return 2, nil
}

func mathSqrt(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, func(x float64) float64 { return mathFix1(x, math.Sqrt(x), mathNegNaN) })
}

func mathExp(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, func(x float64) float64 { return mathFix1(x, libm.Exp(x), mathNegNaN) })
}

func mathSin(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, func(x float64) float64 { return mathFix1(x, libm.Sin(x), mathNegNaN) })
}

func mathCos(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, func(x float64) float64 { return mathFix1(x, libm.Cos(x), mathNegNaN) })
}

func mathTan(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, func(x float64) float64 { return mathFix1(x, libm.Tan(x), mathNegNaN) })
}

func mathAsin(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, func(x float64) float64 { return mathFix1(x, libm.Asin(x), mathPosNaN) })
}

func mathAcos(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, func(x float64) float64 { return mathFix1(x, libm.Acos(x), mathPosNaN) })
}

func mathCosh(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, func(x float64) float64 { return mathFix1(x, math.Cosh(x), mathNegNaN) })
}

func mathSinh(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, func(x float64) float64 { return mathFix1(x, math.Sinh(x), mathNegNaN) })
}

func mathTanh(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, func(x float64) float64 { return mathFix1(x, math.Tanh(x), mathNegNaN) })
}

func mathLog10Fn(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mathFloat1(t, args, mathLog10)
}

func mathAtan(t *lunar.Thread, args []lunar.Value) (int, error) {
	y, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	x, err := t.OptNumber(args, 2, 1)
	if err != nil {
		return 0, err
	}
	t.Push(lunar.Float(mathFix2(y, x, libm.Atan2(y, x), mathNegNaN)))
	return 1, nil
}

// mathDeg converts radians to degrees (math.deg).
func mathDeg(t *lunar.Thread, args []lunar.Value) (int, error) {
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	t.Push(lunar.Float(x * (180.0 / math.Pi)))
	return 1, nil
}

// mathRad converts degrees to radians (math.rad).
func mathRad(t *lunar.Thread, args []lunar.Value) (int, error) {
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	t.Push(lunar.Float(x * (math.Pi / 180.0)))
	return 1, nil
}

// mathLn is C's log with the C library's NaNs.
func mathLn(x float64) float64 { return mathFix1(x, libm.Log(x), mathNegNaN) }

// mathLog2 is C's log2 with the C library's NaNs.
func mathLog2(x float64) float64 { return mathFix1(x, libm.Log2(x), mathNegNaN) }

// mathLog10 is C's log10 (libm.Log10, glibc's algorithm) with the C
// library's NaNs: log10 of a negative number is a positive NaN.
func mathLog10(x float64) float64 { return mathFix1(x, libm.Log10(x), mathPosNaN) }

func mathLog(t *lunar.Thread, args []lunar.Value) (int, error) {
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	var r float64
	if lunar.IsNoneOrNil(args, 2) {
		r = mathLn(x)
	} else {
		base, err := t.CheckNumber(args, 2)
		if err != nil {
			return 0, err
		}
		switch base {
		case 2:
			r = mathLog2(x)
		case 10:
			r = mathLog10(x)
		default:
			r = mathLn(x) / mathLn(base)
		}
	}
	t.Push(lunar.Float(r))
	return 1, nil
}

func mathPow(t *lunar.Thread, args []lunar.Value) (int, error) {
	// Argument 2 first, as for fmod.
	y, err := t.CheckNumber(args, 2)
	if err != nil {
		return 0, err
	}
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	t.Push(lunar.Float(mathPowFloat(x, y)))
	return 1, nil
}

// mathPowFloat is C's pow with the C library's NaNs: a NaN x with a
// finite non-zero y comes back as x*x, negated for an odd integer y.
func mathPowFloat(x, y float64) float64 {
	if x != x && y != 0 && !math.IsInf(y, 0) && y == y {
		if math.Signbit(x) && math.Abs(y) < 1<<53 && math.Trunc(y) == y && math.Mod(y, 2) != 0 {
			return math.Float64frombits(math.Float64bits(x) &^ (1 << 63))
		}
		return x
	}
	return mathFix2(x, y, libm.Pow(x, y), mathNegNaN)
}

func mathFrexp(t *lunar.Thread, args []lunar.Value) (int, error) {
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	m, e := math.Frexp(x)
	t.Push(lunar.Float(m))
	t.Push(lunar.Int(int64(e)))
	return 2, nil
}

func mathLdexp(t *lunar.Thread, args []lunar.Value) (int, error) {
	x, err := t.CheckNumber(args, 1)
	if err != nil {
		return 0, err
	}
	e, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	// The reference converts the exponent to a C int.
	t.Push(lunar.Float(math.Ldexp(x, int(int32(e)))))
	return 1, nil
}

func mathToInteger(t *lunar.Thread, args []lunar.Value) (int, error) {
	if i, ok := lunar.Arg(args, 1).ToInteger(); ok {
		t.Push(lunar.Int(i))
		return 1, nil
	}
	if err := t.CheckAny(args, 1); err != nil {
		return 0, err
	}
	t.Push(lunar.Nil)
	return 1, nil
}

func mathType(t *lunar.Thread, args []lunar.Value) (int, error) {
	if err := t.CheckAny(args, 1); err != nil {
		return 0, err
	}
	switch v := args[0]; {
	case v.IsInt():
		t.Push(lunar.String("integer"))
	case v.IsFloat():
		t.Push(lunar.String("float"))
	default:
		t.Push(lunar.Nil)
	}
	return 1, nil
}

func mathUlt(t *lunar.Thread, args []lunar.Value) (int, error) {
	a, err := t.CheckInteger(args, 1)
	if err != nil {
		return 0, err
	}
	b, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	t.Push(lunar.Bool(uint64(a) < uint64(b)))
	return 1, nil
}

// mathMinMax returns the index of the smallest (max false) or largest
// (max true) argument, compared with Lua's '<' (metamethods included);
// the first of equal values wins.
func mathMinMax(t *lunar.Thread, args []lunar.Value, max bool) (int, error) {
	if len(args) < 1 {
		return 0, t.ArgError(1, "value expected")
	}
	best := 0
	for i := 1; i < len(args); i++ {
		var less bool
		var err error
		if max {
			less, err = t.LessThan(args[best], args[i])
		} else {
			less, err = t.LessThan(args[i], args[best])
		}
		if err != nil {
			return 0, err
		}
		if less {
			best = i
		}
	}
	t.Push(args[best])
	return 1, nil
}

func mathMax(t *lunar.Thread, args []lunar.Value) (int, error) { return mathMinMax(t, args, true) }

func mathMin(t *lunar.Thread, args []lunar.Value) (int, error) { return mathMinMax(t, args, false) }

// CloneFor gives a state copied from a template its own generator, seeded
// randomly as a new state's is (lunar.StateData).
func (g *mathRandom) CloneFor(c *lunar.Cloner) any {
	n := &mathRandom{}
	n.seedRandomly()
	return n
}
