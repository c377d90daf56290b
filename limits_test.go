package lunar_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

func runWithLimits(t *testing.T, l lunar.Limits, src string) error {
	t.Helper()
	s := lunar.NewState(lunar.WithLimits(l))
	prog, err := lunar.Compile("limits", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Run(context.Background(), prog)
	return err
}

func TestInstructionLimit(t *testing.T) {
	err := runWithLimits(t, lunar.Limits{Instructions: 100000}, "while true do end")
	var le *lunar.LimitError
	if !errors.As(err, &le) || le.Limit != "instructions" {
		t.Fatalf("got %v, want an instructions limit error", err)
	}
	// pcall cannot catch it.
	err = runWithLimits(t, lunar.Limits{Instructions: 100000}, "while true do pcall(function() while true do end end) end")
	if !errors.As(err, &le) || le.Limit != "instructions" {
		t.Fatalf("got %v through pcall", err)
	}
	// A script under the limit runs to the end.
	if err := runWithLimits(t, lunar.Limits{Instructions: 1e6}, "local s = 0 for i = 1, 1000 do s = s + i end"); err != nil {
		t.Fatal(err)
	}
}

func TestCallDepthLimit(t *testing.T) {
	err := runWithLimits(t, lunar.Limits{CallDepth: 50}, "local function f(n) return 1 + f(n + 1) end f(1)")
	var le *lunar.LimitError
	if !errors.As(err, &le) || le.Limit != "call depth" {
		t.Fatalf("got %v", err)
	}
}

func TestMemoryLimit(t *testing.T) {
	err := runWithLimits(t, lunar.Limits{Memory: 1 << 20}, "local t = {} for i = 1, 1e7 do t[i] = {} end")
	var le *lunar.LimitError
	if !errors.As(err, &le) || le.Limit != "memory" {
		t.Fatalf("got %v", err)
	}
	err = runWithLimits(t, lunar.Limits{StringSize: 1000}, "local s = 'x' for i = 1, 20 do s = s .. s end")
	if !errors.As(err, &le) || le.Limit != "string size" {
		t.Fatalf("got %v", err)
	}
}

// The memory limit bounds what the script holds, not what it allocated
// over the run: garbage does not count, live data does, and so does what
// earlier runs of the state left in globals.
func TestMemoryLimitCountsLiveData(t *testing.T) {
	const limit = 1 << 20
	for _, src := range []string{
		"for i = 1, 1e5 do local t = {i, i, i, x = i} end",              // ~15 MB of garbage tables
		"local s = '' for i = 1, 3000 do s = s .. 'x' end",              // ~4.5 MB of garbage strings
		"for i = 1, 1e5 do local f = function() return i end end",       // closures
		"local keep = {} for i = 1, 1e5 do keep[i % 100 + 1] = {i} end", // a bounded live set
	} {
		if err := runWithLimits(t, lunar.Limits{Memory: limit}, src); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
	var le *lunar.LimitError
	for _, src := range []string{
		"local t = {} for i = 1, 1e5 do t[i] = {i} end",
		"local t = {} for i = 1, 1e5 do t[i] = tostring(i) .. 'xxxxxxxxxxxxxxxxxxxx' end",
		"local t = {} for i = 1, 1e5 do t[i] = function() return i end end",
		"local co = {} for i = 1, 1e4 do co[i] = coroutine.create(print) end",
	} {
		if err := runWithLimits(t, lunar.Limits{Memory: limit}, src); !errors.As(err, &le) || le.Limit != "memory" {
			t.Errorf("%s: got %v, want the memory limit", src, err)
		}
	}
	// Data kept across runs counts once the account is measured.
	s := lunar.NewState(lunar.WithLimits(lunar.Limits{Memory: limit}))
	fill := mustCompile(t, "fill", "kept = kept or {} local n = #kept for i = 1, 2e4 do kept[n + i] = {i} end")
	var err error
	for run := 0; run < 10 && err == nil; run++ {
		_, err = s.Run(context.Background(), fill)
	}
	if !errors.As(err, &le) || le.Limit != "memory" {
		t.Errorf("growing a global over runs: got %v, want the memory limit", err)
	}
}

func TestContextCancel(t *testing.T) {
	s := lunar.NewState()
	prog, err := lunar.Compile("spin", []byte("while true do end"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = s.Run(ctx, prog)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v to stop", d)
	}
	// The state is usable afterwards.
	if _, err := s.DoString("after", "return 1 + 1"); err != nil {
		t.Fatal(err)
	}
}

func TestInterruptFromAnotherGoroutine(t *testing.T) {
	s := lunar.NewState()
	prog, _ := lunar.Compile("spin", []byte("local function f() while true do end end f()"))
	go func() {
		time.Sleep(10 * time.Millisecond)
		s.Interrupt()
	}()
	_, err := s.Run(context.Background(), prog)
	var le *lunar.LimitError
	if !errors.As(err, &le) || le.Limit != "interrupt" {
		t.Fatalf("got %v", err)
	}
}

// Loops closed by a comparison's jump (repeat ... until, while with a
// test) are charged too, so limits and deadlines stop them.
func TestLimitStopsConditionalLoops(t *testing.T) {
	for _, src := range []string{
		"local x = 0 repeat until x == 1",
		"local x = 0 while x ~= 1 do end",
		"local x = 0 repeat until x > 1",
		"local t = setmetatable({}, {__lt = function() return false end}) repeat until t < t",
	} {
		err := runWithLimits(t, lunar.Limits{Instructions: 100000}, src)
		var le *lunar.LimitError
		if !errors.As(err, &le) || le.Limit != "instructions" {
			t.Errorf("%s: got %v", src, err)
		}
	}
}

// A limit hit inside collectgarbage's finalizers, or deep in nested
// pcalls, leaves the state clean for the next run.
func TestLimitInsideNestedCallsLeavesStateClean(t *testing.T) {
	s := lunar.NewState(lunar.WithLimits(lunar.Limits{Instructions: 50000}))
	_, err := s.DoString("nested", `pcall(function() pcall(function() while true do end end) end)`)
	var le *lunar.LimitError
	if !errors.As(err, &le) || len(le.Traceback) == 0 {
		t.Fatalf("got %v (traceback %d levels)", err, len(le.Traceback))
	}
	res, err := s.DoString("after", `return select('#', 1, 2, 3)`)
	if err != nil || res[0].AsInt() != 3 {
		t.Fatalf("after the limit: %v %v", res, err)
	}
}

// Go functions that loop over a range the script chooses charge their
// work: table.move over (almost) all integers stops at the limit.
func TestLimitStopsLongGoLoops(t *testing.T) {
	s := lunar.NewState(lunar.WithLibraries(stdlib.All), lunar.WithLimits(lunar.Limits{Instructions: 1e6}))
	_, err := s.DoString("move", "table.move({1, 2}, 1, math.maxinteger, 0, {})")
	var le *lunar.LimitError
	if !errors.As(err, &le) || le.Limit != "instructions" {
		t.Fatalf("got %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	prog, _ := lunar.Compile("move", []byte("table.move({1, 2}, 1, math.maxinteger, 0, {})"))
	if _, err := lunar.NewState(lunar.WithLibraries(stdlib.All)).Run(ctx, prog); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("with a deadline: %v", err)
	}
}
