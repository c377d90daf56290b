package libm

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// slow1 maps each one-argument function to its math/big evaluation.
var slow1 = map[string]struct {
	fast func(float64) float64
	slow func(x float64, prec uint) *big.Float
}{
	"exp":  {Exp, func(x float64, p uint) *big.Float { return bigExp(bigFrom(x, 64), p) }},
	"log":  {Log, func(x float64, p uint) *big.Float { return bigLog(x, p) }},
	"log2": {Log2, func(x float64, p uint) *big.Float { v := bigLog(x, p+8); return v.Quo(v, bigLn2(p+16)) }},
	"sin":  {Sin, func(x float64, p uint) *big.Float { s, _ := bigSinCos(x, p); return s }},
	"cos":  {Cos, func(x float64, p uint) *big.Float { _, c := bigSinCos(x, p); return c }},
	"tan": {Tan, func(x float64, p uint) *big.Float {
		s, c := bigSinCos(x, p+8)
		return s.Quo(s, c)
	}},
	"atan": {Atan, func(x float64, p uint) *big.Float { return bigAtan(bigFrom(x, 64), p) }},
	"asin": {Asin, func(x float64, p uint) *big.Float {
		return bigAtan2(bigFrom(x, 64), bigSqrtOneMinusSquare(x, p+guardBits), p)
	}},
	"acos": {Acos, func(x float64, p uint) *big.Float {
		return bigAtan2(bigSqrtOneMinusSquare(x, p+guardBits), bigFrom(x, 64), p)
	}},
}

// TestFastAgreesWithSlow checks the fast paths against Ziv's loop on
// random arguments.
func TestFastAgreesWithSlow(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(5, 6))
	wide := func() float64 { return math.Exp(uniform(-700, 700)(r)) }
	gens := map[string][]func() float64{
		"exp":  {func() float64 { return uniform(-10, 10)(r) }, func() float64 { return uniform(-745, 710)(r) }},
		"log":  {wide, func() float64 { return uniform(0.99, 1.01)(r) }, func() float64 { return r.Float64() * 0x1p-1022 }},
		"log2": {wide, func() float64 { return uniform(0.5, 2)(r) }},
		"sin":  {func() float64 { return uniform(-10, 10)(r) }, wide},
		"cos":  {func() float64 { return uniform(-10, 10)(r) }, wide},
		"tan":  {func() float64 { return uniform(-10, 10)(r) }, wide},
		"atan": {func() float64 { return uniform(-10, 10)(r) }, wide},
		"asin": {func() float64 { return uniform(-1, 1)(r) }},
		"acos": {func() float64 { return uniform(-1, 1)(r) }},
	}
	for name, gs := range gens {
		f := slow1[name]
		bad := 0
		for _, g := range gs {
			for i := 0; i < n; i++ {
				x := g()
				want := ziv(func(p uint) *big.Float { return f.slow(x, p) })
				if got := f.fast(x); got != want && bad < 5 {
					bad++
					t.Errorf("%s(%v) = %v, want %v", name, x, got, want)
				}
			}
		}
	}
}

func TestPowAgreesWithSlow(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 500
	}
	r := rand.New(rand.NewPCG(7, 8))
	gens := []func() (float64, float64){
		func() (float64, float64) { return 100 * r.Float64(), uniform(-50, 50)(r) },
		func() (float64, float64) { return uniform(0.999, 1.001)(r), uniform(-1e5, 1e5)(r) },
		func() (float64, float64) { return 100 * r.Float64(), float64(r.IntN(60) - 30) },
		func() (float64, float64) { return math.Exp(uniform(-700, 700)(r)), uniform(-1, 1)(r) },
	}
	bad := 0
	for _, g := range gens {
		for i := 0; i < n; i++ {
			x, y := g()
			want := ziv(func(p uint) *big.Float {
				z := bigLog(x, p+32)
				z.Mul(z, bigFrom(y, 64))
				return bigExp(z, p)
			})
			if got := Pow(x, y); got != want && bad < 5 {
				bad++
				t.Errorf("Pow(%v, %v) = %v, want %v", x, y, got, want)
			}
		}
	}
}
