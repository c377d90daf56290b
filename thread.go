package lunar

import (
	"unsafe"

	"github.com/lunar-lua/lunar/bytecode"
)

// Limits that mirror the reference interpreter's.
const (
	// maxStack is the largest number of stack slots a thread may use
	// (LUAI_MAXSTACK); past it a call fails with "stack overflow".
	maxStack = 1_000_000
	// errorStackExtra is the room left above maxStack for error handling.
	errorStackExtra = 1000
	// maxGoCalls bounds the nesting of Go-level calls (Go functions that
	// call Lua, metamethods, nested coroutines): the reference's
	// LUAI_MAXCCALLS. Past it a call fails with "C stack overflow".
	maxGoCalls = 200
	// regWindow is the register window every Lua frame is given, so that
	// the VM can index registers with a uint8 without bounds checks.
	regWindow = 256
	// maxFrames bounds the number of nested calls (the slots of the
	// stack bound them first in all but pathological cases).
	maxFrames = 250_000
)

// callFrame is one activation record (the reference's CallInfo).
type callFrame struct {
	cl   *luaClosure // Lua function, or nil
	gf   *goFunction // Go function, or nil
	fn   int         // stack index of the function (moves for vararg functions)
	ret  int         // stack index where results go (the original fn)
	base int         // stack index of R[0] / the first argument
	top  int         // for Lua frames: base + MaxStackSize
	pc   int         // index of the next instruction (Lua frames)
	// nresults is the number of results the caller wants (-1: all).
	nresults int
	// nextra counts the extra arguments of a vararg Lua function.
	nextra int
	// fresh marks the frame an execute call started with: execute returns
	// when it returns.
	fresh bool
	// tail marks a frame that replaced its caller by a tail call.
	tail bool
	// status holds the frame status bits below.
	status uint8
}

// Frame status bits.
const (
	// frameCallHooked marks a frame whose call hook has run.
	frameCallHooked uint8 = 1 << iota
	// frameInHook marks a frame while a hook runs for one of its events:
	// the function it calls then is named "hook '?'" (CIST_HOOKED).
	frameInHook
	// frameInFinalizer marks a frame while a __gc metamethod runs from it:
	// the function it calls then is named "metamethod '__gc'" (CIST_FIN).
	frameInFinalizer
)

// Thread is a Lua thread: a stack of values and of call frames. The main
// thread of a State and every coroutine are Threads. A Thread is used by
// one goroutine at a time.
type Thread struct {
	state  *State
	stack  []Value
	top    int
	frames []callFrame
	// openUpvals holds the open upvalues, sorted by stack index.
	openUpvals []*upvalue
	// tbc holds the stack indices of pending to-be-closed variables.
	tbc []int
	// nGo counts nested Go-level calls on this thread (plus those of the
	// threads that resumed it).
	nGo int
	// nny counts active regions where yielding is not allowed.
	nny int
	co  *coroutine // nil for a main thread
	// inStackError is set while a "stack overflow" error is being raised,
	// so that handling it may use the extra room.
	inStackError bool
	// errStack is set while a message handler runs for a "stack
	// overflow" error: the handler may use the extra room above the
	// limits, as in the reference (ERRORSTACKSIZE).
	errStack bool
	// oldpc is the instruction that the line hook last saw (the
	// reference's L->oldpc): a line event fires on a new line or on a
	// jump back. Calls and returns reset it as the reference does.
	oldpc int
	// inHook is set while a hook runs: no hook runs inside a hook, even
	// one the hook installed (the reference's allowhook).
	inHook bool
	// transfer describes the values a call or return hook sees
	// (debug.getinfo's 'r'): the frame and the stack slots.
	transfer hookTransfer
	// hook is the debug hook of the thread (debug.sethook), hookMask its
	// events (0 without a hook), read by the VM at each frame.
	hook     *hookState
	hookMask uint8
	// slow says why the VM's fast loop handed over to its slow section;
	// skipHook lets one instruction run after its hook ran.
	slow     uint8
	skipHook bool
	// hasErr and lastErr keep the error that ended a coroutine.
	hasErr  bool
	lastErr Value
}

// newThread makes a thread. Its stack and frames are allocated by the
// first call, so that a state or coroutine that never runs costs little.
func newThread(s *State) *Thread { return &Thread{state: s} }

// reset empties the thread for reuse, keeping its stack's memory.
func (th *Thread) reset() {
	clear(th.stack) // drop references a deep run left behind
	th.top = 0
	th.frames = th.frames[:0]
	clear(th.openUpvals)
	th.openUpvals = th.openUpvals[:0]
	th.tbc = th.tbc[:0]
	th.nGo, th.nny = 0, 0
	th.slow, th.skipHook = 0, false
	th.hook, th.hookMask = nil, 0
	th.hasErr, th.lastErr = false, Nil
}

