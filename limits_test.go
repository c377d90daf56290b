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
