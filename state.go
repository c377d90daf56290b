package lunar

import (
	"context"
	"io"
	"os"
	"strings"
	"weak"

	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/compile"
	"github.com/lunar-lua/lunar/syntax"
)

// State is an independent Lua world: globals, registry, metatables of the
// basic types and a main thread. A State runs on one goroutine at a time;
// any number of States may share the same Programs.
type State struct {
	main     *Thread
	globals  *Table
	registry *Table
	typeMeta [9]*Table
	// libs is the template the state copies (WithLibraries); opts are the
	// options it was made with, applied again by Reset.
	libs     *Libraries
	opts     []Option
	setups   []func(*State)
	stdout   io.Writer
	stderr   io.Writer
	warnOn   bool
	warnCont bool
	// gcStopped and gcGenerational record collectgarbage's settings.
	gcStopped      bool
	gcGenerational bool
	// gcPause and gcStepMul hold the incremental collector's parameters,
	// which only collectgarbage reads back.
	gcPause, gcStepMul gcParam
	// watchGC is set once the state has objects with __gc: from then on
	// the VM clears dead registers where the reference's collector would
	// take them as dead, so that Go's collector finds the same garbage.
	watchGC bool
	// finalizerSeq numbers the objects marked for finalization, so that
	// their __gc run newest first.
	finalizerSeq uint64
	// inFinalizer counts the __gc metamethods running: collectgarbage
	// fails inside them, as the reference's lua_gc does while the
	// collector runs finalizers.
	inFinalizer int

	ctl                  runControl
	finalizers           finalizerQueue
	finalizable          []finalizable
	finalizableAtCompact int
	// traceHandler and lastTrace capture the traceback of errors that
	// reach State.Call.
	traceHandler Value
	lastTrace    []StackFrame
	weakTables   []weak.Pointer[Table]
	// running is the coroutine running now, nil when the main thread
	// runs (or nothing does): Go callbacks made from Lua functions call
	// them on it.
	running *Thread
	// coroutines lists the coroutines created, so that Close can end the
	// goroutines of those left suspended.
	coroutines              []*Thread
	liveCoroutinesAtCompact int
	// spareStacks holds the stacks of coroutines that returned, for the
	// next coroutines to start on: programs that make many short-lived
	// coroutines (generators) would otherwise allocate a fresh register
	// window for each.
	spareStacks []spareStack
	// coWorkers holds the goroutines kept to run coroutines.
	coWorkers *coWorkerPool
	// data holds libraries' per-state data (Data, SetData).
	data []any
	// undump loads a binary chunk; set by the library that implements
	// string.dump.
	undump func(th *Thread, src []byte, chunkname string) (Value, error)
}

// SetUndump installs the loader of binary chunks used by load.
func (s *State) SetUndump(f func(th *Thread, src []byte, chunkname string) (Value, error)) {
	s.undump = f
}

// Option configures a State.
type Option func(*State)

// WithStdout sends print and io.write output to w (default os.Stdout).
func WithStdout(w io.Writer) Option { return func(s *State) { s.stdout = w } }

// WithStderr sends warnings and io.stderr output to w (default os.Stderr).
func WithStderr(w io.Writer) Option { return func(s *State) { s.stderr = w } }

// WithGenerationalGC starts the state with collectgarbage reporting the
// generational mode, as the standalone lua does (its main switches to
// that mode). Go's collector does the work whatever the mode; the mode
// only changes what collectgarbage answers.
func WithGenerationalGC() Option { return func(s *State) { s.gcGenerational = true } }

// NewState returns a State with the base library (§6.1) and the coroutine
// library (§6.2) open. Other libraries are opened by package stdlib, best
// through WithLibraries (stdlib.All, stdlib.Safe), which makes a state a
// cheap copy of a template instead of opening them again.
func NewState(opts ...Option) *State { return newState(opts) }

func newState(opts []Option) *State {
	s := &State{stdout: os.Stdout, stderr: os.Stderr, gcPause: defaultGCPause, gcStepMul: defaultGCStepMul}
	for _, o := range opts {
		o(s)
	}
	s.opts = opts
	s.main = newThread(s)
	s.traceHandler = newTraceHandler(s)
	s.open()
	return s
}

// WithSetup runs setup on the state once its libraries are open (and
// again after each Reset): the place to register Go functions and set
// globals that every run should see.
func WithSetup(setup func(*State)) Option {
	return func(s *State) { s.setups = append(s.setups, setup) }
}

// open fills a fresh state with a copy of its libraries' template (the
// base and coroutine libraries when none were chosen).
func (s *State) open() {
	libs := s.libs
	if libs == nil {
		libs = baseLibraries
	}
	s.cloneFrom(libs.template())
	for _, setup := range s.setups {
		setup(s)
	}
}

