package libm

import (
	"math"
	"testing"
)

// Benchmarks of the common paths beside Go's math package. The arguments
// cycle through a small table so that branch prediction sees variety.

var benchArgs = [8]float64{0.3, 1.7, 2.5, 7.25, 0.01, 13.5, 0.9, 4.4}

var sink float64

func bench1(b *testing.B, f func(float64) float64) {
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += f(benchArgs[i&7])
	}
	sink = s
}

func bench2(b *testing.B, f func(float64, float64) float64) {
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += f(benchArgs[i&7], benchArgs[(i+3)&7])
	}
	sink = s
}

func BenchmarkPow(b *testing.B)     { bench2(b, Pow) }
func BenchmarkGoPow(b *testing.B)   { bench2(b, math.Pow) }
func BenchmarkExp(b *testing.B)     { bench1(b, Exp) }
func BenchmarkGoExp(b *testing.B)   { bench1(b, math.Exp) }
func BenchmarkLog(b *testing.B)     { bench1(b, Log) }
func BenchmarkGoLog(b *testing.B)   { bench1(b, math.Log) }
func BenchmarkSin(b *testing.B)     { bench1(b, Sin) }
func BenchmarkGoSin(b *testing.B)   { bench1(b, math.Sin) }
func BenchmarkTan(b *testing.B)     { bench1(b, Tan) }
func BenchmarkGoTan(b *testing.B)   { bench1(b, math.Tan) }
func BenchmarkAtan(b *testing.B)    { bench1(b, Atan) }
func BenchmarkGoAtan(b *testing.B)  { bench1(b, math.Atan) }
func BenchmarkAsin(b *testing.B)    { bench1(b, func(x float64) float64 { return Asin(x / 16) }) }
func BenchmarkGoAsin(b *testing.B)  { bench1(b, func(x float64) float64 { return math.Asin(x / 16) }) }
func BenchmarkSinHuge(b *testing.B) { bench1(b, func(x float64) float64 { return Sin(x * 1e22) }) }
func BenchmarkGoSinHuge(b *testing.B) {
	bench1(b, func(x float64) float64 { return math.Sin(x * 1e22) })
}
