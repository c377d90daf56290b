package libm

import (
	"math/big"
	"sync"
)

// Tables for the fast paths, computed with math/big on first use
// (a few milliseconds) so that programs that never call these functions
// do not pay for them.

const tablePrec = 160

// ddOf splits v into a double-double.
func ddOf(v *big.Float) (h, l float64) {
	h, _ = v.Float64()
	r := newFloat(v.Prec()).Sub(v, bigFrom(h, 64))
	l, _ = r.Float64()
	return h, l
}

// expTab[j] is 2^(j/128) as a double-double.
var (
	expOnce sync.Once
	expTab  [128][2]float64
)

func initExpTab() {
	ln2 := bigLn2(tablePrec + 16)
	for j := range expTab {
		x := newFloat(tablePrec+16).Mul(ln2, bigFrom(float64(j)/128, 64))
		expTab[j][0], expTab[j][1] = ddOf(bigExp(x, tablePrec))
	}
}

// logTab[j-logTabMin] holds c = fl(512/j) and -log(c) as a double-double,
// for the m in [sqrt(1/2), sqrt(2)) nearest to j/512.
const (
	logTabMin = 362
	logTabMax = 724
)

var (
	logOnce sync.Once
	logTab  [logTabMax - logTabMin + 1][3]float64
)

func initLogTab() {
	for i := range logTab {
		c := 512 / float64(i+logTabMin)
		v := bigLog(c, tablePrec)
		v.Neg(v)
		h, l := ddOf(v)
		logTab[i] = [3]float64{c, h, l}
	}
}

// sinCosTab[j] holds sin(j/128) and cos(j/128) as double-doubles.
var (
	sinCosOnce sync.Once
	sinCosTab  [104][4]float64
)

func initSinCosTab() {
	for j := range sinCosTab {
		s, c := bigSinCosReduced(bigFrom(float64(j)/128, 64), tablePrec)
		sinCosTab[j][0], sinCosTab[j][1] = ddOf(s)
		sinCosTab[j][2], sinCosTab[j][3] = ddOf(c)
	}
}

// atanTab[j] is atan(j/128) as a double-double.
var (
	atanOnce sync.Once
	atanTab  [129][2]float64
)

func initAtanTab() {
	for j := range atanTab {
		atanTab[j][0], atanTab[j][1] = ddOf(bigAtan(bigFrom(float64(j)/128, 64), tablePrec))
	}
}

// Constants as double-doubles.
var (
	ln2H, ln2L       float64 // ln 2, ln2H with 42 significant bits
	ln2By128H        float64 // ln2/128 and the rest
	ln2By128L        float64
	invLn2H, invLn2L float64 // 1/ln 2
	invLn10H         float64 // 1/ln 10
	invLn10L         float64
	piH, piL         float64
	pio2H, pio2L     float64
	pio2C            float64 // third part of pi/2
)

func init() {
	const p = 300
	ln2 := bigLn2(p)
	h, _ := ln2.Float64()
	ln2H = float64(int64(h*(1<<41))) / (1 << 41) // 42 bits: e*ln2H is exact
	ln2L, _ = newFloat(p).Sub(ln2, bigFrom(ln2H, 64)).Float64()
	l128 := newFloat(p).Quo(ln2, bigFrom(128, 64))
	ln2By128H, ln2By128L = ddOf(l128)
	inv := newFloat(p).Quo(bigFrom(1, 64), ln2)
	invLn2H, invLn2L = ddOf(inv)
	ln10 := bigLog(10, p)
	invLn10H, invLn10L = ddOf(newFloat(p).Quo(bigFrom(1, 64), ln10))
	pi := bigPi(p)
	piH, piL = ddOf(pi)
	pio2 := newFloat(p).Quo(pi, bigFrom(2, 64))
	pio2H, pio2L = ddOf(pio2)
	rest := newFloat(p).Sub(pio2, bigFrom(pio2H, 64))
	rest.Sub(rest, bigFrom(pio2L, 64))
	pio2C, _ = rest.Float64()
}