// State returns the State the thread belongs to.
func (th *Thread) State() *State { return th.state }

// ensureStack makes sure the stack has at least n free slots above top.
func (th *Thread) ensureStack(n int) error {
	return th.ensureStackAt(th.top + n)
}

// ensureStackAt makes sure the stack has at least size slots, growing it
// and fixing open upvalues if needed.
func (th *Thread) ensureStackAt(size int) error {
	if size <= len(th.stack) {
		return nil
	}
	limit := maxStack + regWindow
	if th.errStack {
		limit += errorStackExtra
	}
	if size > limit {
		if th.errStack {
			// A handler for a stack overflow overflowed the extra
			// room: this error goes to no handler (LUA_ERRERR).
			return th.errorInError()
		}
		if size > limit+errorStackExtra || th.inStackError {
			return th.runtimeError("stack overflow")
		}
		th.inStackError = true
		defer func() { th.inStackError = false }()
		return th.runtimeError("stack overflow")
	}
	newSize := max(2*len(th.stack), 2*regWindow)
	if newSize < size {
		newSize = size
	}
	if newSize > limit {
		// Only a handler for a stack overflow gets the extra room: the
		// VM's checks compare with the stack's length.
		newSize = limit
	}
	ns := make([]Value, newSize)
	th.state.ctl.allocated += int64(newSize-len(th.stack)) * valueSize
	copy(ns, th.stack[:th.highWater()])
	th.stack = ns
	for _, uv := range th.openUpvals {
		uv.p = &th.stack[uv.idx]
	}
	return nil
}

// maxSpareStacks bounds how many stacks of finished coroutines a state
// keeps for reuse (each is 2*regWindow values, 8 KB).
const maxSpareStacks = 4

// spareStack is the stack and frame list of a coroutine that returned,
// kept for the next coroutine of the state.
type spareStack struct {
	stack  []Value
	frames []callFrame
}

// releaseStack hands the stack and frame list of a coroutine that has
// returned to its state for reuse. Only minimum-size stacks are kept, so
// that a state never holds on to a deep recursion's memory. Stale values
// in a kept stack are harmless to Lua code (it never reads above its top
// without writing first); they are cleared where they would keep objects
// from Go's collector that Lua code can watch being collected: here in
// states with __gc metamethods, else at collectgarbage (clearDeadStacks).
func (th *Thread) releaseStack() {
	s := th.state
	if len(th.stack) != 2*regWindow || len(s.spareStacks) >= maxSpareStacks || len(th.openUpvals) > 0 {
		return
	}
	if s.watchGC {
		// Clear only up to the last slot in use: reading the clean rest
		// is far cheaper than writing it (each write of a pointer slot
		// pays the collector's write barrier while it marks).
		clear(th.stack[:usedPrefix(th.stack)])
	}
	clear(th.frames[:cap(th.frames)])
	s.spareStacks = append(s.spareStacks, spareStack{th.stack, th.frames[:0]})
	th.stack, th.frames, th.top = nil, nil, 0
}

// takeSpare gives a coroutine that has not run yet a stack and frame
// list left by one that returned, if the state has one.
func (th *Thread) takeSpare() {
	spare := th.state.spareStacks
	if len(spare) == 0 || th.stack != nil {
		return
	}
	sp := spare[len(spare)-1]
	spare[len(spare)-1] = spareStack{}
	th.state.spareStacks = spare[:len(spare)-1]
	th.stack, th.frames = sp.stack, sp.frames
}

// usedPrefix returns the length of the shortest prefix of stack outside
// which every slot is nil. It reads the slots as words, eight values at a
// time, from the top: fast enough to beat clearing the whole stack.
func usedPrefix(stack []Value) int {
	n := len(stack) &^ 7
	for _, v := range stack[n:] {
		if v != Nil {
			return len(stack)
		}
	}
	words := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(stack))), 2*n)
	for n > 0 {
		w := words[2*n-16 : 2*n : 2*n]
		if w[0]|w[1]|w[2]|w[3]|w[4]|w[5]|w[6]|w[7]|w[8]|w[9]|w[10]|w[11]|w[12]|w[13]|w[14]|w[15] != 0 {
			break
		}
		n -= 8
	}
	return n
}

// highWater returns how much of the stack may hold live values.
func (th *Thread) highWater() int {
	hw := th.top
	if n := len(th.frames); n > 0 {
		f := &th.frames[n-1]
		if f.cl != nil && f.base+regWindow > hw {
			hw = f.base + regWindow
		}
	}
	if hw > len(th.stack) {
		hw = len(th.stack)
	}
	return hw
}

// regs returns the register window of a frame based at base.
func (th *Thread) regs(base int) *[regWindow]Value {
	return (*[regWindow]Value)(th.stack[base : base+regWindow])
}

