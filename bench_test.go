package lunar_test

import (
	"context"
	"testing"

	"github.com/lunar-lua/lunar"
)

// Go benchmarks of the VM's basic operations. Each runs a Lua function
// b.N times in one state; run with -benchmem: arithmetic, calls and table
// access must report 0 allocs/op.

func benchLua(b *testing.B, setup, body string) {
	b.Helper()
	s := lunar.NewState()
	prog, err := lunar.Compile("bench", []byte(setup+"\nreturn function(N) "+body+" end"))
	if err != nil {
		b.Fatal(err)
	}
	res, err := s.Run(context.Background(), prog)
	if err != nil {
		b.Fatal(err)
	}
	fn := res[0]
	th := s.MainThread()
	// Warm up once so that tables reach their final size.
	if _, err := th.Call(fn, lunar.Int(1)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := th.Call1(fn, lunar.Int(int64(b.N))); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkNumericLoop(b *testing.B) {
	benchLua(b, "", "local a, b, c = 0, 1, 2 for i = 1, N do a = b + c end return a")
}

func BenchmarkFloatArith(b *testing.B) {
	benchLua(b, "", "local x = 0.5 for i = 1, N do x = x * 1.0000001 + 0.25 / x end return x")
}

func BenchmarkFib(b *testing.B) {
	// One op is one Lua call of fib.
	benchLua(b, "local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end",
		"local calls = 0 while calls < N do fib(20) calls = calls + 21891 end")
}

func BenchmarkCall(b *testing.B) {
	benchLua(b, "local function f(x) return x + 1 end", "local x = 0 for i = 1, N do x = f(x) end return x")
}

func BenchmarkGoFunctionCall(b *testing.B) {
	benchLua(b, "local rawlen = rawlen local t = {1,2,3}", "local x = 0 for i = 1, N do x = x + rawlen(t) end return x")
}

func BenchmarkTableArrayReadWrite(b *testing.B) {
	benchLua(b, "local t = {} for i = 1, 1000 do t[i] = i end",
		"local s = 0 for i = 1, N do local j = (i & 1023) + 1 if j <= 1000 then t[j] = t[j] + 1 end end return s")
}

func BenchmarkFieldGetSet(b *testing.B) {
	benchLua(b, "local p = {x = 1, y = 2, z = 3}", "for i = 1, N do p.x = p.y + p.z end return p.x")
}

func BenchmarkMethodCall(b *testing.B) {
	benchLua(b, `local Point = {} Point.__index = Point
		function Point:len2() return self.x * self.x + self.y * self.y end
		local p = setmetatable({x = 3, y = 4}, Point)`,
		"local s = 0 for i = 1, N do s = s + p:len2() end return s")
}

func BenchmarkClosureCreation(b *testing.B) {
	benchLua(b, "", "local f for i = 1, N do f = function() return i end end return f()")
}

func BenchmarkStringConcat(b *testing.B) {
	benchLua(b, "", "local s for i = 1, N do s = 'item' .. i end return s")
}

func BenchmarkNewState(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		lunar.NewState()
	}
}
