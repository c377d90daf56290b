package lunar

// Debug hooks (§6.10 debug.sethook). The VM tests one flag per instruction
// and only enters these functions when a hook is set, so an unset hook
// costs a predictable branch.

// Hook event bits.
const (
	hookCall uint8 = 1 << iota
	hookReturn
	hookLine
	hookCount
)

// hookState holds the hook function and its settings.
type hookState struct {
	fn    Value
	mask  uint8
	count int
	left  int
}

// hookInstruction runs before each instruction while hooks are set: count
// and line events.
func (th *Thread) hookInstruction(f *callFrame, pc int) error {
	h := th.hook
	if h == nil || th.inHook {
		return nil
	}
	p := f.cl.proto
	if pc == 0 && p.isVararg {
		return nil // hooks start after VARARGPREP, as in the reference
	}
	if h.mask&hookCount != 0 {
		h.left--
		if h.left <= 0 {
			h.left = h.count
			if err := th.runHook("count", Nil); err != nil {
				return err
			}
		}
	}
	if h.mask&hookLine != 0 {
		// A line event fires when the instruction is on another line than
		// the last one seen, or is not after it (a jump back, a new
		// function). Without line information it fires only for the
		// latter, with a nil line.
		li := p.LineInfo
		oldpc := th.oldpc
		if oldpc < 0 || oldpc >= len(p.code) {
			oldpc = 0 // set for another function
		}
		th.oldpc = pc
		if pc <= oldpc || (pc < len(li) && oldpc < len(li) && li[pc] != li[oldpc]) {
			line := Nil
			if pc < len(li) {
				line = Int(int64(li[pc]))
			}
			if err := th.runHook("line", line); err != nil {
				return err
			}
		}
	}
	return nil
}

func (th *Thread) callHook(f *callFrame, tail bool) error {
	h := th.hook
	if h == nil || th.inHook || h.mask&hookCall == 0 {
		return nil
	}
	ev := "call"
	if tail {
		ev = "tail call"
	}
	// The values transferred are the parameters: a Lua function's fixed
	// ones, or all the arguments of a Go function (f is nil for one).
	fi := len(th.frames) - 1
	n := th.top - th.frames[fi].base
	if f != nil {
		n = f.cl.proto.numParams
	}
	return th.runTransferHook(ev, fi, th.frames[fi].base, n)
}

// returnHook runs the return hook for frame fi, whose n results start at
// stack index first.
func (th *Thread) returnHook(fi, first, n int) error {
	h := th.hook
	if h == nil || th.inHook || h.mask&hookReturn == 0 {
		return nil
	}
	return th.runTransferHook("return", fi, first, n)
}

// hookTransfer is what debug.getinfo's 'r' option reports while a call or
// return hook runs: for frame fi, the n values from stack index first.
type hookTransfer struct {
	fi, first, n int
	set          bool
}

// runTransferHook runs a call or return hook with the transferred values
// recorded for debug.getinfo.
func (th *Thread) runTransferHook(event string, fi, first, n int) error {
	saved := th.transfer
	th.transfer = hookTransfer{fi: fi, first: first, n: n, set: true}
	err := th.runHook(event, Nil)
	th.transfer = saved
	return err
}

// transferOf returns the transferred values of frame f: ftransfer (the
// local index of the first) and ntransfer, both 0 when no hook of f runs.
func (th *Thread) transferOf(f *callFrame) (first, n int) {
	t := th.transfer
	if !t.set || t.n == 0 || t.fi >= len(th.frames) || &th.frames[t.fi] != f {
		return 0, 0
	}
	return t.first - f.fn, t.n
}

func (th *Thread) runHook(event string, arg Value) error {
	h := th.hook
	if h.fn.IsNil() {
		return nil // inherited by a coroutine: see inheritHook
	}
	th.inHook = true
	fi := len(th.frames) - 1
	if fi >= 0 {
		th.frames[fi].status |= frameInHook
	}
	defer func() {
		th.inHook = false
		if fi >= 0 && fi < len(th.frames) {
			th.frames[fi].status &^= frameInHook
		}
	}()
	top := th.top
	if hw := th.highWater(); hw > top {
		th.top = hw
	}
	// The hook always gets two arguments, the line being nil but for
	// line events with line information (as the reference's hookf).
	_, err := th.Call(h.fn, String(event), arg)
	th.top = top
	return err
}

// SetHook installs a debug hook on the main thread of s (coroutines it
// creates afterwards inherit it): fn is called with the event name; mask
// holds 'c', 'r' and 'l'; count > 0 adds count events. A nil fn removes
// the hook.
func (s *State) SetHook(fn Value, mask string, count int) { s.main.SetHook(fn, mask, count) }

// Hook returns the hook of the main thread of s: function, mask and count.
func (s *State) Hook() (fn Value, mask string, count int) { return s.main.Hook() }

// SetHook installs a debug hook on thread th (debug.sethook): see
// State.SetHook.
func (th *Thread) SetHook(fn Value, mask string, count int) {
	if fn.IsNil() || (mask == "" && count <= 0) {
		th.hook = nil
		th.hookMask = 0
		return
	}
	h := &hookState{fn: fn, count: count, left: count}
	for _, c := range mask {
		switch c {
		case 'c':
			h.mask |= hookCall
		case 'r':
			h.mask |= hookReturn
		case 'l':
			h.mask |= hookLine
		}
	}
	if count > 0 {
		h.mask |= hookCount
	}
	th.hook = h
	th.hookMask = h.mask
}

// Hook returns the hook installed on th: function, mask and count.
func (th *Thread) Hook() (fn Value, mask string, count int) {
	h := th.hook
	if h == nil {
		return Nil, "", 0
	}
	if h.mask&hookCall != 0 {
		mask += "c"
	}
	if h.mask&hookReturn != 0 {
		mask += "r"
	}
	if h.mask&hookLine != 0 {
		mask += "l"
	}
	return h.fn, mask, h.count
}

// inheritHook gives a new coroutine the hook mask and count of the thread
// creating it, as lua_newthread does, but not its function: the
// reference's debug library keeps hook functions per thread, so the
// inherited hook finds none and does nothing, and debug.gethook on the
// coroutine returns nil with the mask and count.
func (co *Thread) inheritHook(from *Thread) {
	if h := from.hook; h != nil {
		c := hookState{mask: h.mask, count: h.count, left: h.count}
		co.hook, co.hookMask = &c, from.hookMask
	}
}
