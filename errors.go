package lunar

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

	bc "github.com/lunar-lua/lunar/bytecode"
)

// Error is a Lua error travelling through Go: the error value raised by
// error() or by the runtime, and the traceback captured where it was
// raised (when the host asked for one).
type Error struct {
	// Value is the Lua error object (usually a string with a position
	// prefix).
	Value Value
	// Traceback is the stack at the point of the error, innermost first,
	// when one was captured.
	Traceback []StackFrame
	// Cause is the Go error a Go function returned, when the Lua error
	// came from one (nil otherwise); errors.Is and errors.As see it.
	Cause error
}

// Unwrap returns the Go error behind the Lua error, if any.
func (e *Error) Unwrap() error { return e.Cause }

// StackFrame describes one function activation in a traceback.
type StackFrame struct {
	Source   string // chunk name as shown in messages ("input", "x.lua")
	Line     int    // current line, or -1 for Go functions
	Function string // description: "function 'f'", "main chunk", ...
}

// Error returns the error message: the error value if it is a string or a
// number, else a description of its type.
func (e *Error) Error() string {
	if s, ok := e.Value.ToString(); ok {
		return s
	}
	if e.Value.IsNil() {
		return "nil"
	}
	return fmt.Sprintf("(error object is a %s value)", e.Value.TypeName())
}

// TracebackString formats the traceback as the reference's
// debug.traceback does, without the message line.
func (e *Error) TracebackString() string {
	var sb strings.Builder
	sb.WriteString("stack traceback:")
	for _, f := range e.Traceback {
		sb.WriteString("\n\t")
		sb.WriteString(f.String())
	}
	return sb.String()
}

// String formats a frame as a traceback line.
func (f StackFrame) String() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d: in %s", f.Source, f.Line, f.Function)
	}
	return fmt.Sprintf("%s: in %s", f.Source, f.Function)
}

// errorValue returns the Lua value carried by any Go error.
func errorValue(err error) Value {
	if e, ok := err.(*Error); ok {
		return e.Value
	}
	if e, ok := err.(interface{ LuaValue() Value }); ok {
		return e.LuaValue()
	}
	return String(err.Error())
}

// where returns the "chunk:line:" prefix for the function at level (0 =
// running function), or "" when that is not a Lua function.
func (th *Thread) where(level int) string {
	f := th.frameAt(level)
	if f == nil || f.cl == nil {
		return ""
	}
	line := f.currentLine()
	if line <= 0 {
		return "" // no line information (a stripped chunk)
	}
	return fmt.Sprintf("%s:%d: ", chunkID(f.cl.proto.Source), line)
}

// runtimeError makes an error raised by the VM: the message gets the
// position of the running Lua function (as the reference's luaG_runerror
// adds it: "?:-1:" in a function stripped of its debug information).
func (th *Thread) runtimeError(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if f := th.frameAt(0); f != nil && f.cl != nil {
		return &Error{Value: String(fmt.Sprintf("%s:%d: %s", chunkID(f.cl.proto.Source), f.currentLine(), msg))}
	}
	return &Error{Value: String(msg)}
}

// Errorf makes a Lua error from a Go function, with the position of the
// Lua code that called it (as the reference's luaL_error).
func (th *Thread) Errorf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Value: String(th.where(1) + msg)}
}

// NewError makes an error carrying v unchanged (as error(v, 0)).
func NewError(v Value) error { return &Error{Value: v} }

// ---------------------------------------------------------------------------
// Naming values in error messages (the reference's varinfo / getobjname).

// varInfo describes register reg of the running Lua frame, e.g.
// " (local 'x')", or "" when nothing is known.
func (th *Thread) varInfo(reg int) string {
	f := th.frameAt(0)
	if f == nil || f.cl == nil || reg < 0 {
		return ""
	}
	kind, name := getObjName(f.cl.proto, f.pc-1, reg)
	if kind == "" {
		return ""
	}
	return fmt.Sprintf(" (%s '%s')", kind, name)
}

