package stdlib

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar"
)

// TestMathRandomSequences compares the generator with sequences printed by
// lua5.4 (see the generator script in the comment below).
//
//	for each seed: math.randomseed(seed...)
//	4 x math.random(0), 3 x math.random() (as %a), math.random(1, 100),
//	math.random(10), math.random(mininteger, maxinteger),
//	math.random(0, 2^40), math.random(-5, 5), math.random(3, 3),
//	math.random(1, 3), math.random(0, 6), math.random(1, 1000000007),
//	math.random(-2^62, 2^62 + 12345)
func TestMathRandomSequences(t *testing.T) {
	tests := []struct {
		seed []int64
		want string
	}{
		{[]int64{0}, "4554719557422691265 4331835599999590920 1277915526958806955 -7628392839634014443 0x1.e58e3c11ba09ap-2 0x1.0fb6ac60c3836p-2 0x1.7462eeeb81348p-2 57 7 2854383942152437263 893291297072 0 3 3 1 50279840 -189193366461880413"},
		{[]int64{1}, "-3401804370673955427 -247601303632394777 1463393481460428193 9198441137422714871 0x1.2f01bea024d6dp-1 0x1.aafdf7b1763b9p-1 0x1.3c838fcc2be04p-3 60 8 -3076414869785416964 281495642698 -1 3 3 1 885772915 -743050585177079301"},
		{[]int64{42}, "-1276290044721465627 8333941968102511665 -8358531260401861301 -3807604385970496171 0x1.3c110ea35f10ap-1 0x1.3a9865608e04p-7 0x1.ed83f5b35f379p-1 25 3 -8801378756440956393 544625761815 -5 3 3 5 873529192 563379915345671177"},
		{[]int64{-1}, "-6532212821526904015 -1196536760348545977 -2650849461319115649 -6531135529039494973 0x1.c94575e70d361p-1 0x1.ef1e6409f9c64p-2 0x1.ace9bdd1c48ccp-3 94 8 -7350535042938514539 609659880251 0 3 1 6 616483306 -4111782651737795415"},
		{[]int64{123456789}, "-8807486497290693269 -5620225258248769823 9186145970678978308 1574082050578685747 0x1.2dc6f932f1d37p-1 0x1.10a0837d8f045p-1 0x1.ca88b0183c455p-1 22 2 -4472095570599605922 448873906546 2 3 3 1 969193770 191556524057751533"},
		{[]int64{9223372036854775807}, "2109649683840586809 5129503355334672232 1066408978206533352 3393585829705759053 0x1.df97700b90c5dp-1 0x1.239dfbd496d2p-1 0x1.6a5109559fd1p-4 88 10 -7046200589222821107 232251183532 4 3 3 0 167050725 90745262820622694"},
		{[]int64{-9223372036854775808}, "5036059568217425151 4973990004745254833 -868762017530435276 2046947298972887762 0x1.b8b2066000484p-2 0x1.5b4fbe628beedp-1 0x1.da87759c4b0b8p-3 60 3 -75756098075216969 781097741836 2 3 3 6 496863767 -4386301687141788363"},
		{[]int64{7, 9}, "4637322584265719448 -5837484342485337481 -8365357138517304054 -3029688419669184069 0x1.e06cd2c178344p-1 0x1.0df82bcaeddfcp-1 0x1.08449e5996834p-3 36 5 -2591804106324329775 680779739587 5 3 1 3 96720944 -4517498262292132038"},
		{[]int64{-5, -6}, "7637442060928557436 8111342657091864201 -5030684462214080693 -3106258096669594706 0x1.51cb1ab001f0cp-1 0x1.e1ed08714f6e1p-1 0x1.10310ee95298p-1 6 7 9081397169723165104 193798818729 2 3 3 3 589439002 -3598068226714036992"},
	}
	for _, tc := range tests {
		var g mathRandom
		var n2 int64
		if len(tc.seed) > 1 {
			n2 = tc.seed[1]
		}
		g.seed(uint64(tc.seed[0]), uint64(n2))
		var out []string
		for range 4 {
			out = append(out, strconv.FormatInt(int64(g.next()), 10))
		}
		want := strings.Fields(tc.want)
		for i := range 3 {
			f := mathRandomFloat(g.next())
			w, err := strconv.ParseFloat(want[4+i], 64)
			if err != nil {
				t.Fatal(err)
			}
			if f != w {
				t.Errorf("seed %v: float %d = %x, want %s", tc.seed, i, f, want[4+i])
			}
			out = append(out, want[4+i])
		}
		ranges := [][2]int64{{1, 100}, {1, 10}, {math.MinInt64, math.MaxInt64}, {0, 1 << 40}, {-5, 5}, {3, 3},
			{1, 3}, {0, 6}, {1, 1000000007}, {-1 << 62, 1<<62 + 12345}}
		for _, r := range ranges {
			v := int64(g.project(g.next(), uint64(r[1])-uint64(r[0])) + uint64(r[0]))
			out = append(out, strconv.FormatInt(v, 10))
		}
		if got := strings.Join(out, " "); got != tc.want {
			t.Errorf("seed %v:\n got %s\nwant %s", tc.seed, got, tc.want)
		}
	}
}

