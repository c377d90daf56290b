package lunar

// Coroutines (§2.6, §6.2). Each coroutine is a Thread whose code runs on
// a goroutine of its own while it lives, driven through iter.Pull: resume
// and yield are the runtime's direct goroutine switch (no scheduler round
// trip, no channels), so exactly one of the two goroutines runs at any
// time. This lets a coroutine yield from anywhere Lua 5.4 allows (across
// pcall, metamethods, iterators) without continuations; Go functions that
// call back into Lua mark their region non-yieldable, as C functions are
// in the reference.
//
// The goroutines are workers that a state keeps for reuse: when a
// coroutine's body ends, its worker waits for the next coroutine instead
// of exiting, so that the many short-lived coroutines of generators cost
// no goroutine start each.

import (
	"iter"
	"runtime"
)

type coStatus uint8

const (
	coSuspended coStatus = iota
	coRunning
	coNormal
	coDead
)

var coStatusNames = [...]string{"suspended", "running", "normal", "dead"}

type transfer struct {
	vals []Value
	err  error
	done bool // the coroutine finished (normally or with err)
}

type coroutine struct {
	th      *Thread
	fn      Value
	status  coStatus
	started bool
	// w is the worker whose goroutine runs the body, from the first
	// resume until the body ends.
	w *coWorker
	// xfer carries the values (or the error) of the current switch, in
	// whichever direction it goes.
	xfer    transfer
	closing bool
	// closerGo is the Go-call depth of the thread closing the suspended
	// coroutine: its closing methods run that deep, as the reference's
	// lua_closethread starts the closed thread at its closer's count.
	closerGo int
	// pendingGo counts the Go calls a suspended coroutine yielded inside
	// (pcall, metamethods): its Go-call depth above its body's level.
	pendingGo int
	// finished is set once the coroutine's goroutine has exited.
	finished bool
}

// errCloseCoroutine unwinds a suspended coroutine that is being closed; it
// cannot be caught by pcall.
type closeCoroutineError struct{}

func (closeCoroutineError) Error() string { return "coroutine closed" }
func (closeCoroutineError) uncatchable()  {}

// killCoroutineError ends a suspended coroutine's goroutine when its state
// is closed; unlike coroutine.close it runs no closing methods.
type killCoroutineError struct{}

func (killCoroutineError) Error() string { return "state closed" }
func (killCoroutineError) uncatchable()  {}

// killCoroutines ends the goroutines of all suspended coroutines of s.
func (s *State) killCoroutines() {
	for _, co := range s.coroutines {
		c := co.co
		if c.status == coSuspended && c.started && !c.finished {
			c.status = coDead
			c.switchTo(transfer{err: killCoroutineError{}})
		}
	}
	s.coroutines = nil
}

// NewCoroutine creates a coroutine running fn (coroutine.create).
func (th *Thread) NewCoroutine(fn Value) *Thread {
	co := newThread(th.state)
	co.co = &coroutine{th: co, fn: fn}
	co.inheritHook(th)
	th.state.ctl.allocated += threadSize
	s := th.state
	if len(s.coroutines) >= 64 && len(s.coroutines) >= 2*s.liveCoroutinesAtCompact {
		live := s.coroutines[:0]
		for _, c := range s.coroutines {
			if !c.co.finished && c.co.status != coDead {
				live = append(live, c)
			}
		}
		clear(s.coroutines[len(live):])
		s.coroutines = live
		s.liveCoroutinesAtCompact = len(live)
	}
	s.coroutines = append(s.coroutines, co)
	return co
}

// IsCoroutine reports whether th is a coroutine (not a main thread).
func (th *Thread) IsCoroutine() bool { return th.co != nil }

// statusFrom returns the coroutine status of th as coroutine.status names
// it, seen from the running thread cur.
func (th *Thread) statusFrom(cur *Thread) string {
	if th == cur {
		return "running"
	}
	if th.co == nil {
		return "normal"
	}
	return coStatusNames[th.co.status]
}

