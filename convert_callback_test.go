package lunar_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar"
)

// callbackState registers Go functions that take typed Lua callbacks.
func callbackState(t testing.TB, opts ...lunar.Option) *lunar.State {
	s := lunar.NewState(opts...)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Fast signatures (no reflect).
	must(s.RegisterFunc("apply", func(f func(int) int, x int) int { return f(x) }))
	must(s.RegisterFunc("applyE", func(f func(int) (int, error), x int) (int, error) { return f(x) }))
	must(s.RegisterFunc("try", func(f func(string) (string, error), x string) string {
		r, err := f(x)
		if err != nil {
			return "error: " + err.Error()
		}
		return "ok: " + r
	}))
	must(s.RegisterFunc("run", func(f func()) { f() }))
	must(s.RegisterFunc("runE", func(f func() error) error { return f() }))
	must(s.RegisterFunc("sorted", func(xs []int, less func(a, b int) bool) bool {
		for i := 1; i < len(xs); i++ {
			if less(xs[i], xs[i-1]) {
				return false
			}
		}
		return true
	}))
	// Signatures made by reflect.MakeFunc.
	must(s.RegisterFunc("apply32", func(f func(int32) int32, x int32) int32 { return f(x) }))
	must(s.RegisterFunc("divmod", func(f func(int, int) (int, int), a, b int) string {
		q, r := f(a, b)
		return fmt.Sprint(q, " ", r)
	}))
	must(s.RegisterFunc("divmodE", func(f func(int, int) (int, int, error), a, b int) (string, error) {
		q, r, err := f(a, b)
		return fmt.Sprint(q, " ", r), err
	}))
	must(s.RegisterFunc("variadic", func(f func(string, ...any) string) string { return f("x", 1, "two", 3.5, nil) }))
	must(s.RegisterFunc("server", func(f func(server) server) string {
		sv := f(server{Host: "h", Port: 1})
		return fmt.Sprintf("%s:%d", sv.Host, sv.Port)
	}))
	type transform func(string) string
	must(s.RegisterFunc("named", func(f transform) string { return f("a") }))
	// A callback returning a callback.
	must(s.RegisterFunc("curry", func(f func(int) func(int) int) int { return f(1)(2) }))
	// A callback taking a Go function.
	must(s.RegisterFunc("withDouble", func(f func(func(int) int) int) int {
		return f(func(x int) int { return 2 * x })
	}))
	// Keep a callback for later.
	must(s.RegisterFunc("keep", func(f func(int) (int, error)) { kept = f }))
	must(s.RegisterFunc("useKept", func(x int) (int, error) { return kept(x) }))
	return s
}

var kept func(int) (int, error)

