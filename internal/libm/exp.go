package libm

import (
	"math"
	"math/big"
)

// Error bounds of the fast paths, relative to the result. The kernels'
// analysed errors are about four times smaller; the differential tests
// against the math/big evaluation check them.
const (
	expEps = 0x1p-67
	logEps = 0x1p-73
	powEps = 0x1p-67
)

// expKernel returns h, l and n with exp(xh+xl) = (h+l)*2^n to a relative
// error below about 2^-68, for |xh| < 750 and |xl| <= 2^-40|xh|.
func expKernel(xh, xl float64) (h, l float64, n int) {
	expOnce.Do(initExpTab)
	// x = k ln2/128 + r, |r| <= ln2/256.
	kf := (xh*(128/math.Ln2) + roundShift) - roundShift
	k := int(kf)
	t := math.FMA(-kf, ln2By128H, xh) // exact
	u := float64(kf * ln2By128L)
	rh, rl := twoSum(t, xl-u)
	// exp(r) - 1 = r + q with q = r^2/2 + r^3/6 + ...
	q := float64(rh*rh) * (0.5 + rh*(1.0/6+rh*(1.0/24+rh*(1.0/120+rh*(1.0/720+rh*(1.0/5040))))))
	slo := rl + float64(rh*rl) + q
	tab := &expTab[k&127]
	th, tl := tab[0], tab[1]
	ph, pl := twoProd(th, rh)
	h, l0 := fastTwoSum(th, ph)
	l = l0 + pl + float64(th*slo) + tl + float64(tl*rh)
	h, l = fastTwoSum(h, l)
	return h, l, k >> 7
}

// roundShift rounds a double of magnitude below 2^51 to an integer when
// added and subtracted.
const roundShift = 0x1.8p52

// Exp returns e**x, correctly rounded.
func Exp(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 709.79:
		return math.Inf(1)
	case x < -745.2:
		return 0
	case math.Abs(x) < 0x1p-54:
		return 1 + x
	}
	h, l, n := expKernel(x, 0)
	if y, ok := roundTest(h, l, expEps); ok && n > -1020 {
		return scalb(y, n)
	}
	return expSlow(x)
}

func expSlow(x float64) float64 {
	return ziv(func(prec uint) *big.Float { return bigExp(bigFrom(x, 64), prec) })
}