// typeErrorReg raises "attempt to <op> a <type> value (<varinfo>)" for
// the value in register reg of the running frame.
func (th *Thread) typeErrorReg(v Value, reg int, op string) error {
	return th.runtimeError("attempt to %s a %s value%s", op, th.typeNameMeta(v), th.varInfo(reg))
}

// typeErrorStack is typeErrorReg for a value given by its stack index.
func (th *Thread) typeErrorStack(v Value, idx int, op string) error {
	reg := -1
	if f := th.frameAt(0); f != nil && f.cl != nil && idx >= f.base && idx < f.top {
		reg = idx - f.base
	}
	return th.typeErrorReg(v, reg, op)
}

// indexError raises the error for indexing a non-table without __index.
// Like the reference's varinfo, it names the value only when it is the
// running instruction's own operand: a register or an upvalue.
func (th *Thread) indexError(obj, key Value) error {
	f := th.frameAt(0)
	if f != nil && f.cl != nil {
		p := f.cl.proto
		pc := f.pc - 1
		if pc >= 0 && pc < len(p.Code) {
			i := p.Code[pc]
			reg := -1
			switch i.Op() {
			case bc.OpGetTable, bc.OpGetI, bc.OpGetField, bc.OpSelf:
				reg = i.B()
			case bc.OpSetTable, bc.OpSetI, bc.OpSetField:
				reg = i.A()
			case bc.OpGetTabUp, bc.OpSetTabUp:
				up := i.B()
				if i.Op() == bc.OpSetTabUp {
					up = i.A()
				}
				if up < len(f.cl.upvals) && sameValue(f.cl.upvals[up].get(), obj) {
					return th.runtimeError("attempt to index a %s value (upvalue '%s')",
						th.typeNameMeta(obj), upvalName(p, up))
				}
			}
			if reg >= 0 && sameValue(th.stack[f.base+reg], obj) {
				return th.typeErrorReg(obj, reg, "index")
			}
		}
	}
	return th.runtimeError("attempt to index a %s value", th.typeNameMeta(obj))
}

// sameValue reports whether a and b are the same value, standing in for
// the reference's check that the bad value is the operand's own slot:
// unlike RawEqual it holds for a NaN and itself.
func sameValue(a, b Value) bool { return keyEq(a, b) }

// callError raises "attempt to call a X value (...)" for the value at
// stack index fn, naming it from how the running instruction calls it (as
// the reference's luaG_callerror).
func (th *Thread) callError(fn int, v Value) error {
	f := th.frameAt(0)
	if f != nil && f.cl != nil {
		if kind, name := funcNameFromCode(f.cl.proto, f.pc-1); kind != "" {
			return th.runtimeError("attempt to call a %s value (%s '%s')", th.typeNameMeta(v), kind, name)
		}
	}
	return th.typeErrorStack(v, fn, "call")
}

// localName returns the name of the n-th (1-based) local variable active
// at pc, or "".
func localName(p *funcProto, n, pc int) string {
	for _, lv := range p.LocVars {
		if lv.StartPC > pc {
			break
		}
		if pc < lv.EndPC {
			n--
			if n == 0 {
				return lv.Name
			}
		}
	}
	return ""
}

// getObjName finds a name for the value in register reg at instruction
// lastpc by symbolic execution of the code before it, as the reference's
// getobjname does. kind is "local", "global", "field", "upvalue",
// "constant" or "method"; "" when unknown.
func getObjName(p *funcProto, lastpc, reg int) (kind, name string) {
	return getObjNameDepth(p, lastpc, reg, 0)
}