// Push pushes v onto the stack (used by Go functions to return results).
func (th *Thread) Push(v Value) {
	if th.top >= len(th.stack) {
		if err := th.ensureStack(1); err != nil {
			// Past the hard limit the results are dropped; the error
			// surfaces at the next check.
			return
		}
	}
	th.stack[th.top] = v
	th.top++
}

// findUpval returns the open upvalue for stack slot idx, creating it.
func (th *Thread) findUpval(idx int) *upvalue {
	ups := th.openUpvals
	// Search from the end: new upvalues are usually for the newest slots.
	i := len(ups)
	for i > 0 && ups[i-1].idx >= idx {
		if ups[i-1].idx == idx {
			return ups[i-1]
		}
		i--
	}
	uv := &upvalue{p: &th.stack[idx], idx: idx, open: true}
	ups = append(ups, nil)
	copy(ups[i+1:], ups[i:])
	ups[i] = uv
	th.openUpvals = ups
	return uv
}

// closeUpvals closes every open upvalue at or above stack index level.
func (th *Thread) closeUpvals(level int) {
	ups := th.openUpvals
	n := len(ups)
	for n > 0 && ups[n-1].idx >= level {
		uv := ups[n-1]
		uv.closed = *uv.p
		uv.p = &uv.closed
		uv.open = false
		ups[n-1] = nil
		n--
	}
	th.openUpvals = ups[:n]
}

// currentLine returns the line being executed by Lua frame f.
func (f *callFrame) currentLine() int {
	if f.cl == nil {
		return -1
	}
	pc := f.pc - 1
	if pc < 0 {
		pc = 0
	}
	li := f.cl.proto.LineInfo
	if pc < len(li) {
		return int(li[pc])
	}
	return -1
}

// frameAt returns the frame at level (0 = the running function), or nil.
func (th *Thread) frameAt(level int) *callFrame {
	i := len(th.frames) - 1 - level
	if i < 0 || level < 0 {
		return nil
	}
	return &th.frames[i]
}

// adjustResults moves n results starting at stack index src to the frame's
// return position and sets top as the caller expects.
func (th *Thread) moveResults(dst, src, n, wanted int) {
	switch {
	case wanted == 0:
		th.top = dst
	case wanted == 1:
		if n == 0 {
			th.stack[dst] = Nil
		} else {
			th.stack[dst] = th.stack[src]
		}
		th.top = dst + 1
	case wanted < 0:
		copy(th.stack[dst:dst+n], th.stack[src:src+n])
		th.top = dst + n
	default:
		if n > wanted {
			n = wanted
		}
		copy(th.stack[dst:dst+n], th.stack[src:src+n])
		for i := n; i < wanted; i++ {
			th.stack[dst+i] = Nil
		}
		th.top = dst + wanted
	}
}

// callGo runs the Go function at stack index fn with the arguments up to
// top, leaving its results at fn as wanted.
func (th *Thread) callGo(gf *goFunction, fn, wanted int) error {
	// Field by field, as pushLuaFrame does: the fields a Go frame does not
	// use (top, pc, nextra) keep what the slot held.
	fi := len(th.frames)
	if fi < cap(th.frames) {
		th.frames = th.frames[:fi+1]
	} else {
		th.frames = append(th.frames, callFrame{})
	}
	f := &th.frames[fi]
	f.cl, f.gf = nil, gf
	f.fn, f.ret, f.base, f.nresults = fn, fn, fn+1, wanted
	f.fresh, f.tail, f.status = false, false, 0
	if th.hookMask&hookCall != 0 {
		if err := th.callHook(nil, false); err != nil {
			return err
		}
	}
	args := th.stack[fn+1 : th.top]
	if !gf.yieldable {
		// Lua code called back from a Go function cannot yield across it.
		th.nny++
	}
	n, err := gf.fn(th, args)
	if !gf.yieldable {
		th.nny--
	}
	if err != nil {
		return err
	}
	if n > th.top-fn {
		n = th.top - fn // results may reuse the function's own slot
	}
	if th.hookMask&hookReturn != 0 {
		top := th.top
		if err := th.returnHook(len(th.frames)-1, th.top-n, n); err != nil {
			return err
		}
		th.top = top
	}
	if th.hookMask != 0 {
		// After the return hook, whose own calls reset it, as the
		// reference's rethook does.
		th.backInCaller(len(th.frames) - 2)
	}
	th.frames = th.frames[:len(th.frames)-1]
	if wanted == 1 {
		// The common case (an expression's value), without the general
		// mover: fn is below top, so the stack has room.
		if n == 0 {
			th.stack[fn] = Nil
		} else {
			th.stack[fn] = th.stack[th.top-n]
		}
		th.top = fn + 1
		return nil
	}
	if wanted != 0 {
		if need := fn + max(wanted, n) + 1; need > len(th.stack) {
			if err := th.ensureStackAt(need); err != nil {
				return err
			}
		}
	}
	th.moveResults(fn, th.top-n, n, wanted)
	return nil
}

