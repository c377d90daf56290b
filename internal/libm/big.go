package libm

import (
	"math"
	"math/big"
	"sync"
)

// The slow paths: the functions evaluated with math/big. Each bigXxx
// returns its value with a relative error below 2^-prec; they work with
// guard bits internally so that their own rounding errors stay far below
// that.

const guardBits = 64

// maxPrec bounds Ziv's loop. No double argument of these functions is
// known to need more than a few hundred bits; past this the best
// approximation is returned.
const maxPrec = 4096

func newFloat(prec uint) *big.Float { return new(big.Float).SetPrec(prec) }

func bigFrom(x float64, prec uint) *big.Float { return newFloat(prec).SetFloat64(x) }

// ziv returns the correct rounding of a value that eval computes to any
// requested relative precision.
func ziv(eval func(prec uint) *big.Float) float64 {
	for prec := uint(128); ; prec *= 2 {
		v := eval(prec)
		if v.Sign() == 0 || v.IsInf() {
			f, _ := v.Float64()
			return f
		}
		e := new(big.Float).SetMantExp(big.NewFloat(1), v.MantExp(nil)-int(prec))
		lo := newFloat(v.Prec()+prec+8).Sub(v, e)
		hi := newFloat(v.Prec()+prec+8).Add(v, e)
		a, _ := lo.Float64()
		b, _ := hi.Float64()
		if a == b || prec >= maxPrec {
			f, _ := v.Float64()
			return f
		}
	}
}

// constCache holds a constant computed at the largest precision asked
// for so far.
type constCache struct {
	mu      sync.Mutex
	v       *big.Float
	compute func(prec uint) *big.Float
}

func (c *constCache) get(prec uint) *big.Float {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.v == nil || c.v.Prec() < prec {
		p := prec + prec/4 + 64
		c.v = c.compute(p)
	}
	return newFloat(prec).Set(c.v)
}

var (
	ln2Cache = &constCache{compute: computeLn2}
	piCache  = &constCache{compute: computePi}
)

// bigLn2 returns ln 2 to prec bits.
func bigLn2(prec uint) *big.Float { return ln2Cache.get(prec) }

// bigPi returns pi to prec bits.
func bigPi(prec uint) *big.Float { return piCache.get(prec) }

// atanhInv returns atanh(1/n) = sum 1/((2k+1) n^(2k+1)) at precision wp.
func atanhInv(n int64, wp uint) *big.Float {
	return arctanInv(n, wp, false)
}

// arctanInv returns atan(1/n) (or atanh(1/n) when hyperbolic) at wp bits.
func arctanInv(n int64, wp uint, alternate bool) *big.Float {
	sum := newFloat(wp)
	pow := newFloat(wp).Quo(bigFrom(1, wp), bigFrom(float64(n), wp)) // n^-(2k+1)
	n2 := bigFrom(float64(n*n), wp)
	term := newFloat(wp)
	eps := -int(wp) - 4
	for k := int64(0); ; k++ {
		term.Quo(pow, bigFrom(float64(2*k+1), wp))
		if alternate && k%2 == 1 {
			sum.Sub(sum, term)
		} else {
			sum.Add(sum, term)
		}
		if term.MantExp(nil) < eps+sum.MantExp(nil) {
			return sum
		}
		pow.Quo(pow, n2)
	}
}

func computeLn2(prec uint) *big.Float {
	// ln 2 = 2 atanh(1/3)
	v := atanhInv(3, prec+16)
	return v.Mul(v, bigFrom(2, prec+16))
}

func computePi(prec uint) *big.Float {
	// Machin: pi = 16 atan(1/5) - 4 atan(1/239)
	wp := prec + 16
	a := arctanInv(5, wp, true)
	b := arctanInv(239, wp, true)
	a.Mul(a, bigFrom(16, wp))
	b.Mul(b, bigFrom(4, wp))
	return a.Sub(a, b)
}

