package lunar_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// BenchmarkScaling runs the same CPU-bound scripts on 1, 2, ...
// GOMAXPROCS goroutines, each with its own pooled state, and reports the
// throughput (runs/s) and the efficiency: throughput(N) divided by N times
// the throughput on one goroutine. Nothing is shared on the run path but
// the immutable Program, so efficiency should stay near 1 up to the
// number of cores.
func BenchmarkScaling(b *testing.B) {
	scripts := map[string]string{
		"fib": `local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end return fib(18)`,
		"tables": `local t = {} for i = 1, 300 do t[i] = {id = i, name = "n" .. i} end
			table.sort(t, function(a, b) return a.id > b.id end)
			local s = 0 for _, v in ipairs(t) do s = s + #v.name end return s`,
	}
	for _, name := range []string{"fib", "tables"} {
		prog, err := lunar.Compile(name, []byte(scripts[name]))
		if err != nil {
			b.Fatal(err)
		}
		pool := lunar.NewPool(lunar.WithLibraries(stdlib.All))
		var base float64
		for _, g := range goroutineCounts() {
			b.Run(fmt.Sprintf("%s/goroutines=%d", name, g), func(b *testing.B) {
				var wg sync.WaitGroup
				start := time.Now()
				for w := 0; w < g; w++ {
					wg.Add(1)
					go func(w int) {
						defer wg.Done()
						s := pool.Get()
						defer pool.Put(s)
						for i := w; i < b.N; i += g {
							if _, err := s.Run(context.Background(), prog); err != nil {
								b.Error(err)
								return
							}
						}
					}(w)
				}
				wg.Wait()
				rate := float64(b.N) / time.Since(start).Seconds()
				if g == 1 {
					base = rate
				}
				b.ReportMetric(rate, "runs/s")
				if base > 0 {
					b.ReportMetric(rate/(float64(g)*base), "efficiency")
				}
			})
		}
	}
}

// goroutineCounts returns 1, 2, 4, ... up to GOMAXPROCS, and GOMAXPROCS.
func goroutineCounts() []int {
	max := runtime.GOMAXPROCS(0)
	var counts []int
	for g := 1; g < max; g *= 2 {
		counts = append(counts, g)
	}
	return append(counts, max)
}

// BenchmarkPooledRun measures a trivial script end to end through a pool:
// get a state, run, reset, put back.
func BenchmarkPooledRun(b *testing.B) {
	prog, err := lunar.Compile("trivial", []byte("return 1 + 1"))
	if err != nil {
		b.Fatal(err)
	}
	pool := lunar.NewPool(lunar.WithLibraries(stdlib.All))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := pool.Run(context.Background(), prog); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunOverhead measures fib with no limits, with a cancellable
// context, and with an instruction limit: the difference is the cost of
// the checks (the target: under 10%).
func BenchmarkRunOverhead(b *testing.B) {
	prog, err := lunar.Compile("fib", []byte(`local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end return fib(20)`))
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		lim  lunar.Limits
	}{
		{"plain", func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }, lunar.Limits{}},
		{"context", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }, lunar.Limits{}},
		{"instructions", func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }, lunar.Limits{Instructions: 1 << 40}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			s := lunar.NewState(lunar.WithLimits(c.lim))
			ctx, cancel := c.ctx()
			defer cancel()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := s.Run(ctx, prog); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
