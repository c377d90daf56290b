package libm

import (
	"math"
	"math/big"
)

const trigEps = 0x1p-67

// reduce returns r (a double-double) and k mod 4 with x = k pi/2 + r,
// |r| <= about pi/4, with a relative error of r below about 2^-75, for
// finite x. ok is false when r is too close to zero for that bound.
func reduce(x float64) (rh, rl float64, k int, ok bool) {
	ax := math.Abs(x)
	if ax <= math.Pi/4 {
		return x, 0, 0, true
	}
	if ax < 0x1p20 {
		kf := (x*(2/math.Pi) + roundShift) - roundShift
		r1 := math.FMA(-kf, pio2H, x) // exact
		a, b := twoProd(kf, pio2L)
		s, e := twoSum(r1, -a)
		e += -b - float64(kf*pio2C)
		rh, rl = fastTwoSum(s, e)
		return rh, rl, int(int64(kf) & 3), math.Abs(rh) > 0x1p-40
	}
	r, kk := bigReduce(x, 128)
	rh, rl = ddOf(r)
	return rh, rl, kk, true
}

// sinCosKernel returns sin(r) and cos(r) as double-doubles for
// |r| <= pi/4 + 2^-10, each with a relative error below about 2^-70.
func sinCosKernel(rh, rl float64) (sh, sl, ch, cl float64) {
	sinCosOnce.Do(initSinCosTab)
	neg := rh < 0
	if neg {
		rh, rl = -rh, -rl
	}
	j := int(rh*128 + 0.5)
	tab := &sinCosTab[j]
	t := rh - float64(j)/128 // exact
	tl := rl
	// sin t = t + t^3 S(t^2), cos t - 1 = -t^2/2 + t^4 C(t^2)
	qh, ql := twoProd(t, t)
	ql += 2 * float64(t*tl)
	q := qh
	sp := float64(q*t) * (-1.0/6 + q*(1.0/120+q*(-1.0/5040+q*(1.0/362880))))
	sth, stl := fastTwoSum(t, tl+sp)
	cp := float64(q*q) * (1.0/24 + q*(-1.0/720+q*(1.0/40320)))
	cmh, cml := -0.5*qh, -0.5*ql+cp
	sah, sal, cah, cal := tab[0], tab[1], tab[2], tab[3]
	// sin(a+t) = Sa + Ca st + Sa cm; cos(a+t) = Ca - Sa st + Ca cm
	p1h, p1l := twoProd(cah, sth)
	p1l += float64(cah*stl) + float64(cal*sth)
	p2h, p2l := twoProd(sah, cmh)
	p2l += float64(sah*cml) + float64(sal*cmh)
	x, xe := twoSum(sah, p1h)
	sh, y := twoSum(x, p2h)
	sl = xe + y + p1l + p2l + sal
	sh, sl = fastTwoSum(sh, sl)

	p3h, p3l := twoProd(sah, sth)
	p3l += float64(sah*stl) + float64(sal*sth)
	p4h, p4l := twoProd(cah, cmh)
	p4l += float64(cah*cml) + float64(cal*cmh)
	x, xe = twoSum(cah, -p3h)
	ch, y = twoSum(x, p4h)
	cl = xe + y - p3l + p4l + cal
	ch, cl = fastTwoSum(ch, cl)
	if neg {
		sh, sl = -sh, -sl
	}
	return sh, sl, ch, cl
}

// Sin returns the sine of x, correctly rounded.
func Sin(x float64) float64 {
	switch {
	case math.Abs(x) < 0x1p-26:
		return x // also ±0
	case math.IsInf(x, 0) || x != x:
		return math.NaN()
	}
	rh, rl, k, ok := reduce(x)
	if ok {
		sh, sl, ch, cl := sinCosKernel(rh, rl)
		h, l := quadrant(k, sh, sl, ch, cl)
		if r, ok := roundTest(h, l, trigEps); ok {
			return r
		}
	}
	return ziv(func(prec uint) *big.Float {
		s, _ := bigSinCos(x, prec)
		return s
	})
}

// Cos returns the cosine of x, correctly rounded.
func Cos(x float64) float64 {
	switch {
	case math.Abs(x) < 0x1p-27:
		return 1
	case math.IsInf(x, 0) || x != x:
		return math.NaN()
	}
	rh, rl, k, ok := reduce(x)
	if ok {
		sh, sl, ch, cl := sinCosKernel(rh, rl)
		h, l := quadrant(k+1, sh, sl, ch, cl)
		if r, ok := roundTest(h, l, trigEps); ok {
			return r
		}
	}
	return ziv(func(prec uint) *big.Float {
		_, c := bigSinCos(x, prec)
		return c
	})
}

// quadrant returns sin(k pi/2 + r) from sin r and cos r.
func quadrant(k int, sh, sl, ch, cl float64) (float64, float64) {
	switch k & 3 {
	case 0:
		return sh, sl
	case 1:
		return ch, cl
	case 2:
		return -sh, -sl
	default:
		return -ch, -cl
	}
}

// Tan returns the tangent of x, correctly rounded.
func Tan(x float64) float64 {
	switch {
	case math.Abs(x) < 0x1p-27:
		return x
	case math.IsInf(x, 0) || x != x:
		return math.NaN()
	}
	rh, rl, k, ok := reduce(x)
	if ok {
		sh, sl, ch, cl := sinCosKernel(rh, rl)
		var h, l float64
		if k&1 == 0 {
			h, l = ddDiv(sh, sl, ch, cl)
		} else {
			h, l = ddDiv(-ch, -cl, sh, sl)
		}
		if r, ok := roundTest(h, l, trigEps); ok {
			return r
		}
	}
	return ziv(func(prec uint) *big.Float {
		s, c := bigSinCos(x, prec+8)
		return s.Quo(s, c)
	})
}
