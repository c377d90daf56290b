package libm

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The differential test against the reference interpreter: it runs
// lua5.4 (whose math library is the C library's) on batches of
// arguments and counts how often Go's math package and this package
// disagree with it. It is skipped when lua5.4 is not installed; -glibc.n
// sets the number of arguments per distribution.
var glibcN = flag.Int("glibc.n", 1000, "arguments per distribution in TestAgainstGlibc")

type glibcCase struct {
	fn, dist string
	lua      string // Lua expression of x (and y)
	gen      func(r *rand.Rand) (x, y float64)
	ours     func(x, y float64) float64
	goMath   func(x, y float64) float64
}

func one(f func(float64) float64) func(x, y float64) float64 {
	return func(x, _ float64) float64 { return f(x) }
}

func gen1(f func(r *rand.Rand) float64) func(r *rand.Rand) (float64, float64) {
	return func(r *rand.Rand) (float64, float64) { return f(r), 0 }
}

func glibcCases() []glibcCase {
	u10 := gen1(uniform(-10, 10))
	huge := gen1(func(r *rand.Rand) float64 { return math.Exp(uniform(36, 709)(r)) * float64(1-2*r.IntN(2)) })
	wide := gen1(func(r *rand.Rand) float64 { return math.Exp(uniform(-708, 709)(r)) })
	unit := gen1(uniform(-1, 1))
	near1 := gen1(uniform(0.99, 1.01))
	var cs []glibcCase
	add := func(fn, lua string, ours, goMath func(float64) float64, dists map[string]func(r *rand.Rand) (float64, float64)) {
		for d, g := range dists {
			cs = append(cs, glibcCase{fn, d, lua, g, one(ours), one(goMath)})
		}
	}
	add("exp", "math.exp(x)", Exp, math.Exp, map[string]func(*rand.Rand) (float64, float64){
		"[-10,10]": u10, "[-745,709]": gen1(uniform(-745, 709))})
	add("log", "math.log(x)", Log, math.Log, map[string]func(*rand.Rand) (float64, float64){
		"(0,10]": gen1(uniform(0, 10)), "wide": wide, "near 1": near1})
	add("log2", "math.log(x, 2)", Log2, math.Log2, map[string]func(*rand.Rand) (float64, float64){
		"(0,10]": gen1(uniform(0, 10)), "wide": wide})
	add("log10", "math.log(x, 10)", Log10, math.Log10, map[string]func(*rand.Rand) (float64, float64){
		"(0,10]": gen1(uniform(0, 10)), "wide": wide})
	for _, f := range []struct {
		name      string
		ours, gof func(float64) float64
	}{{"sin", Sin, math.Sin}, {"cos", Cos, math.Cos}, {"tan", Tan, math.Tan}} {
		add(f.name, "math."+f.name+"(x)", f.ours, f.gof, map[string]func(*rand.Rand) (float64, float64){
			"[-10,10]": u10, "huge": huge,
			"near 2^53": gen1(func(r *rand.Rand) float64 { return 0x1p53 + float64(r.IntN(1<<20)) })})
	}
	add("asin", "math.asin(x)", Asin, math.Asin, map[string]func(*rand.Rand) (float64, float64){"[-1,1]": unit})
	add("acos", "math.acos(x)", Acos, math.Acos, map[string]func(*rand.Rand) (float64, float64){"[-1,1]": unit})
	add("atan", "math.atan(x)", Atan, math.Atan, map[string]func(*rand.Rand) (float64, float64){"[-10,10]": u10, "wide": wide})
	cs = append(cs, glibcCase{"atan2", "[-10,10]^2", "math.atan(x, y)",
		func(r *rand.Rand) (float64, float64) { return uniform(-10, 10)(r), uniform(-10, 10)(r) }, Atan2, math.Atan2})
	pow := func(dist string, g func(r *rand.Rand) (float64, float64)) {
		cs = append(cs, glibcCase{"pow", dist, "x ^ y", g, Pow, math.Pow})
	}
	pow("x in (0,100), y in (-50,50)", func(r *rand.Rand) (float64, float64) { return 100 * r.Float64(), uniform(-50, 50)(r) })
	pow("integer y in [-40,40]", func(r *rand.Rand) (float64, float64) { return 100 * r.Float64(), float64(r.IntN(81) - 40) })
	pow("x near 1, |y| < 1e5", func(r *rand.Rand) (float64, float64) { return uniform(0.999, 1.001)(r), uniform(-1e5, 1e5)(r) })
	pow("subnormal results", func(r *rand.Rand) (float64, float64) { return uniform(0.5, 2)(r) * 1e-3, uniform(102, 107.9)(r) })
	pow("small integers, halves", func(r *rand.Rand) (float64, float64) {
		return float64(r.IntN(100) + 1), float64(r.IntN(20)-10) / 2
	})
	return cs
}

