package lunar

import (
	"unsafe"

	"github.com/lunar-lua/lunar/bytecode"
)

// GoFunction is a Go function callable from Lua. args are the call's
// arguments: a view of the thread's stack, valid until the function
// returns, which the function must not modify. The function leaves its
// results on the stack with t.Push and returns how many it pushed; or it
// returns an error (usually made by t.Errorf, t.ArgError or t.TypeError),
// which is raised as a Lua error.
//
// Calling a GoFunction from Lua allocates nothing.
type GoFunction func(t *Thread, args []Value) (int, error)

// goFunction is the object behind a Go function value.
type goFunction struct {
	fn   GoFunction
	name string // qualified name for messages ("string.rep"); may be empty
	// upval is the function's per-state value (NewClosure).
	upval Value
	// yieldable marks functions that Lua code may yield across (pcall,
	// xpcall, coroutine.yield), as continuation-aware C functions are in
	// the reference.
	yieldable bool
}

// NewFunction returns a Lua function value that calls fn. name is used in
// error messages when the call site gives no better name (for example
// "string.rep").
func NewFunction(name string, fn GoFunction) Value {
	return objectValue(unsafe.Pointer(&goFunction{fn: fn, name: name}), tagGoFunction)
}

// funcProto is the runtime form of a bytecode.Proto: constants converted to
// Values once, string constant hashes precomputed. Immutable and shared.
type funcProto struct {
	*bytecode.Proto
	// Copies of the hot fields, one pointer hop closer to the VM.
	code      []bytecode.Instruction
	maxStack  int
	numParams int
	isVararg  bool

	k      []Value
	khash  []uint64 // hash of each string constant (0 for other kinds)
	protos []*funcProto
}

func newFuncProto(p *bytecode.Proto) *funcProto {
	fp := &funcProto{Proto: p, k: make([]Value, len(p.Constants)), khash: make([]uint64, len(p.Constants)),
		code: p.Code, maxStack: p.MaxStackSize, numParams: p.NumParams, isVararg: p.IsVararg}
	for i, c := range p.Constants {
		switch c := c.(type) {
		case nil:
			fp.k[i] = Nil
		case bool:
			fp.k[i] = Bool(c)
		case int64:
			fp.k[i] = Int(c)
		case float64:
			fp.k[i] = Float(c)
		case string:
			// Interned, so that table lookups with constant keys can
			// compare string pointers.
			fp.k[i] = String(internString(c))
			fp.khash[i] = hashString(c)
		default:
			panic("lunar: bad constant type in prototype")
		}
	}
	fp.protos = make([]*funcProto, len(p.Protos))
	for i, sub := range p.Protos {
		fp.protos[i] = newFuncProto(sub)
	}
	return fp
}

// luaClosure is a Lua function: a prototype plus its upvalues.
type luaClosure struct {
	proto  *funcProto
	upvals []*upvalue
}

// newLuaClosure makes a closure of p with room for its upvalues; closures
// with few upvalues get them in the same allocation.
func newLuaClosure(p *funcProto) *luaClosure {
	n := len(p.Upvalues)
	if n <= smallUpvals {
		sc := &smallClosure{}
		sc.c.proto = p
		sc.c.upvals = sc.u[:n]
		return &sc.c
	}
	return &luaClosure{proto: p, upvals: make([]*upvalue, n)}
}

const smallUpvals = 2

type smallClosure struct {
	c luaClosure
	u [smallUpvals]*upvalue
}

func (c *luaClosure) value() Value { return objectValue(unsafe.Pointer(c), tagLuaFunction) }

// upvalue is a variable captured by a closure. While open, p points at the
// stack slot idx of the thread that owns it; when closed, p points at its
// own value field.
type upvalue struct {
	p      *Value
	closed Value
	idx    int
	open   bool
}

func (u *upvalue) get() Value  { return *u.p }
func (u *upvalue) set(v Value) { *u.p = v }

// Userdata is a full userdata: a Go value with a metatable and a user
// value, as Lua sees it.
type Userdata struct {
	// Data is the Go value the userdata carries.
	Data any
	meta *Table
	// User is the userdata's user value (debug.getuservalue).
	User Value
}

// NewUserdata returns a full userdata holding data, with metatable meta
// (may be nil).
func NewUserdata(data any, meta *Table) *Userdata { return &Userdata{Data: data, meta: meta} }

// Metatable returns the userdata's metatable.
func (u *Userdata) Metatable() *Table { return u.meta }

// SetMetatable sets the userdata's metatable.
func (u *Userdata) SetMetatable(mt *Table) { u.meta = mt }

func (v Value) asLuaClosure() *luaClosure {
	if v.isObject() && v.tag() == tagLuaFunction {
		return (*luaClosure)(v.p)
	}
	return nil
}

func (v Value) asGoFunction() *goFunction {
	if v.isObject() && v.tag() == tagGoFunction {
		return (*goFunction)(v.p)
	}
	return nil
}

// IsGoFunction reports whether v is a function implemented in Go.
func (v Value) IsGoFunction() bool { return v.isObject() && v.tag() == tagGoFunction }