// openBare builds a state's tables and opens the base and coroutine
// libraries in it: what a template starts from.
func (s *State) openBare() {
	s.globals = NewTable(0, 64)
	s.registry = NewTable(4, 8)
	s.registry.SetInt(1, ThreadValue(s.main))
	s.registry.SetInt(2, TableValue(s.globals))
	s.registry.SetStr("_LOADED", TableValue(NewTable(0, 16)))
	openBase(s)
	openCoroutine(s)
}

// Reset returns the state to what NewState made: every change a script
// made (globals, library tables, metatables) is gone. Suspended coroutines
// end and pending __gc metamethods run now, so none of them can run during
// a later, unrelated run. Resetting a state made with WithLibraries is as
// cheap as making one.
func (s *State) Reset() {
	s.killCoroutines()
	s.finalizeBounded()
	s.main.reset()
	s.running = nil
	// Every finalizer has run; the stacks kept for coroutines must not
	// hold the last run's values.
	s.watchGC = false
	for _, sp := range s.spareStacks {
		clear(sp.stack)
	}
	s.typeMeta = [9]*Table{}
	s.weakTables = nil
	s.warnOn, s.warnCont = false, false
	s.gcStopped, s.gcGenerational = false, false
	s.gcPause, s.gcStepMul = defaultGCPause, defaultGCStepMul
	s.ctl.limits = Limits{}
	s.setups = nil
	for _, o := range s.opts {
		o(s)
	}
	s.open()
}

// MainThread returns the state's main thread.
func (s *State) MainThread() *Thread { return s.main }

// Globals returns the global table.
func (s *State) Globals() *Table { return s.globals }

// Registry returns the registry table (§4.3 of the reference manual's C
// API, here for Go libraries).
func (s *State) Registry() *Table { return s.registry }

// Loaded returns package.loaded (the registry's _LOADED table).
func (s *State) Loaded() *Table { return s.registry.GetStr("_LOADED").AsTable() }

// SetGlobal sets a global variable.
func (s *State) SetGlobal(name string, v Value) { s.globals.SetStr(name, v) }

// GetGlobal returns a global variable (raw access).
func (s *State) GetGlobal(name string) Value { return s.globals.GetStr(name) }

// Register sets global name to the Go function fn.
func (s *State) Register(name string, fn GoFunction) { s.SetGlobal(name, NewFunction(name, fn)) }

// Stdout returns the writer print uses.
func (s *State) Stdout() io.Writer { return s.stdout }

// Stderr returns the writer warnings use.
func (s *State) Stderr() io.Writer { return s.stderr }

// SetTypeMetatable sets the metatable shared by all values of a basic type
// that has no individual metatables (strings, numbers, ...).
func (s *State) SetTypeMetatable(t Type, mt *Table) {
	if t >= 0 && int(t) < len(s.typeMeta) {
		s.typeMeta[t] = mt
	}
}

// NewMetatable returns the metatable registered under name in the registry,
// creating it (with __name set) if needed; created reports a new one.
func (s *State) NewMetatable(name string) (mt *Table, created bool) {
	if t := s.registry.GetStr(name).AsTable(); t != nil {
		return t, false
	}
	mt = NewTable(0, 4)
	mt.SetStr("__name", String(name))
	s.registry.SetStr(name, TableValue(mt))
	return mt, true
}

// SyntaxError is one syntax error of a chunk: its Chunk name, its Pos
// (Line and Col, both from 1) and its Msg. Compile returns them in a
// syntax.ErrorList.
type SyntaxError = syntax.Error

// Program is a compiled chunk: immutable, safe to share between goroutines
// and States.
type Program struct {
	proto *funcProto
}

// Name returns the chunk name the program was compiled with.
func (p *Program) Name() string { return p.proto.Source }

// Compile parses and compiles a chunk. name is the chunk name in the
// reference's convention: "@file.lua" for a file, "=name" for a name shown
// as it is; any other name is shown as a file name (an "@" is added).
// Syntax errors are returned as a syntax.ErrorList; errors.As finds the
// *SyntaxError in it, with the chunk, line, column and message.
func Compile(name string, src []byte) (*Program, error) {
	if !strings.HasPrefix(name, "@") && !strings.HasPrefix(name, "=") {
		name = "@" + name
	}
	return compileChunk(name, src, syntax.SkipShebang)
}

// compileChunk compiles source text; load() passes mode 0, since it must
// see the text as it is (a first '#' line is a syntax error there).
func compileChunk(chunkname string, src []byte, mode syntax.Mode) (*Program, error) {
	chunk, err := syntax.ParseMode(chunkname, src, mode)
	if err != nil {
		return nil, err
	}
	proto, err := compile.Compile(chunk)
	if err != nil {
		return nil, err
	}
	return &Program{proto: newFuncProto(proto)}, nil
}

// closure makes the main function of p with env as its _ENV.
func (p *Program) closure(env Value) *luaClosure {
	cl := &luaClosure{proto: p.proto, upvals: make([]*upvalue, len(p.proto.Upvalues))}
	for i := range cl.upvals {
		uv := &upvalue{}
		uv.p = &uv.closed
		cl.upvals[i] = uv
	}
	if len(cl.upvals) > 0 {
		cl.upvals[0].closed = env
	}
	return cl
}

