package lunar

import (
	"io"
	"runtime"
	"sync"
	"weak"
)

// Garbage collection is Go's. A table or userdata whose metatable has __gc
// when it is set gets a Go finalizer; when the collector finds the object
// unreachable, the finalizer queues it, and the state runs the queued __gc
// metamethods at safe points (collectgarbage, the end of a run, Close) on
// the state's own goroutine, never on the collector's.

type finalizerQueue struct {
	mu      sync.Mutex
	pending []Value
}

func (q *finalizerQueue) push(v Value) {
	q.mu.Lock()
	q.pending = append(q.pending, v)
	q.mu.Unlock()
}

func (q *finalizerQueue) drain() []Value {
	q.mu.Lock()
	p := q.pending
	q.pending = nil
	q.mu.Unlock()
	return p
}

// finalizable is an object marked for finalization, held weakly so that
// Close can still finalize the live ones.
type finalizable struct {
	t weak.Pointer[Table]
	u weak.Pointer[Userdata]
}

// registerFinalizer marks v (a table or full userdata) for finalization.
func (s *State) registerFinalizer(v Value) {
	q := &s.finalizers
	if t := v.AsTable(); t != nil {
		runtime.SetFinalizer(t, func(t *Table) { q.push(TableValue(t)) })
		s.finalizable = append(s.finalizable, finalizable{t: weak.Make(t)})
	} else if u := v.AsUserdata(); u != nil {
		runtime.SetFinalizer(u, func(u *Userdata) { q.push(UserdataValue(u)) })
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
		s.finalizers.push(v)
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
	for i, v := range pending {
		h := th.MetaField(v, "__gc")
		if !h.IsFunction() {
			continue
		}
		s.inFinalizer++
		_, err := th.PCall(h, v)
		s.inFinalizer--
		if err == nil {
			continue
		}
		if isUncatchable(err) {
			for _, rest := range pending[i+1:] {
				s.finalizers.push(rest)
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
