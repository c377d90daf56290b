package libm

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// relErr returns log2 of |(h+l) - v| / |v|.
func relErr(h, l float64, v *big.Float) float64 {
	d := newFloat(300).Add(bigFrom(h, 64), bigFrom(l, 64))
	d.Sub(d, v)
	if d.Sign() == 0 {
		return -1000
	}
	d.Quo(d, v)
	f, _ := d.Float64()
	return math.Log2(math.Abs(f))
}

// kernelCheck reports the largest relative error of a kernel seen over
// n random arguments; the error bounds in the code must stay above it.
func kernelCheck(t *testing.T, name string, n int, gen func(r *rand.Rand) float64, kernel func(x float64) (h, l float64, n int), exact func(x float64) *big.Float, bound float64) {
	r := rand.New(rand.NewPCG(1, 2))
	worst, worstX := -1000.0, 0.0
	for i := 0; i < n; i++ {
		x := gen(r)
		h, l, n := kernel(x)
		v := exact(x)
		e := relErr(h, l, v.SetMantExp(v, -n))
		if e > worst {
			worst, worstX = e, x
		}
	}
	t.Logf("%s: worst relative error 2^%.2f at %v (bound 2^%.0f)", name, worst, worstX, math.Log2(bound))
	if worst > math.Log2(bound)-1 {
		t.Errorf("%s: error 2^%.2f too close to the bound", name, worst)
	}
}

func uniform(lo, hi float64) func(r *rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return lo + (hi-lo)*r.Float64() }
}

func TestExpKernel(t *testing.T) {
	kernelCheck(t, "exp", 20000, uniform(-740, 709), func(x float64) (float64, float64, int) {
		return expKernel(x, 0)
	}, func(x float64) *big.Float { return bigExp(bigFrom(x, 64), 200) }, expEps)
}

func TestLogKernel(t *testing.T) {
	exact := func(x float64) *big.Float { return bigLog(x, 200) }
	k := func(x float64) (float64, float64, int) { h, l, _, _, _ := logKernel(x); return h, l, 0 }
	kernelCheck(t, "log wide", 20000, func(r *rand.Rand) float64 { return math.Exp(uniform(-700, 700)(r)) }, k, exact, logEps)
	kernelCheck(t, "log near 1", 20000, uniform(0.7, 1.42), k, exact, logEps)
	kernelCheck(t, "log very near 1", 20000, uniform(1-1e-6, 1+1e-6), k, exact, logEps)
}

func TestPowKernel(t *testing.T) {
	for _, c := range []struct {
		name   string
		lo, hi float64
		ylo    float64
		yhi    float64
	}{
		{"pow", 0, 100, -50, 50},
		{"pow near 1", 0.999, 1.001, -5e5, 5e5},
		{"pow wide", 1e-300, 1e300, -2, 2},
	} {
		r := rand.New(rand.NewPCG(3, 4))
		worst := -1000.0
		for i := 0; i < 10000; i++ {
			x := c.lo + (c.hi-c.lo)*r.Float64()
			y := c.ylo + (c.yhi-c.ylo)*r.Float64()
			lh, ll, _, _, _ := logKernel(x)
			zh, zl := twoProd(y, lh)
			zl += y * ll
			zh, zl = fastTwoSum(zh, zl)
			if zh > 700 || zh < -700 {
				continue
			}
			h, l, n := expKernel(zh, zl)
			z := bigLog(x, 250)
			z.Mul(z, bigFrom(y, 64))
			v := bigExp(z, 200)
			worst = max(worst, relErr(h, l, v.SetMantExp(v, -n)))
		}
		t.Logf("%s: worst 2^%.2f", c.name, worst)
		if worst > math.Log2(powEps)-1 {
			t.Errorf("%s: error 2^%.2f too close to the bound", c.name, worst)
		}
	}
}

func TestSinCosKernel(t *testing.T) {
	for _, g := range []struct {
		name string
		gen  func(r *rand.Rand) float64
	}{
		{"small", uniform(-1, 1)},
		{"medium", uniform(-1e5, 1e5)},
		{"huge", func(r *rand.Rand) float64 { return math.Exp(uniform(40, 700)(r)) }},
	} {
		for _, f := range []struct {
			name string
			q    int
		}{{"sin", 0}, {"cos", 1}} {
			kernelCheck(t, f.name+" "+g.name, 5000, g.gen, func(x float64) (float64, float64, int) {
				rh, rl, k, _ := reduce(x)
				sh, sl, ch, cl := sinCosKernel(rh, rl)
				h, l := quadrant(k+f.q, sh, sl, ch, cl)
				return h, l, 0
			}, func(x float64) *big.Float {
				s, c := bigSinCos(x, 200)
				if f.q == 1 {
					return c
				}
				return s
			}, trigEps)
		}
	}
}

func TestAtanKernels(t *testing.T) {
	noN := func(f func(x float64) (float64, float64)) func(x float64) (float64, float64, int) {
		return func(x float64) (float64, float64, int) { h, l := f(x); return h, l, 0 }
	}
	kernelCheck(t, "atan", 20000, uniform(0, 1), noN(func(x float64) (float64, float64) { return atanKernel(x, 0) }),
		func(x float64) *big.Float { return bigAtan(bigFrom(x, 64), 200) }, atanEps)
	kernelCheck(t, "atan2", 20000, uniform(-10, 10), noN(func(x float64) (float64, float64) { return atan2Kernel(0.7, 0, x, 0) }),
		func(x float64) *big.Float { return bigAtan2(bigFrom(0.7, 64), bigFrom(x, 64), 200) }, atanEps)
	kernelCheck(t, "asin", 20000, uniform(0, 1), noN(func(x float64) (float64, float64) {
		ch, cl := sqrtOneMinusSquare(x)
		return atan2Kernel(x, 0, ch, cl)
	}), func(x float64) *big.Float { return bigAtan2(bigFrom(x, 64), bigSqrtOneMinusSquare(x, 300), 200) }, atanEps)
	kernelCheck(t, "acos", 20000, uniform(-1, 1), noN(func(x float64) (float64, float64) {
		ch, cl := sqrtOneMinusSquare(math.Abs(x))
		return atan2Kernel(ch, cl, x, 0)
	}), func(x float64) *big.Float { return bigAtan2(bigSqrtOneMinusSquare(x, 300), bigFrom(x, 64), 200) }, atanEps)
}
