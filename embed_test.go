package lunar_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

func mustCompile(t testing.TB, name, src string) *lunar.Program {
	t.Helper()
	p, err := lunar.Compile(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// What one state or run changes is never seen by another state, nor by
// the next run after a reset.
func TestIsolation(t *testing.T) {
	vandal := mustCompile(t, "vandal", `
		x = 42
		string.upper = function() return "hacked" end
		getmetatable("").__index = {len = function() return -1 end}
		table.insert = nil
		math.pi = 3
		setmetatable(_G, {__index = function() return "global" end})
		return x`)
	check := mustCompile(t, "check", `
		return tostring(x), ("a"):upper(), ("abc"):len(), type(table.insert), math.pi == 3, tostring(undefined)`)
	want := "nil A 3 function false nil"

	got := func(s *lunar.State) string {
		res, err := s.Run(context.Background(), check)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(res[0].AsString(), " ", res[1].AsString(), " ", res[2].AsInt(), " ",
			res[3].AsString(), " ", res[4].AsBool(), " ", res[5].AsString())
	}
	a := lunar.NewState(lunar.WithLibraries(stdlib.All))
	b := lunar.NewState(lunar.WithLibraries(stdlib.All))
	if _, err := a.Run(context.Background(), vandal); err != nil {
		t.Fatal(err)
	}
	if g := got(b); g != want {
		t.Errorf("another state sees the changes: %s", g)
	}
	a.Reset()
	if g := got(a); g != want {
		t.Errorf("a reset state sees the changes: %s", g)
	}
	// The template itself is untouched too.
	c := lunar.NewState(lunar.WithLibraries(stdlib.All))
	if g := got(c); g != want {
		t.Errorf("a new state sees the changes: %s", g)
	}
}

// Each state copied from a template has its own per-state library data.
func TestTemplateStatesAreIndependent(t *testing.T) {
	var out1, out2 bytes.Buffer
	s1 := lunar.NewState(lunar.WithLibraries(stdlib.All), lunar.WithStdout(&out1))
	s2 := lunar.NewState(lunar.WithLibraries(stdlib.All), lunar.WithStdout(&out2))
	for _, s := range []*lunar.State{s1, s2} {
		if _, err := s.DoString("seq", `math.randomseed(7) io.write(math.random(1000), " ") print(package.path ~= nil)`); err != nil {
			t.Fatal(err)
		}
	}
	if out1.String() != out2.String() || out1.String() == "" {
		t.Errorf("outputs differ or are missing: %q %q", out1.String(), out2.String())
	}
	// io.write went to each state's own writer.
	if _, err := s1.DoString("w", `io.write("only one")`); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out2.Bytes(), []byte("only one")) {
		t.Error("io.write of one state reached another's writer")
	}
}

// counter is per-state library data: each state copied from a template
// gets its own (lunar.StateData).
type counter struct{ n int }

func (c *counter) CloneFor(*lunar.Cloner) any { return &counter{n: c.n} }

var counterKey = lunar.NewDataKey()

// A library's per-state data lives in the state (State.Data): copies of a
// template start from the template's value, each with its own, and
// Reset starts over.
func TestStateData(t *testing.T) {
	libs := lunar.NewLibraries(func(s *lunar.State) {
		s.SetData(counterKey, &counter{n: 10})
		s.SetGlobal("tick", lunar.NewFunction("tick", func(th *lunar.Thread, args []lunar.Value) (int, error) {
			c := th.State().Data(counterKey).(*counter)
			c.n++
			th.Push(lunar.Int(int64(c.n)))
			return 1, nil
		}))
	})
	s1 := lunar.NewState(lunar.WithLibraries(libs))
	s2 := lunar.NewState(lunar.WithLibraries(libs))
	run := func(s *lunar.State) string {
		v, err := s.DoString("tick", "tick() return tick()")
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(v[0].AsInt())
	}
	if a, b := run(s1), run(s1); a != "12" || b != "14" {
		t.Errorf("s1 counts %s %s, want 12 14", a, b)
	}
	if got := run(s2); got != "12" {
		t.Errorf("s2 sees s1's counter: %s", got)
	}
	s1.Reset()
	if got := run(s1); got != "12" {
		t.Errorf("after Reset: %s", got)
	}
	if d := lunar.NewState().Data(counterKey); d != nil {
		t.Errorf("a state without the library has data %v", d)
	}
}

// __gc metamethods of a run never fire during a later run of a reused
// state: Reset runs them.
func TestResetRunsFinalizers(t *testing.T) {
	var out bytes.Buffer
	s := lunar.NewState(lunar.WithLibraries(stdlib.All), lunar.WithStdout(&out))
	if _, err := s.DoString("gc", `setmetatable({}, {__gc = function() print("finalized") end})`); err != nil {
		t.Fatal(err)
	}
	s.Reset()
	if out.String() != "finalized\n" {
		t.Fatalf("after Reset: %q", out.String())
	}
	out.Reset()
	if _, err := s.DoString("later", `collectgarbage() collectgarbage()`); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	if _, err := s.DoString("later", `collectgarbage()`); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Fatalf("a finalizer of an earlier run fired later: %q", out.String())
	}
}

