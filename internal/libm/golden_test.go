package libm

import (
	"math"
	"testing"
)

// golden holds results of lua5.4 (glibc's libm) printed with %a by
// running testdata/golden.lua; they are correctly rounded, which was
// checked against the math/big evaluation.
var golden = []struct {
	fn        string
	x, y, out float64
}{
	{"pow", 0x1p+6, 0x1.4p+1, 0x1p+15},                                            // pow(64 ^ 2.5)
	{"pow", 0x1.4p+3, -0x1p+1, 0x1.47ae147ae147bp-7},                              // pow(10 ^ -2)
	{"pow", 0x1p+1, 0x1p-1, 0x1.6a09e667f3bcdp+0},                                 // pow(2 ^ 0.5)
	{"pow", 0x1.00068db8bac71p+0, 0x1.86ap+16, 0x1.57fdd2fe62a3dp+14},             // pow(1.0001 ^ 1e5)
	{"pow", 0x1.8p+1, 0x1.4p+5, 0x1.517168a4523fdp+63},                            // pow(3 ^ 40)
	{"pow", 0x1.cp+2, -0x1.cp+1, 0x1.20ddc19dda4dfp-10},                           // pow(7 ^ -3.5)
	{"pow", 0x1p-1, 0x1.0c8p+10, 0x0.0000000000001p-1022},                         // pow(0.5 ^ 1074)
	{"pow", 0x1.0624dd2f1a9fcp-10, 0x1.a533333333333p+6, 0x0.000000184cee6p-1022}, // pow(1e-3 ^ 105.3)
	{"pow", 0x1.4p+3, 0x1.344p+8, 0x1.fa788589d81d3p+1023},                        // pow(10 ^ 308.25)
	{"pow", -0x1p+1, 0x1.8p+1, -0x1p+3},                                           // pow(-2 ^ 3)
	{"pow", -0x1p+3, -0x1p+0, -0x1p-3},                                            // pow(-8 ^ -1)
	{"pow", 0x1.6a09e6cp+26, 0x1p+1, 0x1.0000007c84becp+53},                       // pow(94906267 ^ 2)
	{"pow", 0x1.6a09e6cp+26, 0x1.8p+1, 0x1.6a09e7701886bp+79},                     // pow(94906267 ^ 3)
	{"pow", 0x1.8p+0, 0x1.f4p+9, 0x1.f2dd011353699p+584},                          // pow(1.5 ^ 1000)
	{"exp", 0x1p+0, 0x0p+0, 0x1.5bf0a8b145769p+1},                                 // exp(1)
	{"exp", -0x1p+0, 0x0p+0, 0x1.78b56362cef38p-2},                                // exp(-1)
	{"exp", 0x1.62d999999999ap+9, 0x0p+0, 0x1.d75ae7a50ee14p+1023},                // exp(709.7)
	{"exp", -0x1.72p+9, 0x0p+0, 0x0.0000000000055p-1022},                          // exp(-740)
	{"exp", 0x1.b7cdfd9d7bdbbp-34, 0x0p+0, 0x1.000000006df38p+0},                  // exp(1e-10)
	{"exp", 0x1p-1, 0x0p+0, 0x1.a61298e1e069cp+0},                                 // exp(0.5)
	{"log", 0x1p+1, 0x0p+0, 0x1.62e42fefa39efp-1},                                 // log(2)
	{"log", 0x1.4p+3, 0x0p+0, 0x1.26bb1bbb55516p+1},                               // log(10)
	{"log", 0x0.012688b70e62bp-1022, 0x0p+0, -0x1.64e69394d9508p+9},               // log(1e-310)
	{"log", 0x1.000001ad7f29bp+0, 0x0p+0, 0x1.ad7f2847b6492p-24},                  // log(1.0000001)
	{"log2", 0x1.4p+3, 0x0p+0, 0x1.a934f0979a371p+1},                              // log2(10)
	{"log2", 0x1.8p+1, 0x0p+0, 0x1.95c01a39fbd68p+0},                              // log2(3)
	{"log2", 0x0.00000000007e8p-1022, 0x0p+0, -0x1.09c116a21e20ap+10},             // log2(1e-320)
	{"log10", 0x1p+1, 0x0p+0, 0x1.34413509f79ffp-2},                               // log10(2)
	{"log10", 0x1.f4p+9, 0x0p+0, 0x1.8p+1},                                        // log10(1000)
	{"log10", 0x1.0f0cf064dd592p+73, 0x0p+0, 0x1.6p+4},                            // log10(1e22)
	{"sin", 0x1p+53, 0x0p+0, -0x1.b2a66c8f35586p-1},                               // sin(2^53)
	{"sin", 0x1.7e43c8800759cp+996, 0x0p+0, -0x1.a2c16b010e385p-1},                // sin(1e300)
	{"sin", 0x1.8p+1, 0x0p+0, 0x1.210386db6d55bp-3},                               // sin(3)
	{"sin", 0x1.0f0cf064dd592p+73, 0x0p+0, -0x1.b453ab76bf397p-1},                 // sin(1e22)
	{"sin", 0x1p-1, 0x0p+0, 0x1.eaee8744b05fp-2},                                  // sin(0.5)
	{"cos", 0x1p+53, 0x0p+0, -0x1.0e9918bb35aacp-1},                               // cos(2^53)
	{"cos", 0x1.7e43c8800759cp+996, 0x0p+0, -0x1.2699022adc4c1p-1},                // cos(1e300)
	{"cos", 0x1p+0, 0x0p+0, 0x1.14a280fb5068cp-1},                                 // cos(1)
	{"cos", 0x1.921fb54442d18p+0, 0x0p+0, 0x1.1a62633145c07p-54},                  // cos(1.5707963267948966)
	{"tan", 0x1p+0, 0x0p+0, 0x1.8eb245cbee3a6p+0},                                 // tan(1)
	{"tan", 0x1.921fb54442d18p+0, 0x0p+0, 0x1.d02967c31cdb5p+53},                  // tan(1.5707963267948966)
	{"tan", 0x1.7e43c8800759cp+996, 0x0p+0, 0x1.6be411f37ac77p+0},                 // tan(1e300)
	{"tan", 0x1p+53, 0x0p+0, 0x1.9b33af5ae241fp+0},                                // tan(2^53)
	{"asin", 0x1p-1, 0x0p+0, 0x1.0c152382d7366p-1},                                // asin(0.5)
	{"asin", 0x1.ffffde7210be9p-1, 0x0p+0, 0x1.91c306b2c13adp+0},                  // asin(0.999999)
	{"asin", -0x1.3333333333333p-2, 0x0p+0, -0x1.380159e14f6ffp-2},                // asin(-0.3)
	{"acos", 0x1p-1, 0x0p+0, 0x1.0c152382d7366p+0},                                // acos(0.5)
	{"acos", -0x1.ffffde7210be9p-1, 0x0p+0, 0x1.91f15dfb82062p+1},                 // acos(-0.999999)
	{"acos", 0x1.4f8b588e368f1p-17, 0x0p+0, 0x1.921f0d7e968a6p+0},                 // acos(1e-5)
	{"atan", 0x1p+0, 0x0p+0, 0x1.921fb54442d18p-1},                                // atan(1)
	{"atan", 0x1.4p+3, 0x0p+0, 0x1.789bd2c160054p+0},                              // atan(10)
	{"atan", -0x1.3333333333333p-2, 0x0p+0, -0x1.2a73a661eaf06p-2},                // atan(-0.3)
	{"atan", 0x1.5af1d78b58c4p+66, 0x0p+0, 0x1.921fb54442d18p+0},                  // atan(1e20)
	{"atan2", 0x1p+0, -0x1p+0, 0x1.2d97c7f3321d2p+1},                              // atan2(1, -1)
	{"atan2", -0x1.8p+1, 0x1p+2, -0x1.4978fa3269ee1p-1},                           // atan2(-3, 4)
	{"atan2", 0x1.56e1fc2f8f359p-997, -0x1p+0, 0x1.921fb54442d18p+1},              // atan2(1e-300, -1)
	{"atan2", 0x1.4p+2, 0x0.012688b70e62bp-1022, 0x1.921fb54442d18p+0},            // atan2(5, 1e-310)
}

