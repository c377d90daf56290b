package lunar_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// BenchmarkPrograms runs the programs of the side-by-side suite
// (bench/programs) in-process at their quick sizes: one op is one whole
// run in a pooled state. With -benchmem it gives the allocations of each
// program; the ratios to lua5.4 come from the harness (cd bench && go run .).
func BenchmarkPrograms(b *testing.B) {
	sizes := []struct {
		name string
		size int
	}{
		{"fib", 20}, {"loop", 100000}, {"nbody", 1000}, {"spectral-norm", 50},
		{"binary-trees", 6}, {"fannkuch", 7}, {"mandelbrot", 67}, {"strings", 2000},
		{"tables", 2000}, {"oop", 5000}, {"closures", 10000}, {"coroutines", 10000},
		{"json", 20},
	}
	pool := lunar.NewPool(lunar.WithLibraries(stdlib.All), lunar.WithStdout(io.Discard))
	for _, p := range sizes {
		src, err := os.ReadFile(filepath.Join("bench", "programs", p.name+".lua"))
		if err != nil {
			b.Skip("bench programs not found:", err)
		}
		prog, err := lunar.Compile(p.name+".lua", src)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(p.name, func(b *testing.B) {
			s := pool.Get()
			defer pool.Put(s)
			argt := lunar.NewTable(1, 0)
			argt.SetInt(1, lunar.String(strconv.Itoa(p.size)))
			s.SetGlobal("arg", lunar.TableValue(argt))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := s.Run(context.Background(), prog); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