func TestAgainstGlibc(t *testing.T) {
	lua, err := exec.LookPath("lua5.4")
	if err != nil {
		t.Skip("lua5.4 not installed")
	}
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range glibcCases() {
		xs, ys := make([]float64, *glibcN), make([]float64, *glibcN)
		for i := range xs {
			xs[i], ys[i] = c.gen(r)
		}
		want := runLua(t, lua, c.lua, xs, ys)
		goBad, ourBad := 0, 0
		for i, w := range want {
			x, y := xs[i], ys[i]
			if !sameFloat(c.goMath(x, y), w) {
				goBad++
			}
			if got := c.ours(x, y); !sameFloat(got, w) {
				ourBad++
				if ourBad <= 3 {
					t.Logf("%s(%v, %v): ours %x, glibc %x", c.fn, x, y, got, w)
				}
			}
		}
		t.Logf("%-6s %-28s n=%d  Go math %6.3f%%  libm %6.3f%%", c.fn, c.dist, len(want),
			100*float64(goBad)/float64(len(want)), 100*float64(ourBad)/float64(len(want)))
		// glibc itself misrounds a few arguments in a thousand.
		if float64(ourBad) > 0.01*float64(len(want)) {
			t.Errorf("%s %s: %d of %d differ from glibc", c.fn, c.dist, ourBad, len(want))
		}
	}
}

func sameFloat(a, b float64) bool {
	return a == b && math.Signbit(a) == math.Signbit(b) || a != a && b != b
}

// runLua returns expr evaluated by lua5.4 for each x (and y).
func runLua(t *testing.T, lua, expr string, xs, ys []float64) []float64 {
	var src strings.Builder
	src.WriteString("local xs, ys = {\n")
	for _, x := range xs {
		src.WriteString(strconv.FormatFloat(x, 'x', -1, 64) + ",\n")
	}
	src.WriteString("}, {\n")
	for _, y := range ys {
		src.WriteString(strconv.FormatFloat(y, 'x', -1, 64) + ",\n")
	}
	fmt.Fprintf(&src, "}\nfor i = 1, #xs do local x, y = xs[i], ys[i]; io.write(string.format('%%a\\n', %s)) end\n", expr)
	path := filepath.Join(t.TempDir(), "batch.lua")
	if err := os.WriteFile(path, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lua, path).Output()
	if err != nil {
		t.Fatalf("lua5.4: %v", err)
	}
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	res := make([]float64, len(lines))
	for i, l := range lines {
		s := strings.TrimPrefix(string(l), "-")
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !strings.Contains(s, "nan") {
			t.Fatalf("lua5.4 printed %q", l)
		}
		if strings.Contains(s, "nan") {
			f = math.NaN()
		}
		if l[0] == '-' {
			f = -f
		}
		res[i] = f
	}
	if len(res) != len(xs) {
		t.Fatalf("lua5.4 printed %d results for %d arguments", len(res), len(xs))
	}
	return res
}