// prepareCall sets up a call of the value at stack index fn with the
// arguments up to top. For a Lua function it pushes a frame and returns it
// (the caller runs execute); a Go function is run to completion and nil is
// returned. Non-functions go through __call.
func (th *Thread) prepareCall(fn, wanted int) (*callFrame, error) {
	for {
		v := th.stack[fn]
		if v.isObject() {
			switch v.tag() {
			case tagLuaFunction:
				return th.pushLuaFrame((*luaClosure)(v.p), fn, wanted)
			case tagGoFunction:
				return nil, th.callGo((*goFunction)(v.p), fn, wanted)
			}
		}
		tm := th.metamethod(v, bytecode.TMCall)
		if tm.IsNil() {
			return nil, th.callError(fn, v)
		}
		// Insert the metamethod as the function; the object becomes the
		// first argument.
		if err := th.ensureStack(1); err != nil {
			return nil, err
		}
		copy(th.stack[fn+1:th.top+1], th.stack[fn:th.top])
		th.top++
		th.stack[fn] = tm
	}
}

// pushLuaFrame pushes a frame for closure cl whose function slot is fn and
// arguments run up to top.
func (th *Thread) pushLuaFrame(cl *luaClosure, fn, wanted int) (*callFrame, error) {
	p := cl.proto
	nargs := th.top - fn - 1
	base := fn + 1
	if need := base + nargs + p.maxStack + regWindow + 1; need > len(th.stack) {
		if err := th.ensureStackAt(need); err != nil {
			return nil, err
		}
	}
	for i := nargs; i < p.numParams; i++ {
		th.stack[base+i] = Nil
	}
	n := len(th.frames)
	c := &th.state.ctl
	if c.budget--; c.budget <= 0 {
		if err := th.checkBudget(); err != nil {
			return nil, err
		}
	}
	if d := c.limits.CallDepth; d > 0 && n >= d {
		return nil, th.limitError("call depth", nil)
	}
	if n < cap(th.frames) {
		th.frames = th.frames[:n+1]
	} else {
		// (A message handler for a stack overflow may go past the limit:
		// the extra room of the stack bounds its calls.)
		if n >= maxFrames && !th.errStack {
			return nil, th.runtimeError("stack overflow")
		}
		th.frames = append(th.frames, callFrame{})
	}
	f := &th.frames[n]
	// Field by field: cheaper than a composite literal store here.
	f.cl, f.gf = cl, nil
	f.fn, f.ret, f.base, f.top = fn, fn, base, base+p.maxStack
	f.pc, f.nresults, f.nextra = 0, wanted, 0
	f.fresh, f.tail, f.status = false, false, 0
	if p.isVararg {
		nfix := p.numParams
		nextra := nargs - nfix
		if nextra < 0 {
			nextra = 0
		}
		f.nextra = nextra
		if nextra > 0 {
			// Move the function and the fixed parameters above the extra
			// arguments, which stay below the new frame.
			newFn := fn + nargs + 1
			th.stack[newFn] = th.stack[fn]
			for i := 0; i < nfix; i++ {
				th.stack[newFn+1+i] = th.stack[fn+1+i]
				th.stack[fn+1+i] = Nil
			}
			f.fn = newFn
			f.base = newFn + 1
			f.top = f.base + p.maxStack
		}
	}
	th.top = f.top
	return f, nil
}

// call calls the value at stack index fn with the arguments up to top,
// from Go: a Lua function runs in a nested execute. Results are left at fn
// as wanted.
func (th *Thread) call(fn, wanted int) error {
	th.nGo++
	if th.nGo >= maxGoCalls {
		if th.nGo >= maxGoCalls+maxGoCalls/10 {
			th.nGo--
			return th.errorInError()
		}
		if th.nGo == maxGoCalls {
			th.nGo--
			return th.runtimeError("C stack overflow")
		}
	}
	f, err := th.prepareCall(fn, wanted)
	if err == nil && f != nil {
		f.fresh = true
		err = th.execute()
	}
	th.nGo--
	return err
}

const errorInErrorMsg = "error in error handling"

func (th *Thread) errorInError() error {
	return &Error{Value: String(errorInErrorMsg)}
}

// backInCaller notes, for the line hook, that the frame at index fi gets
// control back from a call: the line of its call instruction was seen.
func (th *Thread) backInCaller(fi int) {
	if fi >= 0 && th.frames[fi].cl != nil {
		th.oldpc = th.frames[fi].pc - 1
	}
}