var funcs1 = map[string]func(float64) float64{
	"exp": Exp, "log": Log, "log2": Log2, "log10": Log10, "sin": Sin, "cos": Cos, "tan": Tan,
	"asin": Asin, "acos": Acos, "atan": Atan,
}

func TestGolden(t *testing.T) {
	for _, c := range golden {
		var got float64
		switch c.fn {
		case "pow":
			got = Pow(c.x, c.y)
		case "atan2":
			got = Atan2(c.x, c.y)
		default:
			got = funcs1[c.fn](c.x)
		}
		if got != c.out {
			t.Errorf("%s(%x, %x) = %x, want %x", c.fn, c.x, c.y, got, c.out)
		}
	}
}

// specials are the arguments whose results C99 fixes exactly (zeros,
// infinities, NaNs, exact powers). Go's math package follows C99 for
// them too, so it is the reference here, up to NaN signs and to its
// rounding errors elsewhere (it is checked loosely there: equal class and
// sign, close in value).
var specials = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1.5, -1.5, 0x1p53, -0x1p53, 0x1p60, 1e308, -1e308,
	4.9e-324, -4.9e-324, 0x1p-1022, math.Inf(1), math.Inf(-1), math.NaN(), math.Pi, 1e-20, -1e-20,
}

// close reports whether a and b agree in class and sign and, when finite
// and non-zero, within 2^-40 relative (Go is off by many ulps for
// pow(2^60, 1.5) and sin(pi)).
func close(a, b float64) bool {
	switch {
	case a != a || b != b:
		return a != a && b != b
	case a == 0 || b == 0 || math.IsInf(a, 0) || math.IsInf(b, 0):
		return a == b && math.Signbit(a) == math.Signbit(b)
	}
	return math.Abs(a-b) <= 0x1p-40*math.Abs(b)
}

func TestSpecials(t *testing.T) {
	for _, x := range specials {
		for _, y := range specials {
			if got, want := Pow(x, y), math.Pow(x, y); !close(got, want) {
				t.Errorf("Pow(%v, %v) = %v, want %v", x, y, got, want)
			}
			// Go's Atan2 takes the sign of pi from y/x, which is wrong
			// when that quotient underflows to zero.
			if x/y == 0 && x != 0 {
				continue
			}
			if got, want := Atan2(x, y), math.Atan2(x, y); !close(got, want) {
				t.Errorf("Atan2(%v, %v) = %v, want %v", x, y, got, want)
			}
		}
		for name, f := range map[string]func(float64) float64{"exp": math.Exp, "log": math.Log, "log2": math.Log2,
			"log10": math.Log10, "sin": math.Sin, "cos": math.Cos, "tan": math.Tan, "asin": math.Asin,
			"acos": math.Acos, "atan": math.Atan} {
			if x > 0 && x < 0x1p-1022 && name[0] == 'l' {
				continue // Go's logarithms are wrong for subnormal numbers
			}
			if got, want := funcs1[name](x), f(x); !close(got, want) {
				t.Errorf("%s(%v) = %v, want %v", name, x, got, want)
			}
		}
	}
}
