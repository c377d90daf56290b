package libm

import (
	"math"
	"math/big"
)

// logKernel returns log(x) as a double-double for a positive finite x,
// with an absolute error below about 2^-85 and a relative one below
// about 2^-72. It also returns the exponent e and the double-double
// log(m), x = m 2^e, m in [sqrt(1/2), sqrt(2)), for log2 and log10.
func logKernel(x float64) (h, l float64, e int, mh, ml float64) {
	logOnce.Do(initLogTab)
	if x < 0x1p-1022 {
		x *= 0x1p54
		e = -54
	}
	bits := math.Float64bits(x)
	e += int(bits>>52) - 1023
	m := math.Float64frombits(bits&(1<<52-1) | 1023<<52)
	if m > math.Sqrt2 {
		m *= 0.5
		e++
	}
	tab := &logTab[int(m*512+0.5)-logTabMin]
	// r = m c - 1 exactly, |r| <= 2^-9.4; log(x) = e ln2 - log(c) + log1p(r).
	p, pe := twoProd(m, tab[0])
	rh, rl := fastTwoSum(p-1, pe)
	// log1p(r) = r - r^2/2 + r^3/3 - ...; r^2 and r^3/3 with their
	// rounding errors, the rest in plain double.
	sh, sl := twoProd(rh, rh)
	sl += 2 * float64(rh*rl)
	ch, cl := twoProd(sh, rh)
	cl += float64(sl*rh) + float64(sh*rl)
	c3h, c3l := twoProd(ch, third)
	c3l += float64(ch*thirdL) + float64(cl*third)
	q := float64(sh*sh) * (-0.25 + rh*(0.2+rh*(-1.0/6+rh*(1.0/7+rh*(-0.125+rh*(1.0/9))))))
	// Sum log(m) = -log(c) + r - r^2/2 + r^3/3 + q.
	a, at := twoSum(tab[1], rh)
	b, bt := twoSum(a, -0.5*sh)
	mh, ml = twoSum(b, c3h)
	ml += at + bt + tab[2] + rl - 0.5*sl + c3l + q
	mh, ml = fastTwoSum(mh, ml)
	if e == 0 {
		return mh, ml, 0, mh, ml
	}
	ef := float64(e)
	h, l = twoSum(ef*ln2H, mh)
	l += ml + ef*ln2L
	h, l = fastTwoSum(h, l)
	return h, l, e, mh, ml
}

// third is 1/3 as a double-double.
const (
	third  = 1.0 / 3
	thirdL = 1.850371707708594e-17 // 1/3 - third
)

// logSpecial handles the arguments of log, log2 and log10 that are not
// positive finite numbers.
func logSpecial(x float64) (float64, bool) {
	switch {
	case x != x:
		return x, true
	case x == 0:
		return math.Inf(-1), true
	case x < 0:
		return math.NaN(), true
	case math.IsInf(x, 1):
		return x, true
	case x == 1:
		return 0, true
	}
	return 0, false
}

// Log returns the natural logarithm of x, correctly rounded.
func Log(x float64) float64 {
	if r, ok := logSpecial(x); ok {
		return r
	}
	h, l, _, _, _ := logKernel(x)
	if r, ok := roundTest(h, l, logEps); ok {
		return r
	}
	return ziv(func(prec uint) *big.Float { return bigLog(x, prec) })
}

// Log2 returns the binary logarithm of x, correctly rounded.
func Log2(x float64) float64 {
	if r, ok := logSpecial(x); ok {
		return r
	}
	_, _, e, mh, ml := logKernel(x)
	// log2(x) = e + log(m)/ln2
	h, l := ddMul(mh, ml, invLn2H, invLn2L)
	if mh == 0 {
		return float64(e)
	}
	h, t := twoSum(float64(e), h)
	l += t
	if r, ok := roundTest(h, l, logEps); ok {
		return r
	}
	return ziv(func(prec uint) *big.Float {
		v := bigLog(x, prec+8)
		return v.Quo(v, bigLn2(prec+16))
	})
}

// Constants of the classic log10 algorithm: log10(x) = k*log10(2) +
// log(m)/ln(10), with log10(2) split in a high and a low part so that
// exact powers of ten come out exact.
const (
	ivln10   = 4.34294481903251816668e-01 // 1/ln(10)
	log102Hi = 3.01029995663611771306e-01 // high bits of log10(2)
	log102Lo = 3.69423907715893078616e-13 // log10(2) - log102Hi
)

// Log10 returns the decimal logarithm of x as the C library computes it,
// which is not correctly rounded: the classic algorithm on top of a
// correctly rounded natural logarithm of the mantissa. That gives glibc's
// result for nearly every argument (a correctly rounded log10 would
// differ from it for one argument in seven), exact powers of ten
// included (Go's math.Log10(1000) is below 3).
func Log10(x float64) float64 {
	if r, ok := logSpecial(x); ok {
		return r
	}
	bits := math.Float64bits(x)
	k := 0
	if bits>>52 == 0 { // subnormal: scale up
		x *= 0x1p54
		k -= 54
		bits = math.Float64bits(x)
	}
	k += int(bits>>52) - 1023
	// For k < 0 take the mantissa in [0.5, 1) so that log(m) and k have
	// the same sign and the sum loses nothing.
	i := 0
	if k < 0 {
		i = 1
	}
	m := math.Float64frombits(bits&(1<<52-1) | uint64(0x3ff-i)<<52)
	y := float64(k + i)
	z := y*log102Lo + ivln10*Log(m)
	return z + y*log102Hi
}