// Resume resumes coroutine co from thread th with args (coroutine.resume).
// It returns the values passed to yield or returned by the body; err is
// the error that ended the coroutine.
func (th *Thread) Resume(co *Thread, args []Value) ([]Value, error) {
	c := co.co
	if c == nil {
		return nil, NewError(String("cannot resume non-suspended coroutine"))
	}
	switch c.status {
	case coDead:
		return nil, NewError(String("cannot resume dead coroutine"))
	case coRunning, coNormal:
		return nil, NewError(String("cannot resume non-suspended coroutine"))
	}
	if th.nGo >= maxGoCalls {
		return nil, NewError(String("C stack overflow"))
	}
	// The coroutine runs one level deeper than its resumer, as in the
	// reference's lua_resume: the body's first call counts that level;
	// a suspended body goes on at it, with the Go calls it yielded
	// inside on top.
	if c.started {
		co.nGo = th.nGo + 1 + c.pendingGo
	} else {
		co.nGo = th.nGo
	}
	bodyGo := th.nGo + 1
	c.status = coRunning
	if th.co != nil {
		th.co.status = coNormal
	}
	if !c.started {
		c.started = true
		c.w = th.state.worker()
		c.w.co = c
	}
	// args may be a view of this thread's stack: the coroutine copies it
	// before it hands control back, and this goroutine does nothing until
	// then.
	s := th.state
	resumer := s.running
	s.running = co
	tr := c.switchTo(transfer{vals: args})
	s.running = resumer
	if th.co != nil {
		th.co.status = coRunning
	}
	if tr.done {
		c.status = coDead
		return tr.vals, tr.err
	}
	c.status = coSuspended
	c.pendingGo = co.nGo - bodyGo
	return tr.vals, nil
}

// switchTo runs the coroutine until it yields or ends, handing it tr; it
// returns what the coroutine handed back.
func (c *coroutine) switchTo(tr transfer) transfer {
	c.xfer = tr
	c.w.next()
	tr, c.xfer = c.xfer, transfer{}
	return tr
}

// A coWorker is a goroutine that runs coroutine bodies, one after the
// other, driven by iter.Pull.
type coWorker struct {
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool
	pool  *coWorkerPool
	co    *coroutine // the coroutine it runs; nil while idle
}

// coWorkerPool holds a state's idle workers. It refers to nothing of the
// state, so that a state dropped without Close can still be collected;
// a cleanup then ends the idle workers.
type coWorkerPool struct {
	idle []*coWorker
}

// maxIdleWorkers bounds the idle workers a state keeps (each holds a
// goroutine and its stack, 8 KB or more).
const maxIdleWorkers = 8

// worker returns an idle worker of s, or a new one.
func (s *State) worker() *coWorker {
	p := s.coWorkers
	if p == nil {
		p = &coWorkerPool{}
		s.coWorkers = p
		runtime.AddCleanup(s, (*coWorkerPool).stopIdle, p)
	}
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		return w
	}
	w := &coWorker{pool: p}
	w.next, w.stop = iter.Pull(w.loop)
	return w
}

// stopIdle ends the goroutines of the idle workers.
func (p *coWorkerPool) stopIdle() {
	idle := p.idle
	p.idle = nil
	for _, w := range idle {
		w.stop()
	}
}

// loop is the body of a worker's goroutine: it runs the body of the
// coroutine it is given, then parks as idle until it is given another
// (or leaves when the pool is full or the worker is stopped).
func (w *coWorker) loop(yield func(struct{}) bool) {
	w.yield = yield
	for {
		w.co.run()
		w.co.w, w.co = nil, nil
		if len(w.pool.idle) >= maxIdleWorkers {
			return
		}
		w.pool.idle = append(w.pool.idle, w)
		if !yield(struct{}{}) {
			return
		}
	}
}

