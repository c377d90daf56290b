package libm

import (
	"math"
	"math/big"
)

// Pow returns x**y, correctly rounded, with the special cases of C99's
// pow. Its NaN results are the default quiet NaN; callers that mimic a
// C library's NaN signs adjust them.
func Pow(x, y float64) float64 {
	switch {
	case y == 0 || x == 1:
		return 1
	case x != x || y != y:
		return x + y
	case y == 2:
		return x * x
	case y == 1:
		return x
	case y == 0.5 && x > 0 && !math.IsInf(x, 0):
		return math.Sqrt(x)
	}
	yInt, yOdd := intKind(y)
	switch {
	case math.IsInf(y, 0):
		ax := math.Abs(x)
		switch {
		case ax == 1:
			return 1
		case (ax < 1) == (y > 0):
			return 0
		default:
			return math.Inf(1)
		}
	case x == 0:
		switch {
		case y < 0 && yOdd:
			return 1 / x // ±Inf with the sign of x
		case y < 0:
			return math.Inf(1)
		case yOdd:
			return x
		default:
			return 0
		}
	case math.IsInf(x, 0):
		r := math.Inf(1)
		if y < 0 {
			r = 0
		}
		if x < 0 && yOdd {
			r = -r
		}
		return r
	case x < 0 && !yInt:
		return math.NaN()
	}
	neg := x < 0 && yOdd
	ax := math.Abs(x)
	r := powPositive(ax, y)
	if neg {
		r = -r
	}
	return r
}

// intKind reports whether y is an integer and whether it is an odd one.
func intKind(y float64) (isInt, odd bool) {
	if math.IsInf(y, 0) {
		return false, false
	}
	if math.Abs(y) >= 0x1p53 {
		return true, false
	}
	t := math.Trunc(y)
	if t != y {
		return false, false
	}
	return true, math.Mod(t, 2) != 0
}

// powPositive returns x**y for finite x > 0, x != 1, finite y.
func powPositive(x, y float64) float64 {
	lh, ll, _, _, _ := logKernel(x)
	// z = y log x; the thresholds are far enough from the overflow and
	// underflow limits for the rounded product to decide.
	switch z := y * lh; {
	case z > 709.79:
		return math.Inf(1)
	case z < -745.2:
		return 0
	}
	zh, zl := twoProd(y, lh)
	zl += float64(y * ll)
	zh, zl = fastTwoSum(zh, zl)
	if math.Abs(zh) < 0x1p-60 {
		// |x**y - 1| < 2^-60: rounds to 1.
		return 1
	}
	h, l, n := expKernel(zh, zl)
	if r, ok := roundTest(h, l, powEps); ok && n > -1020 {
		return scalb(r, n)
	}
	return powSlow(x, y)
}

// powSlow returns x**y for finite x > 0 and y with math/big: exactly
// when the result is a rational number (it may then be a double or a
// midpoint between two, where Ziv's loop would never end), else by
// Ziv's loop on exp(y log x).
func powSlow(x, y float64) float64 {
	if r, ok := powExact(x, y); ok {
		return r
	}
	return ziv(func(prec uint) *big.Float {
		lp := prec + 16 + uint(max(0, math.Ilogb(y)))
		z := bigLog(x, lp)
		z.Mul(z, bigFrom(y, 64))
		return bigExp(z, prec)
	})
}

// powExact returns x**y, correctly rounded, when it is rational and
// small enough to compute exactly.
func powExact(x, y float64) (float64, bool) {
	// y = p/2^b with p odd: x**y is rational only if x is a perfect
	// 2^b-th power (otherwise its 2^b-th root is irrational, and so is
	// that root to an odd power).
	for y != math.Trunc(y) {
		s := math.Sqrt(x)
		if s*s != x || math.FMA(s, s, -x) != 0 {
			return 0, false
		}
		x, y = s, y*2
	}
	// x = m 2^e with m odd; x**n needs about n*bits(m) bits. A double
	// or a midpoint has at most 54, so only small powers matter
	// unless m == 1.
	if y < 0 || y > 1<<12 {
		return 0, false
	}
	n := int(y)
	mant, e := math.Frexp(x)
	mi := int64(mant * (1 << 53))
	e -= 53
	for mi&1 == 0 {
		mi >>= 1
		e++
	}
	bitsM := 64 - countLeadingZeros(uint64(mi))
	if (bitsM-1)*n > 64 {
		return 0, false
	}
	p := new(big.Int).Exp(big.NewInt(mi), big.NewInt(int64(n)), nil)
	f := new(big.Float).SetPrec(uint(bitsM*n + 8)).SetInt(p)
	f.SetMantExp(f, e*n)
	r, _ := f.Float64()
	return r, true
}

func countLeadingZeros(v uint64) int {
	n := 0
	for v&(1<<63) == 0 && n < 64 {
		v <<= 1
		n++
	}
	return n
}
