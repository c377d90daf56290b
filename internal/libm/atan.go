package libm

import (
	"math"
	"math/big"
)

const atanEps = 0x1p-67

// atanKernel returns atan(x) for a double-double 0 <= x <= 1 + 2^-40,
// relative error below about 2^-70.
func atanKernel(xh, xl float64) (h, l float64) {
	atanOnce.Do(initAtanTab)
	j := int(xh*128 + 0.5)
	c := float64(j) / 128
	// atan(x) = atan(c) + atan(t), t = (x - c)/(1 + x c), |t| <= 2^-8.
	nh := xh - c // exact
	ph, pl := twoProd(xh, c)
	dh, dl := fastTwoSum(1, ph)
	dl += pl + float64(xl*c)
	th, tl := ddDiv(nh, xl, dh, dl)
	q := th * th
	p := float64(q*th) * (-1.0/3 + q*(0.2+q*(-1.0/7+q*(1.0/9))))
	tab := &atanTab[j]
	h, e := twoSum(tab[0], th)
	l = e + tab[1] + tl + p
	return fastTwoSum(h, l)
}

// atan2Kernel returns atan2(y, x) as a double-double for y >= 0 and x
// not both zero, finite, with y/x and x/y in the normal range.
func atan2Kernel(yh, yl, xh, xl float64) (h, l float64) {
	ay, ax := yh, math.Abs(xh)
	axl := xl
	if xh < 0 {
		axl = -xl
	}
	var swap bool
	var qh, ql float64
	if ay <= ax {
		qh, ql = ddDiv(ay, yl, ax, axl)
	} else {
		qh, ql = ddDiv(ax, axl, ay, yl)
		swap = true
	}
	h, l = atanKernel(qh, ql)
	if swap { // pi/2 - a
		var e float64
		h, e = twoSum(pio2H, -h)
		l = e + pio2L - l
		h, l = fastTwoSum(h, l)
	}
	if xh < 0 { // pi - a
		var e float64
		h, e = twoSum(piH, -h)
		l = e + piL - l
		h, l = fastTwoSum(h, l)
	}
	return h, l
}

// Atan returns the arctangent of x, correctly rounded.
func Atan(x float64) float64 {
	switch {
	case math.Abs(x) < 0x1p-27 || x != x:
		return x
	case math.IsInf(x, 0):
		return math.Copysign(pio2H, x)
	}
	ax := math.Abs(x)
	var h, l float64
	if ax <= 1 {
		h, l = atanKernel(ax, 0)
	} else if ax < 0x1p100 {
		h, l = atan2Kernel(ax, 0, 1, 0)
	} else {
		return math.Copysign(pio2H, x) // pi/2 - 1/x rounds to pi/2
	}
	if r, ok := roundTest(h, l, atanEps); ok {
		return math.Copysign(r, x)
	}
	return ziv(func(prec uint) *big.Float { return bigAtan(bigFrom(x, 64), prec) })
}

// Atan2 returns the arctangent of y/x in (-pi, pi], using the signs of
// both to choose the quadrant, correctly rounded, with C99's special
// cases.
func Atan2(y, x float64) float64 {
	switch {
	case x != x || y != y:
		return x + y
	case y == 0:
		if math.Signbit(x) {
			return math.Copysign(math.Pi, y)
		}
		return y
	case x == 0:
		return math.Copysign(pio2H, y)
	case math.IsInf(x, 0):
		switch {
		case math.IsInf(y, 0) && x > 0:
			return math.Copysign(math.Pi/4, y)
		case math.IsInf(y, 0):
			return math.Copysign(3*math.Pi/4, y)
		case x > 0:
			return math.Copysign(0, y)
		default:
			return math.Copysign(math.Pi, y)
		}
	case math.IsInf(y, 0):
		return math.Copysign(pio2H, y)
	}
	ay, ax := math.Abs(y), math.Abs(x)
	// Scale both into a safe range: the ratio is unchanged.
	ey, ex := math.Ilogb(ay), math.Ilogb(ax)
	switch {
	case ey-ex > 60:
		// |y/x| > 2^60: pi/2 - x/y rounds to pi/2 (either sign of x).
		return math.Copysign(pio2H, y)
	case ex-ey > 60 && x < 0:
		return math.Copysign(piH, y)
	case ex-ey > 60:
		// atan(q) with q < 2^-59: q - q^3/3 rounds as q does.
		if ex-ey < 1000 {
			return y / x
		}
		return atan2Slow(y, x)
	}
	s := -max(ey, ex)
	h, l := atan2Kernel(math.Ldexp(ay, s), 0, math.Ldexp(x, s), 0)
	if r, ok := roundTest(h, l, atanEps); ok {
		return math.Copysign(r, y)
	}
	return atan2Slow(y, x)
}

func atan2Slow(y, x float64) float64 {
	return ziv(func(prec uint) *big.Float { return bigAtan2(bigFrom(y, 64), bigFrom(x, 64), prec) })
}

// Asin returns the arcsine of x, correctly rounded.
func Asin(x float64) float64 {
	ax := math.Abs(x)
	switch {
	case ax < 0x1p-26 || x != x:
		return x
	case ax > 1:
		return math.NaN()
	case ax == 1:
		return math.Copysign(pio2H, x)
	}
	// asin x = atan2(x, sqrt((1-x)(1+x)))
	ch, cl := sqrtOneMinusSquare(ax)
	h, l := atan2Kernel(ax, 0, ch, cl)
	if r, ok := roundTest(h, l, atanEps); ok {
		return math.Copysign(r, x)
	}
	return ziv(func(prec uint) *big.Float {
		wp := prec + guardBits
		return bigAtan2(bigFrom(x, 64), bigSqrtOneMinusSquare(x, wp), prec)
	})
}

// Acos returns the arccosine of x, correctly rounded.
func Acos(x float64) float64 {
	ax := math.Abs(x)
	switch {
	case x != x:
		return x
	case ax > 1:
		return math.NaN()
	case x == 1:
		return 0
	case x == -1:
		return piH
	case ax < 0x1p-60:
		return pio2H
	}
	sh, sl := sqrtOneMinusSquare(ax)
	h, l := atan2Kernel(sh, sl, x, 0)
	if r, ok := roundTest(h, l, atanEps); ok {
		return r
	}
	return ziv(func(prec uint) *big.Float {
		wp := prec + guardBits
		return bigAtan2(bigSqrtOneMinusSquare(x, wp), bigFrom(x, 64), prec)
	})
}

// sqrtOneMinusSquare returns sqrt(1 - x^2) as a double-double for
// 0 <= x < 1.
func sqrtOneMinusSquare(x float64) (h, l float64) {
	// 1 - x^2 = (1-x)(1+x); 1-x is exact for x >= 1/2 and nearly so
	// below, where the product does not cancel.
	ah, al := twoSum(1, -x)
	bh, bl := twoSum(1, x)
	ph, pl := ddMul(ah, al, bh, bl)
	return ddSqrt(ph, pl)
}

func bigSqrtOneMinusSquare(x float64, wp uint) *big.Float {
	one := bigFrom(1, wp)
	bx := bigFrom(x, 64)
	a := newFloat(wp).Sub(one, bx)
	b := newFloat(wp).Add(one, bx)
	a.Mul(a, b)
	return a.Sqrt(a)
}
