package lunar

import (
	"cmp"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"weak"
)

// Garbage collection is Go's. A table or userdata whose metatable has __gc
// when it is set gets a Go finalizer; when the collector finds the object
// unreachable, the finalizer queues it, and the state runs the queued __gc
// metamethods at safe points (collectgarbage, the budget checks the VM
// makes every few thousand instructions, Reset, Close) on the state's own
// goroutine, never on the collector's. So a script that waits for a
// finalizer while it allocates (repeat local t = {} until done) sees it
// run, as with the reference's incremental collector.

type finalizerQueue struct {
	mu      sync.Mutex
	pending []pendingFinalizer
	// n is len(pending), for a look without the lock; pushed counts the
	// objects ever queued.
	n      atomic.Int32
	pushed atomic.Uint64
}

// pendingFinalizer is an object whose __gc is due, with the order in
// which it was marked for finalization.
type pendingFinalizer struct {
	v   Value
	seq uint64
}

func (q *finalizerQueue) push(v Value, seq uint64) {
	q.mu.Lock()
	q.pending = append(q.pending, pendingFinalizer{v, seq})
	q.n.Store(int32(len(q.pending)))
	q.mu.Unlock()
	q.pushed.Add(1)
}

// drain takes the queued objects, the most recently marked first: the
// order in which the reference calls the finalizers of the objects a
// collection finds (Go's finalizer goroutine queues them in no set
// order).
func (q *finalizerQueue) drain() []pendingFinalizer {
	q.mu.Lock()
	p := q.pending
	q.pending = nil
	q.n.Store(0)
	q.mu.Unlock()
	slices.SortFunc(p, func(a, b pendingFinalizer) int { return cmp.Compare(b.seq, a.seq) })
	return p
}

// finalizable is an object marked for finalization, held weakly so that
// Close can still finalize the live ones.
type finalizable struct {
	t weak.Pointer[Table]
	u weak.Pointer[Userdata]
}

// collect is collectgarbage("collect"): a full Go collection, after
// which the weak tables lose their collected entries and the __gc
// metamethods of the objects found unreachable run before it returns, as
// the reference's full collection does.
func (s *State) collect(th *Thread) error {
	s.clearDeadStacks()
	alive := 0
	for _, f := range s.finalizable {
		if f.t.Value() != nil || f.u.Value() != nil {
			alive++
		}
	}
	pushed := s.finalizers.pushed.Load()
	s.sweepWeak() // collects twice
	for _, f := range s.finalizable {
		if f.t.Value() != nil || f.u.Value() != nil {
			alive--
		}
	}
	// The objects that died (their weak pointers were cleared when their
	// finalizers were queued) reach the queue through Go's finalizer
	// goroutine: wait for them, for a bounded time.
	if alive > 0 {
		want := pushed + uint64(alive)
		deadline := time.Now().Add(time.Second)
		for s.finalizers.pushed.Load() < want && time.Now().Before(deadline) {
			runtime.Gosched()
		}
	}
	return s.runFinalizers(th)
}

// clearDeadStacks clears the stack slots above the top of every thread of
// the state: values left there by calls that returned are garbage to Lua
// (whose collector never looks above the top), but Go's collector would
// keep them alive. The stacks kept for new coroutines are cleared too.
func (s *State) clearDeadStacks() {
	clearAbove := func(th *Thread) {
		if th.top < len(th.stack) {
			clear(th.stack[th.top:])
		}
	}
	clearAbove(s.main)
	for _, co := range s.coroutines {
		clearAbove(co)
	}
	for _, sp := range s.spareStacks {
		clear(sp.stack)
	}
}

// clearDeadRegisters clears the registers of Lua frame f from index from
// up when a new object is made below them: the reference's collector
// takes everything above the new object as dead at that point (checkGC),
// so Lua code may count on their contents being collected, which Go's
// collector does only if they are gone. (The budget checks clear above
// the frames.) It runs only in states with __gc metamethods
// (State.watchGC).
func (th *Thread) clearDeadRegisters(from int, f *callFrame) {
	if end := min(f.top, len(th.stack)); from < end {
		clear(th.stack[from:end])
	}
}