func TestCallback(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"result", "return apply(function(x) return x * 2 end, 21)", "int(42)"},
		{"result/reflect", "return apply32(function(x) return x + 1 end, 41)", "int(42)"},
		{"result/error nil", "return applyE(function(x) return x - 1 end, 43)", "int(42)"},
		{"numeric string", "return apply(function(x) return '42' end, 0)", "int(42)"},
		{"no result", "local n = 0 run(function() n = n + 1 end) run(function() n = n + 1 end) return n", "int(2)"},
		{"comparator", "return sorted({1, 2, 2, 5}, function(a, b) return a < b end), sorted({2, 1}, function(a, b) return a < b end)", "true false"},
		{"multiple results", "return divmod(function(a, b) return a // b, a % b end, 17, 5)", `"3 2"`},
		{"extra results dropped", "return apply(function(x) return x, 'extra' end, 7)", "int(7)"},
		{"variadic", "return variadic(function(s, ...) return s .. select('#', ...) .. tostring(select(3, ...)) end)", `"x43.5"`},
		{"struct", "return server(function(sv) sv.port = sv.port + 79 return sv end)", `"h:80"`},
		{"named type", "return named(function(s) return s .. 'b' end)", `"ab"`},
		{"callable table", "return apply(setmetatable({}, {__call = function(self, x) return x + 100 end}), 1)", "int(101)"},
		{"Go function as callback", "return apply(tonumber, 5)", "int(5)"},
		{"callback result is a callback", "return curry(function(a) return function(b) return a * 10 + b end end)", "int(12)"},
		{"Go function argument", "return withDouble(function(double) return double(21) end)", "int(42)"},
		{"nested", "return apply(function(x) return apply(function(y) return y + 1 end, x) * 2 end, 1)", "int(4)"},
		{"nested deep", `
			local function f(n) if n == 0 then return 0 end return apply(function(x) return f(x - 1) + 1 end, n) end
			return f(50)`, "int(50)"},
		{"in a coroutine", "return coroutine.wrap(function() return apply(function(x) return x + 1 end, 1) end)()", "int(2)"},
		{"kept callback runs on the running coroutine", `
			keep(function(x) return x * 2 end)
			local co = coroutine.wrap(function() return useKept(21) end)
			return co()`, "int(42)"},
		{"no yield across a callback", "return pcall(coroutine.wrap(function() return apply(function(x) coroutine.yield(x) end, 1) end))", `false "attempt to yield across a C-call boundary"`},
		{"error as error result", "return try(function(s) error('boom: ' .. s) end, 'x')", `"error: cb:1: boom: x"`},
		{"error result ok", "return try(function(s) return s .. '!' end, 'x')", `"ok: x!"`},
		{"error result returned to Lua", "return pcall(runE, function() error({code = 7}) end)", "false {\"code\"=int(7)}"},
		{"error raised without error result", "return pcall(apply, function(x) error('boom') end, 1)", `false "cb:1: boom"`},
		{"error raised through reflect", "return pcall(divmod, function(a, b) error('div') end, 1, 2)", `false "cb:1: div"`},
		{"error value kept", "local ok, e = pcall(run, function() error(setmetatable({}, {__name = 'E'})) end) return ok, getmetatable(e).__name", `false "E"`},
		{"error nested", "return pcall(apply, function(x) return apply(function(y) error('deep', 0) end, x) end, 1)", `false "deep"`},
		{"state usable after error", `
			local t = {}
			for i = 1, 3 do t[i] = select(2, pcall(apply, function() error(i, 0) end, 0)) end
			return t[1] + t[2] + t[3] + apply(function(x) return x end, 4)`, "int(10)"},
		{"bad result", "return pcall(function() return apply(function(x) return 'x' end, 1) end)", `false "cb:1: bad result #1 from callback (number expected, got string)"`},
		{"missing result", "return pcall(function() return apply(function(x) end, 1) end)", `false "cb:1: bad result #1 from callback (number expected, got no value)"`},
		{"bad result/reflect", "return pcall(function() return divmod(function(a, b) return 1, {} end, 1, 2) end)", `false "cb:1: bad result #2 from callback (number expected, got table)"`},
		{"bad result as error result", "return select(2, pcall(function() return divmodE(function() return 1 end, 1, 2) end))", `"cb:1: bad result #2 from callback (number expected, got no value)"`},
		{"no position when called from Go", "return pcall(apply, function(x) return 'x' end, 1)", `false "bad result #1 from callback (number expected, got string)"`},
		{"not a function", "return pcall(function() return apply(42, 1) end)", `false "cb:1: bad argument #1 to 'apply' (function expected, got number)"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := callbackState(t)
			res, err := s.DoString("=cb", tt.src)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range res {
				got = append(got, describe(v))
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("got %s, want %s", g, tt.want)
			}
		})
	}
}

// A callback's Lua error is an *Error with the Lua position; without
// pcall it ends the run, errors.As finds it.
func TestCallbackErrorUncaught(t *testing.T) {
	s := callbackState(t)
	_, err := s.DoString("=cb", "\napply(function(x) error('boom') end, 1)")
	var le *lunar.Error
	if !errors.As(err, &le) || le.Error() != "cb:2: boom" {
		t.Fatalf("got %v", err)
	}
	// The conversion error behind a bad result is its cause.
	_, err = s.DoString("=cb", "apply(function(x) return {} end, 1)")
	var ce *lunar.ConversionError
	if !errors.As(err, &ce) || ce.Msg != "number expected, got table" {
		t.Fatalf("got %v", err)
	}
}

// Limits apply inside callbacks, and pcall cannot catch them, with or
// without an error result.
func TestCallbackLimits(t *testing.T) {
	loop := "function(x) while true do end end"
	for _, call := range []string{
		"apply(" + loop + ", 1)",
		"apply32(" + loop + ", 1)",
		"applyE(" + loop + ", 1)",
		"try(" + loop + ", 'x')", // the Go function drops the error; the limit holds
		"apply(function(x) return apply(" + loop + ", x) end, 1)",
	} {
		t.Run(call, func(t *testing.T) {
			s := callbackState(t, lunar.WithLimits(lunar.Limits{Instructions: 100_000}))
			_, err := s.DoString("=cb", "for i = 1, 3 do pcall(function() "+call+" end) end while true do end")
			var le *lunar.LimitError
			if !errors.As(err, &le) || le.Limit != "instructions" {
				t.Fatalf("got %v, want an instructions limit error", err)
			}
			// The state stays usable.
			res, err := s.DoString("=cb", "return apply(function(x) return x + 1 end, 1)")
			if err != nil || res[0].AsInt() != 2 {
				t.Fatalf("after the limit: %v %v", res, err)
			}
		})
	}
}

func TestCallbackCancel(t *testing.T) {
	s := callbackState(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := s.RegisterFunc("cancelThen", func(f func()) { cancel(); f() }); err != nil {
		t.Fatal(err)
	}
	p, err := lunar.Compile("cb", []byte("pcall(cancelThen, function() while true do end end)"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Run(ctx, p)
	var le *lunar.LimitError
	if !errors.As(err, &le) || le.Limit != "context" || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want a context limit error", err)
	}
}

// A callback kept after its run runs as State.Call does.
func TestCallbackOutsideRun(t *testing.T) {
	s := callbackState(t, lunar.WithLimits(lunar.Limits{Instructions: 100_000}))
	if _, err := s.DoString("=cb", `
		local calls = 0
		keep(function(x)
			calls = calls + 1
			if x < 0 then error("negative") end
			if x == 0 then while true do end end
			return x * calls
		end)`); err != nil {
		t.Fatal(err)
	}
	f := kept
	if r, err := f(10); err != nil || r != 10 {
		t.Fatalf("f(10) = %d, %v", r, err)
	}
	if r, err := f(10); err != nil || r != 20 {
		t.Fatalf("f(10) again = %d, %v", r, err)
	}
	var le *lunar.Error
	if _, err := f(-1); !errors.As(err, &le) || le.Error() != "cb:5: negative" || len(le.Traceback) == 0 {
		t.Fatalf("f(-1) = %v", err)
	}
	var limit *lunar.LimitError
	if _, err := f(0); !errors.As(err, &limit) || limit.Limit != "instructions" {
		t.Fatalf("f(0) = %v", err)
	}
	if r, err := f(1); err != nil || r != 5 {
		t.Fatalf("f(1) after a limit = %d, %v", r, err)
	}
}

// State.FromValue makes callbacks; FromValue, without a state, cannot.
func TestStateFromValueCallback(t *testing.T) {
	s := lunar.NewState()
	res, err := s.DoString("=cb", "return function(a, b) return a .. b, #a + #b end, {f = function() return 'in a struct' end}")
	if err != nil {
		t.Fatal(err)
	}
	var concat func(string, string) (string, int, error)
	if err := s.FromValue(res[0], &concat); err != nil {
		t.Fatal(err)
	}
	if r, n, err := concat("ab", "cd"); r != "abcd" || n != 4 || err != nil {
		t.Fatalf("concat = %q %d %v", r, n, err)
	}
	var holder struct{ F func() string }
	if err := s.FromValue(res[1], &holder); err != nil {
		t.Fatal(err)
	}
	if r := holder.F(); r != "in a struct" {
		t.Fatalf("holder.F() = %q", r)
	}
	if err := lunar.FromValue(res[0], &concat); err == nil || !strings.Contains(err.Error(), "use State.FromValue") {
		t.Fatalf("FromValue without a state: %v", err)
	}
	var bad func(chan int)
	if err := s.FromValue(res[0], &bad); err == nil || !strings.Contains(err.Error(), "unsupported type chan int") {
		t.Fatalf("func(chan int): %v", err)
	}
	// A callback without an error result panics with the *Error outside
	// a Go function made by WrapFunc.
	var boom func()
	res, _ = s.DoString("=cb", "return function() error('boom') end")
	if err := s.FromValue(res[0], &boom); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if e, ok := recover().(*lunar.Error); !ok || e.Error() != "cb:1: boom" {
				t.Fatalf("recovered %v", e)
			}
		}()
		boom()
	}()
}

// A Go callback passed back to Lua (in a table, through ToValue) calls
// the Lua function it came from.
func TestCallbackRoundTrip(t *testing.T) {
	s := lunar.NewState()
	if err := s.RegisterFunc("wrap", func(f func(int) int) map[string]any {
		return map[string]any{"f": f}
	}); err != nil {
		t.Fatal(err)
	}
	res, err := s.DoString("=cb", "return wrap(function(x) return x * 3 end).f(5)")
	if err != nil || describe(res[0]) != "int(15)" {
		t.Fatalf("got %v, %v", res, err)
	}
}

// Tables and strings made by State.ToValue are charged to the memory
// limit, so a huge Go value gives a LimitError, not a huge table.
func TestToValueMemoryLimit(t *testing.T) {
	big := make(map[string]int, 100_000)
	for i := range 100_000 {
		big[fmt.Sprint("k", i)] = i
	}
	tests := []struct {
		name string
		x    any
	}{
		{"map", big},
		{"slice", make([]int, 1_000_000)},
		{"string", strings.Repeat("x", 2<<20)},
		{"bytes", make([]byte, 2<<20)},
		{"nested", [][]int{make([]int, 40_000), make([]int, 40_000), make([]int, 40_000)}},
		{"struct", struct{ A, B []string }{make([]string, 40_000), make([]string, 40_000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := lunar.NewState(lunar.WithLimits(lunar.Limits{Memory: 1 << 20}))
			// Outside a run: the conversion alone is held to the limit.
			_, err := s.ToValue(tt.x)
			var le *lunar.LimitError
			if !errors.As(err, &le) || le.Limit != "memory" {
				t.Fatalf("State.ToValue = %v, want a memory limit error", err)
			}
			// ToValue, with no state, charges nothing.
			if _, err := lunar.ToValue(tt.x); err != nil {
				t.Fatal(err)
			}
			// During a run: a Go function's result is charged to the run,
			// and pcall cannot catch the limit.
			if err := s.RegisterFunc("get", func() any { return tt.x }); err != nil {
				t.Fatal(err)
			}
			_, err = s.DoString("=mem", "pcall(get) return 'not stopped'")
			if !errors.As(err, &le) || le.Limit != "memory" {
				t.Fatalf("in a run: %v, want a memory limit error", err)
			}
		})
	}
	// Small values convert, and are counted in the run's memory.
	s := lunar.NewState(lunar.WithLimits(lunar.Limits{Memory: 1 << 20}))
	if err := s.RegisterFunc("get", func() []string { return []string{"a", "b", "c"} }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DoString("=mem", "for i = 1, 100 do get() end"); err != nil {
		t.Fatal(err)
	}
	if _, mem := s.Used(); mem < 100*3 {
		t.Errorf("Used memory = %d after 100 conversions", mem)
	}
	if _, err := s.ToValue(map[string]int{"a": 1}); err != nil {
		t.Errorf("small value: %v", err)
	}
}

// Strings returned by Go functions with fast adapters are charged too.
func TestGoFunctionStringResultsCharged(t *testing.T) {
	s := lunar.NewState(lunar.WithLimits(lunar.Limits{Memory: 1 << 20}))
	if err := s.RegisterFunc("rep", func(n int) string { return strings.Repeat("x", n) }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DoString("=mem", "for i = 1, 100 do rep(1000) end"); err != nil {
		t.Fatal(err)
	}
	// Garbage does not count against the limit; strings kept do.
	if _, err := s.DoString("=mem", "for i = 1, 5000 do rep(1000) end"); err != nil {
		t.Fatal(err)
	}
	_, err := s.DoString("=mem", "local keep = {} for i = 1, 2000 do keep[i] = rep(1000) end")
	var le *lunar.LimitError
	if !errors.As(err, &le) || le.Limit != "memory" {
		t.Fatalf("got %v, want a memory limit error", err)
	}
}

// Growing a converted table is charged as growing the script's own.
func TestToValueTableGrowthCharged(t *testing.T) {
	s := lunar.NewState(lunar.WithLimits(lunar.Limits{Memory: 1 << 20}))
	v, err := s.ToValue([]int{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	s.SetGlobal("t", v)
	_, err = s.DoString("=mem", "for i = 4, 1e7 do t[i] = i end")
	var le *lunar.LimitError
	if !errors.As(err, &le) || le.Limit != "memory" {
		t.Fatalf("got %v, want a memory limit error", err)
	}
}

// BenchmarkCallback measures one call of a Lua function through a typed
// Go callback, from inside the Go function that received it.
func BenchmarkCallback(b *testing.B) {
	cases := []struct {
		name string
		fn   any
	}{
		{"func(int)int", func(f func(int) int, n int) int {
			s := 0
			for i := range n {
				s += f(i)
			}
			return s
		}},
		{"func(int)(int,error)", func(f func(int) (int, error), n int) (int, error) {
			s := 0
			for i := range n {
				r, err := f(i)
				if err != nil {
					return 0, err
				}
				s += r
			}
			return s, nil
		}},
		{"reflect/func(int32)int32", func(f func(int32) int32, n int) int {
			s := 0
			for i := range n {
				s += int(f(int32(i)))
			}
			return s
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			s := lunar.NewState()
			if err := s.RegisterFunc("loop", c.fn); err != nil {
				b.Fatal(err)
			}
			res, err := s.DoString("bench", `return function(n) return loop(function(x) return x + 1 end, n) end`)
			if err != nil {
				b.Fatal(err)
			}
			benchRunN(b, s, res[0])
		})
	}
}

// Fast-signature callbacks call Lua without allocating.
func TestCallbackNoAllocs(t *testing.T) {
	s := lunar.NewState()
	if err := s.RegisterFunc("loop", func(f func(int) int, n int) int {
		total := 0
		for i := range n {
			total += f(i)
		}
		return total
	}); err != nil {
		t.Fatal(err)
	}
	res, err := s.DoString("=cb", "local f = function(x) return x + 1 end return function(n) return loop(f, n) end")
	if err != nil {
		t.Fatal(err)
	}
	th := s.MainThread()
	call := func(n int64) {
		if _, err := th.Call1(res[0], lunar.Int(n)); err != nil {
			t.Fatal(err)
		}
	}
	call(10)
	one := testing.AllocsPerRun(20, func() { call(1) })
	many := testing.AllocsPerRun(20, func() { call(1001) })
	if many > one {
		t.Errorf("1000 more callback calls allocated %v more times", many-one)
	}
}

// A callback without an error result, called from a plain GoFunction (not
// made by WrapFunc), lets its Lua error through as a panic: the run ends
// with that error, even from inside coroutines, and the state stays
// usable.
func TestCallbackPanicEscapesRawGoFunction(t *testing.T) {
	s := lunar.NewState()
	s.SetGlobal("raw", lunar.NewFunction("raw", func(th *lunar.Thread, args []lunar.Value) (int, error) {
		var f func(int) int
		if err := th.State().FromValue(lunar.Arg(args, 1), &f); err != nil {
			return 0, err
		}
		th.Push(lunar.Int(int64(f(1))))
		return 1, nil
	}))
	for _, src := range []string{
		"\nreturn raw(function(x) error('boom') end)",
		"\nreturn coroutine.wrap(function() return coroutine.wrap(function() return raw(function(x) error('boom') end) end)() end)()",
	} {
		_, err := s.DoString("=cb", src)
		var le *lunar.Error
		if !errors.As(err, &le) || le.Error() != "cb:2: boom" {
			t.Fatalf("%s: got %v", src, err)
		}
		res, err := s.DoString("=ok", "return raw(function(x) return x + 41 end), coroutine.isyieldable()")
		if err != nil || len(res) != 2 || res[0].AsInt() != 42 || res[1].AsBool() {
			t.Fatalf("state not usable after the escaped error: %v %v", res, err)
		}
	}
}