// run runs the coroutine's body on its worker's goroutine; c.xfer holds
// what the body ended with when it returns.
func (c *coroutine) run() {
	first := c.xfer
	th := c.th
	var tr transfer
	if first.err != nil {
		// Closed before it ever ran.
		c.finished = true
		c.xfer = transfer{done: true}
		return
	}
	th.takeSpare()
	base := th.top
	err := th.ensureStack(1 + len(first.vals) + regWindow)
	if err == nil {
		th.stack[base] = c.fn
		th.top = base + 1 + copy(th.stack[base+1:], first.vals)
		err = th.call(base, -1)
	}
	if err != nil {
		if _, killed := err.(killCoroutineError); killed {
			tr = transfer{done: true}
		} else if _, closing := err.(closeCoroutineError); closing {
			th.nGo = c.closerGo
			ev := th.unwindTBC(0, 0, Nil)
			if !ev.IsNil() {
				tr = transfer{done: true, err: NewError(ev)}
			} else {
				tr = transfer{done: true}
			}
		} else {
			tr = transfer{done: true, err: err}
		}
	} else {
		res := make([]Value, th.top-base)
		copy(res, th.stack[base:th.top])
		th.top = base
		tr = transfer{done: true, vals: res}
		// A coroutine that returned has no frames left to inspect (one
		// that failed keeps its stack for debug.traceback).
		th.frames = th.frames[:0]
		th.releaseStack()
	}
	c.finished = true
	c.xfer = tr
}

// Yield suspends the running coroutine, handing vals to its resumer; it
// returns the values of the next resume.
func (th *Thread) Yield(vals []Value) ([]Value, error) {
	c := th.co
	if c == nil {
		return nil, NewError(String("attempt to yield from outside a coroutine"))
	}
	if th.nny > 0 {
		return nil, NewError(String("attempt to yield across a C-call boundary"))
	}
	// vals is a view of this coroutine's stack, which stays untouched
	// until the resumer, who copies the values first, resumes it.
	c.xfer = transfer{vals: vals}
	if !c.w.yield(struct{}{}) {
		// The pull was stopped; nothing does that today, but unwinding is
		// the only safe answer.
		return nil, killCoroutineError{}
	}
	tr := c.xfer
	c.xfer = transfer{}
	if tr.err != nil {
		return nil, tr.err
	}
	return tr.vals, nil
}

// closeCoroutine closes a suspended or dead coroutine (coroutine.close):
// pending to-be-closed variables are closed; the error of a failed
// coroutine or of a closing method is returned.
func (th *Thread) closeCoroutine(co *Thread) (Value, bool) {
	c := co.co
	switch c.status {
	case coDead:
		if c.closing {
			return Nil, true
		}
		c.closing = true
		if ev, ok := co.deadError(); ok {
			// Close what the failed body left pending, with its error; this
			// runs on the caller's goroutine (the coroutine's has ended).
			co.nGo = th.nGo + 1
			ev = co.unwindTBC(0, 0, ev)
			return ev, false
		}
		return Nil, true
	case coSuspended:
		c.status = coDead
		c.closing = true
		if !c.started {
			return Nil, true
		}
		c.closerGo = th.nGo
		s := th.state
		closer := s.running
		s.running = co // its closing methods run on it
		tr := c.switchTo(transfer{err: closeCoroutineError{}})
		s.running = closer
		if tr.err != nil {
			co.lastErr = errorValue(tr.err)
			return errorValue(tr.err), false
		}
		return Nil, true
	}
	return Nil, true
}

// deadError returns the error that killed the coroutine, if any.
func (th *Thread) deadError() (Value, bool) {
	if th.hasErr {
		return th.lastErr, true
	}
	return Nil, false
}

func openCoroutine(s *State) {
	co := NewTable(0, 8)
	reg := func(name string, fn GoFunction, yieldable bool) {
		v := NewFunction("coroutine."+name, fn)
		v.asGoFunction().yieldable = yieldable
		co.SetStr(name, v)
	}
	reg("create", coCreate, false)
	reg("resume", coResume, false)
	reg("yield", coYield, true)
	reg("status", coStatusFn, false)
	reg("wrap", coWrap, false)
	reg("isyieldable", coIsYieldable, true)
	reg("running", coRunningFn, true)
	reg("close", coClose, false)
	s.globals.SetStr("coroutine", TableValue(co))
	s.Loaded().SetStr("coroutine", TableValue(co))
}

func coCreate(t *Thread, args []Value) (int, error) {
	fn, err := t.CheckFunction(args, 1)
	if err != nil {
		return 0, err
	}
	t.Push(ThreadValue(t.NewCoroutine(fn)))
	return 1, nil
}