// registerFinalizer marks v (a table or full userdata) for finalization.
func (s *State) registerFinalizer(v Value) {
	q := &s.finalizers
	s.watchGC = true
	s.finalizerSeq++
	seq := s.finalizerSeq
	if t := v.AsTable(); t != nil {
		runtime.SetFinalizer(t, func(t *Table) { q.push(TableValue(t), seq) })
		s.finalizable = append(s.finalizable, finalizable{t: weak.Make(t)})
	} else if u := v.AsUserdata(); u != nil {
		runtime.SetFinalizer(u, func(u *Userdata) { q.push(UserdataValue(u), seq) })
		s.finalizable = append(s.finalizable, finalizable{u: weak.Make(u)})
	}
	if n := len(s.finalizable); n >= 1024 && n >= 2*s.finalizableAtCompact {
		live := s.finalizable[:0]
		for _, f := range s.finalizable {
			if f.t.Value() != nil || f.u.Value() != nil {
				live = append(live, f)
			}
		}
		clear(s.finalizable[len(live):])
		s.finalizable = live
		s.finalizableAtCompact = len(live)
	}
}

// finalizeAll calls __gc for every object still marked, newest first, as
// the reference does when a state closes.
//
// An error Lua cannot catch (os.exit called by a finalizer) ends only the
// finalizer that raised it: the others still run, as the nested lua_close
// of the reference's os.exit(code, true) runs them; the host learns of
// os.exit through its exit hook.
func (s *State) finalizeAll() {
	s.runFinalizers(s.main)
	for i := len(s.finalizable) - 1; i >= 0; i-- {
		f := s.finalizable[i]
		var v Value
		if t := f.t.Value(); t != nil {
			runtime.SetFinalizer(t, nil)
			v = TableValue(t)
		} else if u := f.u.Value(); u != nil {
			runtime.SetFinalizer(u, nil)
			v = UserdataValue(u)
		} else {
			continue
		}
		s.finalizers.push(v, 0)
		s.runFinalizers(s.main)
	}
	s.finalizable = nil
}

// runFinalizers calls the __gc metamethods of the objects found
// unreachable so far. Errors become warnings, as in the reference, except
// the ones Lua code cannot catch (os.exit, a limit, an interrupt): those
// stop the finalization and are returned, the objects not yet finalized
// going back to the queue.
func (s *State) runFinalizers(th *Thread) error {
	pending := s.finalizers.drain()
	for i, p := range pending {
		v := p.v
		h := th.MetaField(v, "__gc")
		if !h.IsFunction() {
			continue
		}
		s.inFinalizer++
		fi := len(th.frames) - 1
		if fi >= 0 {
			th.frames[fi].status |= frameInFinalizer
		}
		_, err := th.PCall(h, v)
		if fi >= 0 && fi < len(th.frames) {
			th.frames[fi].status &^= frameInFinalizer
		}
		s.inFinalizer--
		if err == nil {
			continue
		}
		if isUncatchable(err) {
			for _, rest := range pending[i+1:] {
				s.finalizers.push(rest.v, rest.seq)
			}
			return err
		}
		msg := "error in __gc"
		if str, ok := errorValue(err).ToString(); ok {
			msg = "error in __gc metamethod (" + str + ")"
		}
		if s.warnOn {
			io.WriteString(s.stderr, "Lua warning: "+msg+"\n")
		}
	}
	return nil
}

// SetFinalizer registers v for __gc at the next collections if its
// metatable has __gc; Go libraries call it after setting a userdata's
// metatable.
func (s *State) SetFinalizer(v Value) {
	if !s.main.MetaField(v, "__gc").IsNil() {
		s.registerFinalizer(v)
	}
}

// gcParam is a collector parameter as the reference stores it: a quarter of
// the value set, in a byte, so that collectgarbage("setpause") and
// ("setstepmul") give back the same figures (100 after 100, 148 after 150).
type gcParam uint8

// The reference's defaults (LUAI_GCPAUSE and LUAI_GCMUL).
const (
	defaultGCPause   gcParam = 200 / 4
	defaultGCStepMul gcParam = 100 / 4
)

func (p gcParam) get() int64 { return int64(p) * 4 }

// set stores v as the reference's setgcparam does, after its cast to a C
// int: the quotient is truncated to a byte.
func (p *gcParam) set(v int64) { *p = gcParam(int32(v) / 4) }
