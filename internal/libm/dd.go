package libm

import "math"

// Error-free transformations and double-double helpers. The explicit
// float64 conversions stop the compiler from fusing a product into a
// following addition on platforms that have a fused multiply-add, which
// would break the exactness these rely on.

// twoSum returns s = fl(a+b) and e with s+e == a+b exactly.
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

// fastTwoSum is twoSum for |a| >= |b| (or a == 0).
func fastTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return s, e
}

// twoProd returns p = fl(a*b) and e with p+e == a*b exactly.
func twoProd(a, b float64) (p, e float64) {
	p = float64(a * b)
	e = math.FMA(a, b, -p)
	return p, e
}

// ddMul returns (ah+al)*(bh+bl) as a double-double, relative error
// about 2^-102.
func ddMul(ah, al, bh, bl float64) (h, l float64) {
	p, e := twoProd(ah, bh)
	e += float64(ah*bl) + float64(al*bh)
	return fastTwoSum(p, e)
}

// ddDiv returns (ah+al)/(bh+bl) as a double-double, relative error
// about 2^-102.
func ddDiv(ah, al, bh, bl float64) (h, l float64) {
	q := ah / bh
	// r = a - q*b, computed with the product q*bh exact.
	p, e := twoProd(q, bh)
	r := ((ah - p) - e + al) - float64(q*bl)
	return fastTwoSum(q, r/bh)
}

// ddSqrt returns sqrt(ah+al) as a double-double for ah > 0.
func ddSqrt(ah, al float64) (h, l float64) {
	s := math.Sqrt(ah)
	p, e := twoProd(s, s)
	r := ((ah - p) - e + al) / (2 * s)
	return fastTwoSum(s, r)
}

// roundTest returns the double nearest to h+l and whether it is
// certainly the correct rounding of a value v known to satisfy
// |v - (h+l)| <= eps*|h|. h+l must lie in the normal range.
func roundTest(h, l, eps float64) (float64, bool) {
	e := eps * math.Abs(h)
	a := h + (l - e)
	b := h + (l + e)
	return a, a == b
}

// scalb returns x*2^n for a result in the normal range or beyond it
// (where it overflows to an infinity), exactly.
func scalb(x float64, n int) float64 {
	for n > 1023 {
		x *= 0x1p1023
		n -= 1023
	}
	for n < -1022 {
		x *= 0x1p-1022
		n += 1022
	}
	return x * math.Float64frombits(uint64(n+1023)<<52)
}
