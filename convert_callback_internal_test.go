package lunar

import (
	"errors"
	"testing"
)

// A callback called while its state runs Lua code (so from another
// goroutine) fails with ErrStateBusy and leaves the state alone.
func TestCallbackBusy(t *testing.T) {
	s := NewState()
	res, err := s.DoString("=cb", "return function(x) return x end, function() end")
	if err != nil {
		t.Fatal(err)
	}
	var f func(int) (int, error)
	if err := s.FromValue(res[0], &f); err != nil {
		t.Fatal(err)
	}
	// What another goroutine sees while the main thread runs the Lua
	// function res[1]: a run under way, a Lua frame on top.
	th := s.main
	th.nGo++
	th.frames = append(th.frames, callFrame{cl: res[1].asLuaClosure()})
	top := th.top
	_, err = f(1)
	if !errors.Is(err, ErrStateBusy) {
		t.Errorf("got %v, want ErrStateBusy", err)
	}
	if th.top != top || len(th.frames) != 1 {
		t.Errorf("the state changed: top %d→%d, %d frames", top, th.top, len(th.frames))
	}
	th.frames = th.frames[:0]
	th.nGo--
	if r, err := f(7); r != 7 || err != nil {
		t.Errorf("after: %d %v", r, err)
	}
}