func getObjNameDepth(p *funcProto, lastpc, reg, depth int) (kind, name string) {
	if depth > 50 {
		return "", ""
	}
	if name = localName(p, reg+1, lastpc); name != "" {
		return "local", name
	}
	pc := findSetReg(p, lastpc, reg)
	if pc < 0 {
		return "", ""
	}
	i := p.Code[pc]
	switch i.Op() {
	case bc.OpMove:
		if b := i.B(); b < i.A() {
			return getObjNameDepth(p, pc, b, depth+1)
		}
	case bc.OpGetTabUp:
		k := constName(p, i.C())
		if upvalName(p, i.B()) == "_ENV" {
			return "global", k
		}
		return "field", k
	case bc.OpGetTable:
		k := regConstName(p, pc, i.C())
		return isEnvReg(p, pc, i.B(), "field"), k
	case bc.OpGetI:
		return "field", "integer index"
	case bc.OpGetField:
		k := constName(p, i.C())
		return isEnvReg(p, pc, i.B(), "field"), k
	case bc.OpGetUpval:
		return "upvalue", upvalName(p, i.B())
	case bc.OpLoadK, bc.OpLoadKX:
		idx := i.Bx()
		if i.Op() == bc.OpLoadKX && pc+1 < len(p.Code) {
			idx = p.Code[pc+1].Ax()
		}
		if idx < len(p.k) && p.k[idx].IsString() {
			return "constant", p.k[idx].AsString()
		}
	case bc.OpSelf:
		var k string
		if i.K() {
			k = constName(p, i.C())
		} else {
			k = regConstName(p, pc, i.C())
		}
		return "method", k
	}
	return "", ""
}

func constName(p *funcProto, idx int) string {
	if idx < len(p.k) && p.k[idx].IsString() {
		return p.k[idx].AsString()
	}
	return "?"
}

// regConstName names a key held in a register when it is a constant
// string loaded there.
func regConstName(p *funcProto, pc, reg int) string {
	kind, name := getObjNameDepth(p, pc, reg, 1)
	if kind == "constant" {
		return name
	}
	return "?"
}

func isEnvReg(p *funcProto, pc, reg int, other string) string {
	if localName(p, reg+1, pc) == "_ENV" {
		return "global"
	}
	if kind, name := getObjNameDepth(p, pc, reg, 1); kind == "upvalue" && name == "_ENV" {
		return "global"
	}
	return other
}

func upvalName(p *funcProto, idx int) string {
	if idx < len(p.Upvalues) {
		if n := p.Upvalues[idx].Name; n != "" {
			return n
		}
	}
	return "?"
}

// findSetReg returns the index of the last instruction before lastpc that
// changed register reg, or -1 (also when a jump makes it uncertain).
func findSetReg(p *funcProto, lastpc, reg int) int {
	code := p.Code
	if lastpc < len(code) && bc.Info[code[lastpc].Op()].IsMM {
		lastpc--
	}
	setreg := -1
	jmptarget := 0
	for pc := 0; pc < lastpc && pc < len(code); pc++ {
		i := code[pc]
		a := i.A()
		change := false
		switch i.Op() {
		case bc.OpLoadNil:
			change = a <= reg && reg <= a+i.B()
		case bc.OpTForCall:
			change = reg >= a+2
		case bc.OpCall, bc.OpTailCall:
			change = reg >= a
		case bc.OpJmp:
			dest := pc + 1 + i.SJ()
			if dest <= lastpc && dest > jmptarget {
				jmptarget = dest
			}
		default:
			change = bc.Info[i.Op()].SetsA && reg == a
		}
		if change {
			if pc < jmptarget {
				setreg = -1
			} else {
				setreg = pc
			}
		}
	}
	return setreg
}

// funcNameFromCall returns how the function running at frame level was
// called, from its caller's code: kind ("global", "local", "method",
// "field", "upvalue", "for iterator", "metamethod") and name.
func (th *Thread) funcNameFromCall(level int) (kind, name string) {
	f := th.frameAt(level)
	caller := th.frameAt(level + 1)
	if f != nil && caller != nil && caller.status&frameInHook != 0 {
		return "hook", "?"
	}
	if f != nil && caller != nil && caller.status&frameInFinalizer != 0 {
		return "metamethod", "__gc"
	}
	if f == nil || caller == nil || caller.cl == nil || f.tail {
		return "", ""
	}
	return funcNameFromCode(caller.cl.proto, caller.pc-1)
}