// bigExp returns exp(x) to prec bits.
func bigExp(x *big.Float, prec uint) *big.Float {
	wp := prec + guardBits
	if x.Sign() == 0 {
		return bigFrom(1, wp)
	}
	// x = k ln2 + r with |r| <= ln2/2; exp(r) = exp(r/2^s)^(2^s).
	xe := x.MantExp(nil)
	if xe < 0 {
		xe = 0
	}
	lp := wp + uint(xe) + 16
	ln2 := bigLn2(lp)
	q := newFloat(lp).Quo(x, ln2)
	qf, _ := q.Float64()
	k := math.Round(qf)
	r := newFloat(lp).Mul(ln2, bigFrom(k, 64))
	r.Sub(newFloat(lp).Set(x), r)
	r.SetPrec(wp)
	const s = 8
	r.SetMantExp(r, -s)
	sum := bigFrom(1, wp)
	term := bigFrom(1, wp)
	eps := -int(wp) - 4
	for n := 1; ; n++ {
		term.Mul(term, r)
		term.Quo(term, bigFrom(float64(n), wp))
		sum.Add(sum, term)
		if term.Sign() == 0 || term.MantExp(nil) < eps {
			break
		}
	}
	for i := 0; i < s; i++ {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, int(k))
}

// bigLog returns log(x) to prec bits for a positive finite x.
func bigLog(x float64, prec uint) *big.Float {
	wp := prec + guardBits
	m := new(big.Float)
	e := bigFrom(x, 64).MantExp(m) // x = m 2^e, m in [0.5, 1)
	if m.Cmp(big.NewFloat(0.75)) < 0 {
		m.SetMantExp(m, 1)
		e--
	}
	m.SetPrec(wp)
	one := bigFrom(1, wp)
	d := newFloat(wp).Sub(m, one)
	const s = 8
	reduced := d.MantExp(nil) > -8
	if reduced {
		for i := 0; i < s; i++ {
			m.Sqrt(m)
		}
		d.Sub(m, one)
	}
	// log m = 2 atanh(t), t = (m-1)/(m+1)
	t := newFloat(wp).Quo(d, newFloat(wp).Add(m, one))
	t2 := newFloat(wp).Mul(t, t)
	sum := newFloat(wp).Set(t)
	pow := newFloat(wp).Set(t)
	term := newFloat(wp)
	if t.Sign() != 0 {
		eps := t.MantExp(nil) - int(wp) - 4
		for k := 1; ; k++ {
			pow.Mul(pow, t2)
			term.Quo(pow, bigFrom(float64(2*k+1), wp))
			sum.Add(sum, term)
			if term.MantExp(nil) < eps {
				break
			}
		}
	}
	sum.SetMantExp(sum, 1)
	if reduced {
		sum.SetMantExp(sum, s)
	}
	if e != 0 {
		lp := wp + 16
		l := newFloat(lp).Mul(bigLn2(lp), bigFrom(float64(e), 64))
		sum = newFloat(wp).Add(l, sum)
	}
	return sum
}

// bigSinCosReduced returns sin(r) and cos(r) at wp bits for |r| <= 1.
func bigSinCosReduced(r *big.Float, wp uint) (sin, cos *big.Float) {
	sin = newFloat(wp).Set(r)
	cos = bigFrom(1, wp)
	if r.Sign() == 0 {
		return sin, cos
	}
	r2 := newFloat(wp).Mul(r, r)
	ts := newFloat(wp).Set(r) // r^(2k+1)/(2k+1)!
	tc := bigFrom(1, wp)      // r^(2k)/(2k)!
	eps := -int(wp) - 8
	for k := 1; ; k++ {
		tc.Mul(tc, r2)
		tc.Quo(tc, bigFrom(float64((2*k-1)*(2*k)), wp))
		ts.Mul(ts, r2)
		ts.Quo(ts, bigFrom(float64((2*k)*(2*k+1)), wp))
		if k%2 == 1 {
			cos.Sub(cos, tc)
			sin.Sub(sin, ts)
		} else {
			cos.Add(cos, tc)
			sin.Add(sin, ts)
		}
		if tc.MantExp(nil) < eps && ts.MantExp(nil) < eps+r.MantExp(nil) {
			return sin, cos
		}
	}
}