// The safe set leaves out what reaches the host.
func TestSafeLibraries(t *testing.T) {
	s := lunar.NewState(lunar.WithLibraries(stdlib.Safe))
	res, err := s.DoString("safe", `return type(io), type(os.execute), type(os.exit), type(require), type(debug), type(os.time), type(string.rep), select(2, load(string.dump(function() end)))`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range res {
		got = append(got, v.AsString())
	}
	want := "nil nil nil nil nil function function"
	if fmt.Sprint(got[:7]) != "["+want+"]" {
		t.Errorf("safe set: %v", got)
	}
	if len(got) < 8 || got[7] == "" {
		t.Errorf("binary chunks load in the safe set: %v", got)
	}
}

// One Program runs on many goroutines at once, with shared Go functions,
// a pool, limits and cancellation. Run with -race.
func TestConcurrentRuns(t *testing.T) {
	prog := mustCompile(t, "work", `
		local n = ...
		local t = {}
		for i = 1, 200 do t[i] = tostring(i * n) end
		local s = table.concat(t, ",")
		return #s, shared(n)`)
	var calls sync.Map
	pool := lunar.NewPool(lunar.WithLibraries(stdlib.All), lunar.WithSetup(func(s *lunar.State) {
		s.Register("shared", func(th *lunar.Thread, args []lunar.Value) (int, error) {
			n, err := th.CheckInteger(args, 1)
			if err != nil {
				return 0, err
			}
			calls.Store(n, true)
			th.Push(lunar.Int(n * 2))
			return 1, nil
		})
	}))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				n := int64(g*100 + i)
				res, err := pool.Run(context.Background(), prog, lunar.Int(n))
				if err != nil {
					errs <- err
					return
				}
				if res[1].AsInt() != 2*n {
					errs <- fmt.Errorf("run %d: got %v", n, res[1])
					return
				}
			}
		}(g)
	}
	// Meanwhile, a spinning script is cancelled from another goroutine.
	wg.Add(1)
	go func() {
		defer wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := pool.Run(ctx, mustCompile(t, "spin", "while true do end"))
		if !errors.Is(err, context.DeadlineExceeded) {
			errs <- fmt.Errorf("spin: %v", err)
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A limit stops a run and leaves a pooled state usable.
func TestPoolAfterLimit(t *testing.T) {
	pool := lunar.NewPool(lunar.WithLibraries(stdlib.All), lunar.WithLimits(lunar.Limits{Instructions: 10000}))
	_, err := pool.Run(context.Background(), mustCompile(t, "loop", "local t = {} while true do t[#t+1] = 1 end"))
	var le *lunar.LimitError
	if !errors.As(err, &le) || le.Limit != "instructions" {
		t.Fatalf("got %v", err)
	}
	res, err := pool.Run(context.Background(), mustCompile(t, "ok", "return 1 + 1"))
	if err != nil || res[0].AsInt() != 2 {
		t.Fatalf("after the limit: %v %v", res, err)
	}
}

// A __gc that never ends cannot hang Reset.
func TestResetBoundsFinalizers(t *testing.T) {
	s := lunar.NewState(lunar.WithLibraries(stdlib.All))
	if _, err := s.DoString("evil", `setmetatable({}, {__gc = function() while true do end end})`); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Reset(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Reset hangs on an endless __gc")
	}
	if _, err := s.DoString("after", "return 1"); err != nil {
		t.Fatal(err)
	}
}

// The goroutines a state keeps to run coroutines end with Close, and also
// when a state that was never closed is collected.
func TestCoroutineWorkersEnd(t *testing.T) {
	const src = `
		for i = 1, 20 do
			local gen = coroutine.wrap(function() for j = 1, 3 do coroutine.yield(j) end end)
			for _ in gen do end
		end
		local c = coroutine.create(function() coroutine.yield() end)
		coroutine.resume(c) -- left suspended
		return true`
	waitGoroutines := func(want int) bool {
		for range 200 {
			runtime.GC()
			if runtime.NumGoroutine() <= want {
				return true
			}
			time.Sleep(5 * time.Millisecond)
		}
		return false
	}
	base := runtime.NumGoroutine()
	s := lunar.NewState()
	if _, err := s.DoString("co", src); err != nil {
		t.Fatal(err)
	}
	if runtime.NumGoroutine() <= base {
		t.Fatalf("no worker goroutines kept (%d, base %d)", runtime.NumGoroutine(), base)
	}
	s.Close()
	if !waitGoroutines(base) {
		t.Errorf("after Close: %d goroutines, want %d", runtime.NumGoroutine(), base)
	}
	func() {
		s := lunar.NewState()
		if _, err := s.DoString("co", src); err != nil {
			t.Fatal(err)
		}
		s.Reset() // ends the suspended coroutine; the idle workers stay
	}()
	if !waitGoroutines(base) {
		t.Errorf("after the state was dropped: %d goroutines, want %d", runtime.NumGoroutine(), base)
	}
}
