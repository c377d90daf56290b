package lunar

import (
	"sync"
	"unsafe"
)

// Cheap states. Opening the standard library builds a few hundred tables
// entries and functions; doing that for every state would make a state cost
// tens of microseconds. Instead, a Libraries value opens its libraries once
// into a template state, and every state made from it is a copy of the
// template: its tables are copied (a state's scripts may change them), its
// Go functions shared (they hold no state), and the per-state data of a
// library cloned through the StateData interface.
//
// A Go function that needs per-state data keeps it in its upvalue
// (NewClosure): a table or a userdata of the state, which the copy maps to
// the new state's own.

// Libraries is a set of libraries to open in new states; the template
// state is built once, on first use, and is safe for concurrent use.
type Libraries struct {
	open func(*State)
	once sync.Once
	tmpl *State
}

// NewLibraries returns a set of libraries that open opens into a state.
// open must only build tables and functions: no Lua code should run in it.
func NewLibraries(open func(*State)) *Libraries { return &Libraries{open: open} }

// WithLibraries makes NewState start from a copy of a state in which the
// libraries are open, instead of opening them again.
func WithLibraries(l *Libraries) Option { return func(s *State) { s.libs = l } }

func (l *Libraries) template() *State {
	l.once.Do(func() {
		t := newState(nil)
		l.open(t)
		l.tmpl = t
	})
	return l.tmpl
}

// StateData is implemented by the Data of userdata that belong to one
// state (a library's per-state data, a standard file bound to the state's
// writers): when a state is copied from a template, CloneFor returns the
// Data for the copy's userdata. Userdata whose Data does not implement it
// are shared between the template and its copies.
type StateData interface {
	CloneFor(c *Cloner) any
}

// Cloner maps the values of a template state to those of its copy.
type Cloner struct {
	state  *State
	tables map[*Table]*Table
	uds    map[*Userdata]*Userdata
	funcs  map[*goFunction]*goFunction
	from   *State
}

// State returns the state being made.
func (c *Cloner) State() *State { return c.state }

// Value returns the copy's value for a template value: tables and
// userdata are copied once each, Go closures with upvalues re-made with
// mapped upvalues; everything else is shared.
func (c *Cloner) Value(v Value) Value {
	if !v.isObject() {
		return v
	}
	switch v.tag() {
	case tagTable:
		return TableValue(c.table((*Table)(v.p)))
	case tagUserdata:
		return UserdataValue(c.userdata((*Userdata)(v.p)))
	case tagGoFunction:
		gf := (*goFunction)(v.p)
		if gf.upval.IsNil() {
			return v
		}
		if n, ok := c.funcs[gf]; ok {
			return objectValue(unsafe.Pointer(n), tagGoFunction)
		}
		n := &goFunction{fn: gf.fn, name: gf.name, yieldable: gf.yieldable}
		c.funcs[gf] = n
		n.upval = c.Value(gf.upval)
		return objectValue(unsafe.Pointer(n), tagGoFunction)
	case tagThread:
		if (*Thread)(v.p) == c.from.main {
			return ThreadValue(c.state.main)
		}
	}
	return v
}

func (c *Cloner) table(t *Table) *Table {
	if n, ok := c.tables[t]; ok {
		return n
	}
	n := &Table{weak: t.weak}
	c.tables[t] = n
	if t.meta == nil && t.weak == 0 && c.selfMapped(t) {
		// Nothing in it needs a copy of its own (a library of Go
		// functions): share the storage until the first write.
		n.arr, n.node, n.used, n.shared = t.arr, t.node, t.used, true
		return n
	}
	if len(t.arr) > 0 {
		n.arr = make([]Value, len(t.arr), cap(t.arr))
		copy(n.arr, t.arr)
		for i, v := range t.arr {
			if m := c.Value(v); m != v {
				n.arr[i] = m
			}
		}
	}
	if t.meta != nil {
		n.meta = c.table(t.meta)
	}
	if len(t.node) > 0 {
		// Keys keep their hashes when they map to themselves (strings,
		// numbers, shared functions): copy the slots as they are.
		// One bulk copy, then only the entries that map to other values.
		n.node = make([]node, len(t.node))
		copy(n.node, t.node)
		n.used = t.used
		rehash, live := false, 0
		for i := range n.node {
			nd := &n.node[i]
			if nd.val.IsNil() {
				continue
			}
			live++
			if k := c.Value(nd.key); k != nd.key {
				nd.key, rehash = k, true
			}
			if v := c.Value(nd.val); v != nd.val {
				nd.val = v
			}
		}
		size := len(t.node)
		if fit := hashSizeFor(live); fit > 0 && 2*fit <= size {
			// The template's table has more room than its entries need:
			// give the copy a snug one.
			size, rehash = fit, true
		}
		if rehash {
			old := n.node
			n.node, n.used = make([]node, size), 0
			for i := range old {
				if !old[i].val.IsNil() {
					n.insertNew(old[i].key, hashValue(old[i].key), old[i].val)
				}
			}
		}
	}
	if n.weak != 0 {
		c.state.trackWeak(n)
	}
	return n
}

// selfMapped reports whether every key and value of t is the same in the
// copy (strings, numbers, shared Go functions).
func (c *Cloner) selfMapped(t *Table) bool {
	for _, v := range t.arr {
		if c.Value(v) != v {
			return false
		}
	}
	for i := range t.node {
		nd := &t.node[i]
		if nd.val.IsNil() {
			continue
		}
		if c.Value(nd.key) != nd.key || c.Value(nd.val) != nd.val {
			return false
		}
	}
	return true
}

func (c *Cloner) userdata(u *Userdata) *Userdata {
	if n, ok := c.uds[u]; ok {
		return n
	}
	sd, ok := u.Data.(StateData)
	if !ok {
		return u
	}
	n := &Userdata{}
	c.uds[u] = n
	n.Data = sd.CloneFor(c)
	n.User = c.Value(u.User)
	if u.meta != nil {
		// No finalizer: the template's userdata are the libraries' own
		// (the standard files), which __gc leaves alone anyway.
		n.meta = c.table(u.meta)
	}
	return n
}

// cloneFrom fills s (fresh, options applied) with a copy of template t.
func (s *State) cloneFrom(t *State) {
	c := &Cloner{
		state:  s,
		from:   t,
		tables: make(map[*Table]*Table, 32),
		uds:    map[*Userdata]*Userdata{},
		funcs:  map[*goFunction]*goFunction{},
	}
	s.registry = c.table(t.registry)
	s.globals = s.registry.GetInt(2).AsTable()
	for i, mt := range t.typeMeta {
		if mt != nil {
			s.typeMeta[i] = c.table(mt)
		}
	}
	s.warnOn = t.warnOn
	s.undump = t.undump
}

// NewClosure returns a Go function with an upvalue: a value of the state
// (usually a table or a userdata with the function's per-state data) that
// the function reads with Thread.Upvalue. When a state is copied from a
// template, the copy's closures get the copy's upvalue.
func NewClosure(name string, fn GoFunction, upvalue Value) Value {
	return objectValue(unsafe.Pointer(&goFunction{fn: fn, name: name, upval: upvalue}), tagGoFunction)
}

// Upvalue returns the upvalue of the running Go function (see NewClosure).
func (th *Thread) Upvalue() Value {
	if f := th.frameAt(0); f != nil && f.gf != nil {
		return f.gf.upval
	}
	return Nil
}