// funcNameFromCode names the function that instruction pc of p calls.
func funcNameFromCode(p *funcProto, pc int) (kind, name string) {
	if pc < 0 || pc >= len(p.Code) {
		return "", ""
	}
	i := p.Code[pc]
	switch i.Op() {
	case bc.OpCall, bc.OpTailCall:
		return getObjName(p, pc, i.A())
	case bc.OpTForCall:
		return "for iterator", "for iterator"
	case bc.OpSelf, bc.OpGetTabUp, bc.OpGetTable, bc.OpGetI, bc.OpGetField:
		return "metamethod", "index"
	case bc.OpSetTabUp, bc.OpSetTable, bc.OpSetI, bc.OpSetField:
		return "metamethod", "newindex"
	case bc.OpMMBin, bc.OpMMBinI, bc.OpMMBinK:
		return "metamethod", strings.TrimPrefix(bc.TagMethodNames[i.C()], "__")
	case bc.OpUnm:
		return "metamethod", "unm"
	case bc.OpBNot:
		return "metamethod", "bnot"
	case bc.OpLen:
		return "metamethod", "len"
	case bc.OpConcat:
		return "metamethod", "concat"
	case bc.OpEq:
		return "metamethod", "eq"
	case bc.OpLt, bc.OpLtI, bc.OpGtI:
		return "metamethod", "lt"
	case bc.OpLe, bc.OpLeI, bc.OpGeI:
		return "metamethod", "le"
	case bc.OpClose, bc.OpReturn:
		return "metamethod", "close"
	}
	return "", ""
}

// ArgError makes the reference's "bad argument #n to 'name' (msg)" error
// for argument n (1-based) of the running Go function.
func (th *Thread) ArgError(n int, msg string) error {
	kind, name := th.funcNameFromCall(0)
	if kind == "method" {
		n--
		if n == 0 {
			return th.Errorf("calling '%s' on bad self (%s)", name, msg)
		}
	}
	if name == "" {
		name = "?"
		if f := th.frameAt(0); f != nil && f.gf != nil && f.gf.name != "" {
			name = f.gf.name
		}
	}
	return th.Errorf("bad argument #%d to '%s' (%s)", n, name, msg)
}

// TypeError makes "bad argument #n to 'f' (<expected> expected, got <type>)".
func (th *Thread) TypeError(args []Value, n int, expected string) error {
	got := "no value"
	if n-1 < len(args) {
		v := args[n-1]
		if mt := th.state.metatable(v); mt != nil && mt.GetStr("__name").IsString() {
			got = mt.GetStr("__name").AsString()
		} else if v.Type() == TypeLightUserdata {
			got = "light userdata"
		} else {
			got = v.TypeName()
		}
	}
	return th.ArgError(n, expected+" expected, got "+got)
}

// ExitError is returned by a run that called os.exit: the host decides
// whether to exit the process. pcall cannot catch it.
type ExitError struct {
	Code int
	// Close is os.exit's second argument: close the state before exiting.
	Close bool
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }
func (e *ExitError) uncatchable()  {}

// LimitError reports that a run hit a limit set by the host (instructions,
// memory, call depth, deadline). Lua code cannot catch it with pcall.
type LimitError struct {
	// Limit names the limit: "instructions", "memory", "call depth",
	// "string size", "interrupt" (State.Interrupt) or "context" (the run's
	// context was cancelled or its deadline passed; Err says which).
	Limit string
	// Err is the context's error for Limit "context".
	Err error
	// Where is the "chunk:line: " position of the Lua code that was
	// running, or "".
	Where string
	// Traceback is the stack where the limit hit, innermost first.
	Traceback []StackFrame
}

func (e *LimitError) Error() string { return limitMessage(e) }
func (e *LimitError) uncatchable()  {}

// Unwrap returns the context error behind a "context" limit, so that
// errors.Is(err, context.DeadlineExceeded) works.
func (e *LimitError) Unwrap() error { return e.Err }

// ErrnoMessage returns the C library's text for a system error ("No such
// file or directory") and its errno, as the reference's messages show
// them; other errors give their own text and 0.
func ErrnoMessage(err error) (string, int64) {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		msg := errno.Error()
		if msg != "" && msg[0] >= 'a' && msg[0] <= 'z' {
			// Go's texts are the C library's with a lower-case first letter.
			msg = string(msg[0]-'a'+'A') + msg[1:]
		}
		return msg, int64(errno)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error(), 0
	}
	return err.Error(), 0
}