func TestMathLog10(t *testing.T) {
	for k := -300; k <= 308; k++ {
		x, _ := strconv.ParseFloat("1e"+strconv.Itoa(k), 64)
		if got := mathLog10(x); got != float64(k) && (k >= -22 && k <= 22) {
			t.Errorf("log10(1e%d) = %v", k, got)
		}
	}
	for _, tc := range []struct{ x, want float64 }{
		{5e-324, -323.30621534311580}, {2, 0.30102999566398120}, {0.5, -0.30102999566398120},
		{math.Inf(1), math.Inf(1)}, {0, math.Inf(-1)},
	} {
		if got := mathLog10(tc.x); got != tc.want {
			t.Errorf("log10(%v) = %.17g, want %.17g", tc.x, got, tc.want)
		}
	}
	if got := mathLog10(-1); !math.IsNaN(got) || math.Signbit(got) {
		t.Errorf("log10(-1) = %v (sign %v), want nan", got, math.Signbit(got))
	}
}

// TestMathNaNSigns checks the NaNs of domain errors against what the
// reference prints ("-nan" or "nan").
func TestMathNaNSigns(t *testing.T) {
	neg := func(f float64) bool { return math.IsNaN(f) && math.Signbit(f) }
	pos := func(f float64) bool { return math.IsNaN(f) && !math.Signbit(f) }
	inf := math.Inf(1)
	checks := []struct {
		name string
		ok   bool
	}{
		{"log(-1)", neg(mathLn(-1))},
		{"log2(-1)", neg(mathLog2(-1))},
		{"fmod(1, 0)", neg(mathFmodFloat(1, 0))},
		{"fmod(inf, 1)", neg(mathFmodFloat(inf, 1))},
		{"fmod(nan, 1)", pos(mathFmodFloat(mathPosNaN, 1))},
		{"fmod(1, -nan)", neg(mathFmodFloat(1, mathNegNaN))},
		{"pow(-1, 0.5)", neg(mathPowFloat(-1, 0.5))},
		{"pow(-nan, 1)", pos(mathPowFloat(mathNegNaN, 1))},
		{"pow(-nan, 2)", neg(mathPowFloat(mathNegNaN, 2))},
		{"pow(nan, 0)", mathPowFloat(mathNegNaN, 0) == 1},
		{"pow(1, nan)", mathPowFloat(1, mathNegNaN) == 1},
		{"log(subnormal)", mathLn(5e-324) == -744.4400719213812},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: wrong result", c.name)
		}
	}
}

func TestMathLua(t *testing.T) {
	tests := []struct{ code, want string }{
		{`print(math.floor(3.7), math.floor(2^70), math.ceil(-3.5), math.abs(math.mininteger))`,
			"3\t1.1805916207174e+21\t-3\t-9223372036854775808\n"},
		{`print(math.fmod(-7, 3), math.fmod(7, -3.0), pcall(math.fmod, 1, 0))`,
			"-1\t1.0\tfalse\tbad argument #2 to 'math.fmod' (zero)\n"},
		{`print(math.tointeger(3.0), math.tointeger(3.5), math.ult(1, -1), math.type(1), math.type(1.0), math.type("1"))`,
			"3\tnil\ttrue\tinteger\tfloat\tnil\n"},
		{`print(math.max(1, 2.0), math.max(2.0, 2), math.min(1, 1.0), math.log(8, 2), math.log(1000, 10), math.log(-1))`,
			"2.0\t2.0\t1\t3.0\t3.0\t-nan\n"},
		{`math.randomseed(42) print(math.random(1, 100), math.random(), math.random(10))`,
			"50\t0.54688311243421\t6\n"},
		{`print(pcall(math.random, 2, 1), pcall(math.random, 1, 2, 3))`,
			"false\tfalse\twrong number of arguments\n"},
	}
	for _, tc := range tests {
		if got := tableRun(t, tc.code); got != tc.want {
			t.Errorf("%s\n got %q\nwant %q", tc.code, got, tc.want)
		}
	}
}

// TestMathNoAlloc checks that the math functions allocate nothing.
func TestMathNoAlloc(t *testing.T) {
	th, fn := tableLuaFunction(t, `local m = math`, `local s = 0 for i = 1, N do
		s = s + m.floor(i / 3) + m.sqrt(i) + m.random(1, 6) + m.random() + m.max(i, 3, 2.5) + m.abs(-i) + m.fmod(i, 7)
		s = s + m.log(i, 10) + m.sin(i) + (m.tointeger(i * 1.0) or 0) + (m.type(i) == "integer" and 1 or 0) end return s`)
	got := testing.AllocsPerRun(10, func() {
		if _, err := th.Call1(fn, lunar.Int(100)); err != nil {
			t.Fatal(err)
		}
	})
	if got > 0 {
		t.Errorf("%.0f allocations for 100 iterations", got)
	}
}