func checkCoroutine(t *Thread, args []Value, n int) (*Thread, error) {
	co := Arg(args, n).AsThread()
	if co == nil {
		return nil, t.TypeError(args, n, "thread")
	}
	return co, nil
}

func coResume(t *Thread, args []Value) (int, error) {
	co, err := checkCoroutine(t, args, 1)
	if err != nil {
		return 0, err
	}
	if co == t || co.co == nil {
		t.Push(False)
		t.Push(String("cannot resume non-suspended coroutine"))
		return 2, nil
	}
	// A refusal to resume (a dead or running coroutine) leaves the error
	// that ended the coroutine as it was: coroutine.close returns that one.
	ran := co.co.status == coSuspended
	vals, err := t.Resume(co, args[1:])
	if err != nil {
		if isUncatchable(err) {
			return 0, err
		}
		ev := errorValue(err)
		if ran {
			co.hasErr, co.lastErr = true, ev
		}
		t.Push(False)
		t.Push(ev)
		return 2, nil
	}
	if err := t.ensureStack(len(vals) + 1); err != nil {
		return 0, err
	}
	t.Push(True)
	for _, v := range vals {
		t.Push(v)
	}
	return len(vals) + 1, nil
}

func coYield(t *Thread, args []Value) (int, error) {
	vals, err := t.Yield(args)
	if err != nil {
		return 0, err
	}
	if err := t.ensureStack(len(vals)); err != nil {
		return 0, err
	}
	for _, v := range vals {
		t.Push(v)
	}
	return len(vals), nil
}

func coStatusFn(t *Thread, args []Value) (int, error) {
	co, err := checkCoroutine(t, args, 1)
	if err != nil {
		return 0, err
	}
	t.Push(String(co.statusFrom(t)))
	return 1, nil
}

func coRunningFn(t *Thread, args []Value) (int, error) {
	t.Push(ThreadValue(t))
	t.Push(Bool(t.co == nil))
	return 2, nil
}

func coIsYieldable(t *Thread, args []Value) (int, error) {
	th := t
	if len(args) > 0 {
		co, err := checkCoroutine(t, args, 1)
		if err != nil {
			return 0, err
		}
		th = co
	}
	t.Push(Bool(th.co != nil && th.nny == 0))
	return 1, nil
}

func coWrap(t *Thread, args []Value) (int, error) {
	fn, err := t.CheckFunction(args, 1)
	if err != nil {
		return 0, err
	}
	co := t.NewCoroutine(fn)
	t.Push(NewFunction("", func(t *Thread, args []Value) (int, error) {
		ran := co.co.status == coSuspended
		vals, err := t.Resume(co, args)
		if err != nil {
			if isUncatchable(err) {
				return 0, err
			}
			ev := errorValue(err)
			if ran {
				co.hasErr, co.lastErr = true, ev
			}
			if co.co.status == coDead && co.co.started {
				if cev, ok := t.closeCoroutine(co); !ok {
					ev = cev
				}
			}
			if ev.IsString() {
				ev = String(t.where(1) + ev.AsString())
			}
			return 0, NewError(ev)
		}
		if err := t.ensureStack(len(vals)); err != nil {
			return 0, err
		}
		for _, v := range vals {
			t.Push(v)
		}
		return len(vals), nil
	}))
	return 1, nil
}

func coClose(t *Thread, args []Value) (int, error) {
	co, err := checkCoroutine(t, args, 1)
	if err != nil {
		return 0, err
	}
	if co.co == nil || co == t {
		if co == t {
			return 0, t.Errorf("cannot close a running coroutine")
		}
		return 0, t.Errorf("cannot close a normal coroutine")
	}
	switch co.co.status {
	case coRunning:
		return 0, t.Errorf("cannot close a running coroutine")
	case coNormal:
		return 0, t.Errorf("cannot close a normal coroutine")
	}
	ev, ok := t.closeCoroutine(co)
	if ok {
		t.Push(True)
		return 1, nil
	}
	t.Push(False)
	t.Push(ev)
	return 2, nil
}
