package lunar

import (
	"context"
	"fmt"
	"sync/atomic"
)

// Limits bound what a run may consume. Zero fields mean "no limit".
// Hitting a limit stops the run with a *LimitError that Lua code cannot
// catch; the state stays usable afterwards.
type Limits struct {
	// Instructions bounds the VM instructions a run executes. The VM
	// charges each loop iteration with the length of the loop's body and
	// each function call with one instruction, and checks the budget
	// between chunks of work, so the count is an estimate that a run can
	// exceed by a few thousand instructions before it stops.
	Instructions int64
	// CallDepth bounds the depth of nested Lua calls.
	CallDepth int
	// Memory bounds the bytes of memory the state's Lua values hold:
	// tables and their storage, strings, closures and their upvalues,
	// userdata, coroutines and their stacks, including the tables and
	// strings that State.ToValue makes from Go values (such as the
	// results of functions made by WrapFunc). Allocations are accounted
	// as the script makes them, not read from the Go heap; when the
	// account passes the limit, the state measures what its values reach
	// (garbage does not count) and the run stops only if that is over the
	// limit. Sizes follow a fixed model of Lunar's objects (a table is 96
	// bytes plus 16 per array slot and 32 per hash slot, a string its
	// length), so the figure is close to, not equal to, the Go heap used.
	Memory int64
	// StringSize bounds the length of any string a run creates.
	StringSize int
}

// budgetChunk is how much work runs between two checks of the limits and
// of the interrupt flag; small enough that a cancelled context stops a
// script within microseconds.
const budgetChunk = 1 << 12

// runControl is the per-state bookkeeping of limits and interruption.
type runControl struct {
	limits Limits
	// budget is the work left before the next check; the VM decrements it
	// at backward jumps and calls.
	budget int64
	// charged is the work counted in earlier chunks of this run.
	charged int64
	// allocated is the memory accounted in this run.
	allocated int64
	// interrupt is set from any goroutine to stop the running script:
	// 1 by Interrupt, 2 by the run's context, 3 by RaiseError (with the
	// message in raised).
	interrupt atomic.Int32
	raised    atomic.Pointer[string]
	ctx       context.Context
}

// WithLimits sets the limits of every run of the state.
func WithLimits(l Limits) Option { return func(s *State) { s.ctl.limits = l } }

// SetLimits changes the limits for the following runs.
func (s *State) SetLimits(l Limits) { s.ctl.limits = l }

// Interrupt asks the running script to stop as soon as possible, with a
// *LimitError naming "interrupt". It is safe to call from any goroutine.
func (s *State) Interrupt() { s.ctl.interrupt.Store(1) }

// RaiseError makes the running script raise an ordinary Lua error with the
// message msg (after the position of the caller of the running Lua
// function, as the reference's hooks give it) as soon as the
// VM looks at its interrupt flag, which it does as often as for Interrupt.
// Unlike Interrupt's, pcall can catch this error: the standalone
// interpreter uses it for Ctrl-C, whose hook in the reference raises
// "interrupted!" with luaL_error. It is safe to call from any goroutine.
func (s *State) RaiseError(msg string) {
	s.ctl.raised.Store(&msg)
	s.ctl.interrupt.Store(3)
}

// beginRun resets the run's counters and arranges for ctx's cancellation
// to interrupt the script; the returned function ends the arrangement.
func (s *State) beginRun(ctx context.Context) func() bool {
	c := &s.ctl
	c.ctx = ctx
	c.budget = budgetChunk
	c.charged = 0
	c.allocated = 0 // what earlier runs left is counted at the first measure
	c.interrupt.Store(0)
	if ctx.Done() == nil {
		return func() bool { return true }
	}
	return context.AfterFunc(ctx, func() { c.interrupt.Store(2) })
}

// checkBudget runs when the work budget is used up: it charges the chunk
// against the instruction limit, looks at the interrupt flag and refills.
func (th *Thread) checkBudget() error {
	c := &th.state.ctl
	c.charged += budgetChunk - c.budget
	c.budget = budgetChunk
	switch c.interrupt.Load() {
	case 1:
		c.interrupt.Store(0)
		return th.limitError("interrupt", nil)
	case 2:
		var err error
		if c.ctx != nil {
			err = c.ctx.Err()
		}
		return th.limitError("context", err)
	case 3:
		c.interrupt.Store(0)
		// The reference raises it from a hook with luaL_error, whose
		// position is that of level 1 from the running Lua function: its
		// caller's (none when that is not Lua code).
		level := 1
		if f := th.frameAt(0); f != nil && f.cl == nil {
			level = 2 // a Go function charging work: its caller runs
		}
		return &Error{Value: String(th.where(level) + *c.raised.Load())}
	}
	if l := c.limits.Instructions; l > 0 && c.charged > l {
		return th.limitError("instructions", nil)
	}
	if th.state.overMemory(0) {
		return th.limitError("memory", nil)
	}
	if s := th.state; s.watchGC && th.top < len(th.stack) {
		// Values above the top are dead to Lua; let Go's collector see
		// that too (a window: what recent calls left).
		clear(th.stack[th.top:min(th.top+2*regWindow, len(th.stack))])
	}
	if s := th.state; s.finalizers.n.Load() > 0 && s.inFinalizer == 0 && !s.gcStopped {
		// Objects the collector found unreachable: run their __gc now,
		// as the reference's collector does while the script runs.
		return s.runFinalizers(th)
	}
	return nil
}

// Charge counts units of work done by a Go function against the run's
// instruction budget, and checks the limits and the interrupt flag when a
// chunk of budget is used up. Go functions that loop over data the script
// controls (table.move over a huge range, say) call it, so that limits,
// deadlines and Interrupt stop them too.
func (th *Thread) Charge(units int64) error {
	c := &th.state.ctl
	if c.budget -= units; c.budget <= 0 {
		return th.checkBudget()
	}
	return nil
}

// inRun reports whether the state is running: a host call (State.Call,
// or a Thread's Call from the host) is under way.
func (s *State) inRun() bool { return s.main.nGo > 0 }

// current returns the thread running now: the running coroutine, or the
// main thread.
func (s *State) current() *Thread {
	if s.running != nil {
		return s.running
	}
	return s.main
}

// chargeMemory accounts n bytes allocated by the script.
func (th *Thread) chargeMemory(n int) error {
	th.state.ctl.allocated += int64(n)
	if th.state.overMemory(int64(n)) {
		return th.limitError("memory", nil)
	}
	return nil
}

// CheckStringSize fails when a string of n bytes would exceed the state's
// string size limit; libraries call it before building large strings.
func (th *Thread) CheckStringSize(n int) error {
	if l := th.state.ctl.limits.StringSize; l > 0 && n > l {
		return th.limitError("string size", nil)
	}
	return th.chargeMemory(n)
}

// Used reports the instructions charged and memory accounted so far in the
// current (or last) run.
func (s *State) Used() (instructions, memory int64) {
	c := &s.ctl
	return c.charged + budgetChunk - c.budget, c.allocated
}

func limitMessage(e *LimitError) string {
	if e.Err != nil {
		return fmt.Sprintf("lunar: run stopped: %v", e.Err)
	}
	switch e.Limit {
	case "interrupt":
		return "lunar: run interrupted"
	}
	return "lunar: " + e.Limit + " limit exceeded"
}

// limitError makes the error for a hit limit, with the position and the
// traceback of the point where it hit (nothing is unwound yet).
func (th *Thread) limitError(limit string, err error) *LimitError {
	return &LimitError{Limit: limit, Err: err, Where: th.where(0), Traceback: th.stackTrace(0)}
}