// bigReduce returns r and k mod 4 with x = k pi/2 + r, |r| <= pi/4,
// r to wp bits (relative).
func bigReduce(x float64, wp uint) (*big.Float, int) {
	xe := math.Ilogb(x)
	if xe < 0 {
		xe = 0
	}
	// |r| >= 2^-62 for every double x, so 64+wp bits of x*2/pi after the
	// binary point give r to wp bits.
	p := wp + uint(xe) + 64 + 64
	pi := bigPi(p)
	twoOverPi := newFloat(p).Quo(bigFrom(2, p), pi)
	y := newFloat(p).Mul(bigFrom(x, 64), twoOverPi)
	kf := newFloat(p).Set(y)
	// round to nearest integer
	half := big.NewFloat(0.5)
	if y.Sign() < 0 {
		kf.Sub(kf, half)
	} else {
		kf.Add(kf, half)
	}
	ki, _ := kf.Int(nil)
	f := newFloat(p).Sub(y, newFloat(p).SetInt(ki))
	r := newFloat(wp).Mul(f, newFloat(wp).Quo(pi, bigFrom(2, wp)))
	k := int(new(big.Int).And(ki, big.NewInt(3)).Int64())
	return r, k
}

// bigSinCos returns sin(x) and cos(x) to prec bits.
func bigSinCos(x float64, prec uint) (sin, cos *big.Float) {
	wp := prec + guardBits
	r, k := bigReduce(x, wp)
	s, c := bigSinCosReduced(r, wp)
	switch k {
	case 1:
		s, c = c, s.Neg(s)
	case 2:
		s, c = s.Neg(s), c.Neg(c)
	case 3:
		s, c = c.Neg(c), s
	}
	return s, c
}

// bigAtan returns atan(x) to prec bits.
func bigAtan(x *big.Float, prec uint) *big.Float {
	wp := prec + guardBits
	if x.Sign() == 0 {
		return newFloat(wp)
	}
	neg := x.Sign() < 0
	a := newFloat(wp).Abs(x)
	one := bigFrom(1, wp)
	inv := a.Cmp(one) > 0
	if inv {
		a.Quo(one, a)
	}
	// atan(a) = 2 atan(a / (1 + sqrt(1 + a^2)))
	const s = 8
	t := newFloat(wp)
	for i := 0; i < s; i++ {
		t.Mul(a, a)
		t.Add(t, one)
		t.Sqrt(t)
		t.Add(t, one)
		a.Quo(a, t)
	}
	a2 := newFloat(wp).Mul(a, a)
	sum := newFloat(wp).Set(a)
	pow := newFloat(wp).Set(a)
	term := newFloat(wp)
	eps := a.MantExp(nil) - int(wp) - 4
	for k := 1; ; k++ {
		pow.Mul(pow, a2)
		term.Quo(pow, bigFrom(float64(2*k+1), wp))
		if k%2 == 1 {
			sum.Sub(sum, term)
		} else {
			sum.Add(sum, term)
		}
		if term.Sign() == 0 || term.MantExp(nil) < eps {
			break
		}
	}
	sum.SetMantExp(sum, s)
	if inv {
		h := bigPi(wp + 8)
		h.SetMantExp(h, -1)
		sum = newFloat(wp).Sub(h, sum)
	}
	if neg {
		sum.Neg(sum)
	}
	return sum
}

// bigAtan2 returns atan2(y, x) to prec bits for finite y, x, not both
// zero... x != 0.
func bigAtan2(y, x *big.Float, prec uint) *big.Float {
	wp := prec + guardBits
	q := newFloat(wp).Quo(y, x)
	q.Abs(q)
	a := bigAtan(q, wp)
	if x.Sign() < 0 {
		a = newFloat(wp).Sub(bigPi(wp+8), a)
	}
	if y.Sign() < 0 {
		a.Neg(a)
	}
	return a
}