// Function returns the program's main function bound to the state's
// globals, as load would return it.
func (s *State) Function(p *Program) Value {
	return p.closure(TableValue(s.globals)).value()
}

// Run runs a program's main chunk with args as its '...' and returns its
// results. A Lua error is returned as an *Error with a traceback.
func (s *State) Run(ctx context.Context, p *Program, args ...Value) ([]Value, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Call(ctx, s.Function(p), args...)
}

// Call calls a Lua value (usually a function) from Go, protected: a Lua
// error is returned as an *Error with a traceback.
func (s *State) Call(ctx context.Context, fn Value, args ...Value) (res []Value, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	th := s.main
	base := th.top
	if err := th.pushCall(fn, args); err != nil {
		return nil, err
	}
	// The host's call counts as one Go level, as the reference's
	// standalone interpreter runs scripts under one C call.
	th.nGo++
	defer func() { th.nGo-- }()
	nframes, ntbc := len(th.frames), len(th.tbc)
	if th.nGo == 1 {
		stop := s.beginRun(ctx)
		defer stop()
		defer func() {
			if p := recover(); p != nil {
				err = s.recoverEscaped(p, base, nframes, ntbc)
			}
		}()
	}
	// The host's own frame sits below the call, as the C function of the
	// reference's standalone interpreter does: tracebacks end with
	// "[C]: in ?".
	th.frames = append(th.frames, callFrame{gf: hostFunction, fn: base, ret: base, base: base, nresults: -1})
	err = th.protectedCall(base, -1, s.traceHandler)
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Traceback, s.lastTrace = s.lastTrace, nil
		}
		// Drop whatever an uncatchable error left behind.
		th.closeUpvals(base)
		th.tbc = th.tbc[:ntbc]
		th.frames = th.frames[:nframes]
		th.top = base
		return nil, err
	}
	th.frames = th.frames[:nframes]
	res = make([]Value, th.top-base)
	copy(res, th.stack[base:th.top])
	th.top = base
	return res, nil
}

// recoverEscaped handles a panic that reached the top of a run: a Go
// callback made from a Lua function (State.FromValue) that has no error
// result panics with its Lua error, which a Go function that is not made
// by WrapFunc may let through. The run ends with that error and the main
// thread is brought back to where the run started; coroutines the panic
// went through are dead. Any other panic goes on.
func (s *State) recoverEscaped(p any, base, nframes, ntbc int) error {
	err := callbackPanic(p)
	th := s.main
	th.closeUpvals(base)
	th.tbc = th.tbc[:ntbc]
	th.frames = th.frames[:nframes]
	th.top = base
	th.nGo, th.nny = 1, 0
	s.running = nil
	for _, co := range s.coroutines {
		if c := co.co; c.status == coRunning || c.status == coNormal {
			c.status, c.finished = coDead, true
		}
	}
	return err
}

// finalizerBudget bounds the instructions Reset lets pending __gc
// metamethods run.
const finalizerBudget = 10_000_000

// hostFunction marks the frame of the Go host below a State.Call.
var hostFunction = &goFunction{}

// newTraceHandler makes the message handler State.Call runs at the point
// of an error: it records the traceback for the *Error returned.
func newTraceHandler(s *State) Value {
	return NewFunction("", func(t *Thread, a []Value) (int, error) {
		s.lastTrace = t.stackTrace(1)
		t.Push(Arg(a, 1))
		return 1, nil
	})
}

// DoString compiles and runs source text, as a convenience for tests and
// examples; chunkname follows Compile's convention.
func (s *State) DoString(chunkname, src string) ([]Value, error) {
	p, err := Compile(chunkname, []byte(src))
	if err != nil {
		return nil, err
	}
	return s.Run(context.Background(), p)
}

// Proto returns the compiled prototype of the program's main function, for
// tools such as the disassembler. It must not be modified.
func (p *Program) Proto() *bytecode.Proto { return p.proto.Proto }

// Close releases the state: the goroutines of suspended coroutines end,
// and pending __gc metamethods run. The state must not be used afterwards.
func (s *State) Close() {
	s.killCoroutines()
	s.finalizeBounded()
	if s.coWorkers != nil {
		s.coWorkers.stopIdle()
	}
}

// finalizeBounded runs every pending __gc metamethod under a work limit,
// so that a hostile one cannot hang the host's Close or Reset (or a
// Pool's Put).
func (s *State) finalizeBounded() {
	saved := s.ctl.limits
	stop := s.beginRun(context.Background())
	if s.ctl.limits.Instructions == 0 || s.ctl.limits.Instructions > finalizerBudget {
		s.ctl.limits.Instructions = finalizerBudget
	}
	s.finalizeAll()
	stop()
	s.ctl.limits = saved
}

// SetWarnings turns the warning system (warn, §6.1) on or off, as the
// "@on"/"@off" control messages and the -W option do.
func (s *State) SetWarnings(on bool) { s.warnOn = on }
