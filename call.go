package lunar

import (
	"strings"

	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

func chunkID(source string) string { return syntax.ChunkID(source) }

// Call calls fn with args and returns all its results in a new slice.
func (th *Thread) Call(fn Value, args ...Value) ([]Value, error) {
	base := th.top
	if err := th.pushCall(fn, args); err != nil {
		return nil, err
	}
	if err := th.call(base, -1); err != nil {
		th.top = base
		return nil, err
	}
	res := make([]Value, th.top-base)
	copy(res, th.stack[base:th.top])
	th.top = base
	return res, nil
}

// Call1 calls fn with args and returns its first result (nil if none).
// It allocates nothing.
func (th *Thread) Call1(fn Value, args ...Value) (Value, error) {
	base := th.top
	if err := th.pushCall(fn, args); err != nil {
		return Nil, err
	}
	if err := th.call(base, 1); err != nil {
		th.top = base
		return Nil, err
	}
	v := th.stack[base]
	th.top = base
	return v, nil
}

// CallPush calls fn with args and leaves its results pushed on the stack
// (wanted of them, or all when wanted < 0); it returns how many it pushed.
// A Go function can use it to return another function's results.
func (th *Thread) CallPush(fn Value, wanted int, args ...Value) (int, error) {
	base := th.top
	if err := th.pushCall(fn, args); err != nil {
		return 0, err
	}
	if err := th.call(base, wanted); err != nil {
		th.top = base
		return 0, err
	}
	return th.top - base, nil
}

func (th *Thread) pushCall(fn Value, args []Value) error {
	if err := th.ensureStack(len(args) + 1 + regWindow); err != nil {
		return err
	}
	th.stack[th.top] = fn
	copy(th.stack[th.top+1:], args)
	th.top += len(args) + 1
	return nil
}

// protectedCall calls the function at stack index fn with the arguments up
// to top, catching errors: on error the frames, upvalues and to-be-closed
// variables above the call are unwound and the error is returned with the
// stack back at fn. handler, when not nil, runs at the point of the error
// (before unwinding) and transforms the error value.
func (th *Thread) protectedCall(fn, wanted int, handler Value) error {
	nframes := len(th.frames)
	ntbc := len(th.tbc)
	nGo := th.nGo
	nny := th.nny
	err := th.call(fn, wanted)
	if err == nil {
		return nil
	}
	if _, closing := err.(closeCoroutineError); closing {
		// coroutine.close unwinds the whole coroutine and then closes its
		// pending variables itself.
		return err
	}
	if isUncatchable(err) {
		// Not caught here, but the frames above are gone all the same: no
		// closing method runs, since no Lua code may run after a limit;
		// but os.exit(code, true) closes the state, and lua_close closes
		// the pending variables of the main thread (without an error).
		if exit, ok := err.(*ExitError); ok && exit.Close && th == th.state.main {
			th.nGo, th.nny = nGo, nny
			th.unwindTBC(ntbc, fn, Nil)
		}
		th.tbc = th.tbc[:ntbc]
		th.closeUpvals(fn)
		th.frames = th.frames[:nframes]
		th.nGo, th.nny = nGo, nny
		th.top = fn
		return err
	}
	ev := errorValue(err)
	if !handler.IsNil() {
		ev = th.runHandler(handler, ev)
	}
	th.nGo = nGo
	th.nny = nny
	// Close to-be-closed variables above the call with the error, in
	// reverse order; an error in a closing method replaces the error.
	// As in the reference, the frames above the call are gone by then (a
	// closing method is called from the protected call's frame), but the
	// stack they used still holds the variables left to close.
	hw := th.highWater()
	th.frames = th.frames[:nframes]
	if th.top < hw {
		th.top = hw
	}
	ev = th.unwindTBCHandler(ntbc, fn, ev, handler)
	th.closeUpvals(fn)
	th.frames = th.frames[:nframes]
	th.top = fn
	if e, ok := err.(*Error); ok {
		if RawEqual(e.Value, ev) {
			return e
		}
		return &Error{Value: ev, Cause: e.Cause}
	}
	return &Error{Value: ev, Cause: err}
}

// runHandler calls a message handler (xpcall) with the error value at the
// point of the error; errors inside the handler are handled like the
// reference (the handler gets called again, up to a limit).
func (th *Thread) runHandler(handler, ev Value) Value {
	if se, ok := ev.ToString(); ok && isStackOverflowMsg(se) && !th.errStack {
		// The handler of a stack overflow runs in the extra room, which
		// is taken back afterwards (the VM checks the stack's length).
		th.errStack = true
		defer func() {
			th.errStack = false
			if n := maxStack + regWindow; len(th.stack) > n {
				th.stack = th.stack[:n:n]
			}
		}()
	}
	// In the reference a handler that fails is called again for its own
	// error from where it failed, one C call deeper each time: the
	// nesting limit ends a chain of failures with "C stack overflow"
	// (itself given to the handler) and, past it, "error in error
	// handling". Each try here counts as one level deeper.
	nGo := th.nGo
	defer func() { th.nGo = nGo }()
	for tries := 0; ; tries++ {
		th.nGo = nGo + tries
		if th.nGo >= maxGoCalls+maxGoCalls/10 {
			return String("error in error handling")
		}
		top := th.top
		if hw := th.highWater(); hw > top {
			top = hw
		}
		if err := th.ensureStackAt(top + 3 + regWindow); err != nil {
			return String("error in error handling")
		}
		th.top = top
		th.stack[top] = handler
		th.stack[top+1] = ev
		th.top = top + 2
		err := th.call(top, 1)
		if err == nil {
			v := th.stack[top]
			th.top = top
			return v
		}
		if isUncatchable(err) {
			return errorValue(err)
		}
		// The handler failed: handle its error in turn.
		ev = errorValue(err)
		if se, ok := err.(*Error); ok && isStackOverflow(se) {
			return String("error in error handling")
		}
		if s, ok := ev.ToString(); ok && s == errorInErrorMsg {
			return ev // raised without calling a handler
		}
	}
}

func isStackOverflow(e *Error) bool {
	s, ok := e.Value.ToString()
	return ok && isStackOverflowMsg(s)
}

// isStackOverflowMsg reports whether s is the message of a (Lua) stack
// overflow; "C stack overflow", the nesting limit, is not one.
func isStackOverflowMsg(s string) bool {
	return strings.HasSuffix(s, "stack overflow") && !strings.HasSuffix(s, "C stack overflow")
}

// uncatchable is implemented by errors that pcall must not stop (limits
// set by the host, a coroutine being killed).
type uncatchable interface{ uncatchable() }

func isUncatchable(err error) bool {
	_, ok := err.(uncatchable)
	return ok
}

// PCall calls fn with args in protected mode: it returns the results, or
// the error raised (an *Error), with the thread left usable.
func (th *Thread) PCall(fn Value, args ...Value) ([]Value, error) {
	base := th.top
	if err := th.pushCall(fn, args); err != nil {
		return nil, err
	}
	if err := th.protectedCall(base, -1, Nil); err != nil {
		th.top = base
		return nil, err
	}
	res := make([]Value, th.top-base)
	copy(res, th.stack[base:th.top])
	th.top = base
	return res, nil
}

// ---------------------------------------------------------------------------
// To-be-closed variables (§3.3.8)

// markTBC registers the variable at stack index idx as to be closed; its
// value must be false, nil or have a __close metamethod.
func (th *Thread) markTBC(idx int) error {
	v := th.stack[idx]
	if !v.Truthy() {
		return nil // false and nil are ignored
	}
	if th.metamethod(v, bytecode.TMClose).IsNil() {
		f := th.frameAt(0)
		name := "?"
		if f != nil && f.cl != nil {
			if n := localName(f.cl.proto, idx-f.base+1, f.pc-1); n != "" {
				name = n
			}
		}
		return th.runtimeError("variable '%s' got a non-closable value", name)
	}
	th.tbc = append(th.tbc, idx)
	return nil
}

// closeFrom closes upvalues and to-be-closed variables at or above stack
// index level, in normal (non-error) exit.
func (th *Thread) closeFrom(level int, errv Value, isErr bool) error {
	th.closeUpvals(level)
	for len(th.tbc) > 0 {
		idx := th.tbc[len(th.tbc)-1]
		if idx < level {
			break
		}
		th.tbc = th.tbc[:len(th.tbc)-1]
		v := th.stack[idx]
		// A metamethod removed since the variable was marked is still
		// called, failing as the reference does ("attempt to call a nil
		// value (metamethod 'close')").
		h := th.metamethod(v, bytecode.TMClose)
		top := th.top
		if hw := th.highWater(); hw > top {
			top = hw
		}
		th.top = top
		err := th.call2to0(h, v, errv)
		th.top = top
		if err != nil {
			return err
		}
	}
	return nil
}

// unwindTBC closes the to-be-closed variables registered after the first
// n, at or above level, after an error with value ev; it returns the final
// error value.
func (th *Thread) unwindTBC(n, level int, ev Value) Value {
	return th.unwindTBCHandler(n, level, ev, Nil)
}

// unwindTBCHandler is unwindTBC for a protected call with a message
// handler, which also handles the errors of the closing methods (the
// reference keeps it in place while it closes the variables).
func (th *Thread) unwindTBCHandler(n, level int, ev, handler Value) Value {
	th.closeUpvals(level)
	for len(th.tbc) > n {
		idx := th.tbc[len(th.tbc)-1]
		th.tbc = th.tbc[:len(th.tbc)-1]
		v := th.stack[idx]
		h := th.metamethod(v, bytecode.TMClose) // called even if nil, as above
		top := th.highWater()
		if top < th.top {
			top = th.top
		}
		th.top = top
		nf := len(th.frames)
		if err := th.call2to0(h, v, ev); err != nil {
			if isUncatchable(err) {
				return ev
			}
			ev = errorValue(err)
			if !handler.IsNil() {
				ev = th.runHandler(handler, ev)
			}
			th.frames = th.frames[:nf]
		}
	}
	return ev
}

func (th *Thread) call2to0(f, a, b Value) error {
	top := th.top
	if err := th.ensureStack(3 + regWindow); err != nil {
		return err
	}
	th.stack[top] = f
	th.stack[top+1] = a
	th.stack[top+2] = b
	th.top = top + 3
	err := th.call(top, 0)
	th.top = top
	return err
}
