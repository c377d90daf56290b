package lunar

import (
	"os"
	"sync"
	"sync/atomic"
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
	plan *clonePlan
}

// NewLibraries returns a set of libraries that open opens into a state.
// open must only build tables and functions: no Lua code should run in it.
func NewLibraries(open func(*State)) *Libraries { return &Libraries{open: open} }

// WithLibraries makes NewState start from a copy of a state in which the
// libraries are open, instead of opening them again.
func WithLibraries(l *Libraries) Option { return func(s *State) { s.libs = l } }

// baseLibraries is the template of a state made without WithLibraries:
// the base and coroutine libraries only.
var baseLibraries = NewLibraries(func(*State) {})

func (l *Libraries) template() (*State, *clonePlan) {
	l.once.Do(func() {
		t := &State{stdout: os.Stdout, stderr: os.Stderr}
		t.main = newThread(t)
		t.openBare()
		l.open(t)
		l.tmpl = t
		l.plan = newClonePlan(t)
	})
	return l.tmpl, l.plan
}

// StateData is implemented by the Data of userdata that belong to one
// state (a library's per-state data, a standard file bound to the state's
// writers): when a state is copied from a template, CloneFor returns the
// Data for the copy's userdata. Userdata whose Data does not implement it
// are shared between the template and its copies.
type StateData interface {
	CloneFor(c *Cloner) any
}

// A DataKey names one library's per-state data, kept in the state itself
// (State.Data) rather than in Lua values, so that the library's functions
// need no upvalues and its tables can be shared with the template until a
// script writes to them. Keys are made once, at package initialisation.
type DataKey struct{ index int }

var dataKeys atomic.Int32

// NewDataKey returns a new key for State.Data.
func NewDataKey() DataKey { return DataKey{int(dataKeys.Add(1)) - 1} }

// Data returns the value SetData stored in s under k, or nil.
func (s *State) Data(k DataKey) any {
	if k.index < len(s.data) {
		return s.data[k.index]
	}
	return nil
}

// SetData stores v in s under k. When a state is copied from a template,
// a value that implements StateData is cloned for the copy with CloneFor;
// other values are shared.
func (s *State) SetData(k DataKey, v any) {
	if k.index >= len(s.data) {
		s.data = append(s.data, make([]any, k.index+1-len(s.data))...)
	}
	s.data[k.index] = v
}

// A clonePlan is what copying one template takes, worked out once: the
// template's objects that every copy needs its own of, and where the
// copied tables refer to them. Copying is then a few bulk allocations,
// bulk copies of the tables' storage and a list of patches, with no map
// look-ups per entry.
type clonePlan struct {
	// objs lists the template objects a copy maps to objects of its own;
	// index finds an object's place in objs.
	objs  []planObj
	index map[unsafe.Pointer]int32
	// nTables, nArr and nNode size the copy's bulk allocations: table
	// headers, and the array and hash storage of the copied tables.
	nTables, nArr, nNode int
	roots                []int32 // registry, then the type metatables (-1: none)
}

type planKind uint8

const (
	planCopy    planKind = iota // a table copied entry by entry
	planShare                   // a table of plain values: storage shared until the first write
	planUd                      // a userdata whose Data is StateData
	planClosure                 // a Go function whose upvalue is per state
)

type planObj struct {
	kind planKind
	t    *Table
	u    *Userdata
	f    *goFunction
	// refs are the slots of a copied table that hold mapped objects;
	// rehash is set when a key is one, so the copy must be rebuilt.
	refs   []planRef
	rehash bool
}

// planRef is a slot of a copied table (arr index i >= 0, or node ^i for
// i < 0) holding a mapped object.
type planRef struct{ slot, target int32 }

// mainThreadRef stands for the template's main thread in a planRef.
const mainThreadRef = -1

// newClonePlan works out the plan for template t, first giving its tables
// snug storage so that copies can be bulk copies.
func newClonePlan(t *State) *clonePlan {
	p := &clonePlan{index: map[unsafe.Pointer]int32{}}
	p.roots = append(p.roots, p.add(t, TableValue(t.registry)))
	for _, mt := range t.typeMeta {
		if mt == nil {
			p.roots = append(p.roots, -1)
			continue
		}
		p.roots = append(p.roots, p.add(t, TableValue(mt)))
	}
	return p
}

// mapped reports whether v is an object a copy has its own of.
func (p *clonePlan) mapped(t *State, v Value) bool {
	if !v.isObject() {
		return false
	}
	switch v.tag() {
	case tagTable:
		return true
	case tagUserdata:
		_, ok := (*Userdata)(v.p).Data.(StateData)
		return ok
	case tagGoFunction:
		return !(*goFunction)(v.p).upval.IsNil()
	case tagThread:
		return (*Thread)(v.p) == t.main
	}
	return false
}

// add plans the copy of v and of the objects it reaches, returning its
// index (mainThreadRef for the main thread).
func (p *clonePlan) add(t *State, v Value) int32 {
	if v.tag() == tagThread {
		return mainThreadRef
	}
	if i, ok := p.index[v.p]; ok {
		return i
	}
	i := int32(len(p.objs))
	p.index[v.p] = i
	p.objs = append(p.objs, planObj{})
	var o planObj
	switch v.tag() {
	case tagTable:
		tb := (*Table)(v.p)
		tb.compact()
		p.nTables++
		o.t = tb
		o.kind = planShare
		if tb.meta != nil || tb.weak != 0 || !p.plain(t, tb) {
			o.kind = planCopy
			p.nArr += cap(tb.arr)
			p.nNode += len(tb.node)
		}
	case tagUserdata:
		o = planObj{kind: planUd, u: (*Userdata)(v.p)}
	case tagGoFunction:
		o = planObj{kind: planClosure, f: (*goFunction)(v.p)}
	}
	p.objs[i] = o
	// Plan what it reaches after recording it, so cycles end here.
	switch o.kind {
	case planCopy:
		tb := o.t
		if tb.meta != nil {
			p.add(t, TableValue(tb.meta))
		}
		var refs []planRef
		for j, e := range tb.array() {
			if p.mapped(t, e) {
				refs = append(refs, planRef{int32(j), p.add(t, e)})
			}
		}
		rehash := false
		for j := range tb.node {
			nd := &tb.node[j]
			if nd.val.IsNil() {
				continue
			}
			if p.mapped(t, nd.key) {
				p.add(t, nd.key)
				rehash = true
			}
			if p.mapped(t, nd.val) {
				refs = append(refs, planRef{^int32(j), p.add(t, nd.val)})
			}
		}
		p.objs[i].refs, p.objs[i].rehash = refs, rehash
	case planUd:
		if !o.u.User.IsNil() && p.mapped(t, o.u.User) {
			p.add(t, o.u.User)
		}
		if o.u.meta != nil {
			p.add(t, TableValue(o.u.meta))
		}
	case planClosure:
		if p.mapped(t, o.f.upval) {
			p.add(t, o.f.upval)
		}
	}
	return i
}

// plain reports whether every key and value of tb is the same object in
// a copy (strings, numbers, Go functions without upvalues).
func (p *clonePlan) plain(t *State, tb *Table) bool {
	for _, v := range tb.array() {
		if p.mapped(t, v) {
			return false
		}
	}
	for i := range tb.node {
		nd := &tb.node[i]
		if !nd.val.IsNil() && (p.mapped(t, nd.key) || p.mapped(t, nd.val)) {
			return false
		}
	}
	return true
}

// compact gives a template table's hash part storage that fits its
// entries, so that its copies are snug. (The array part keeps its size,
// which is the reference's.)
func (t *Table) compact() {
	live := 0
	for i := range t.node {
		if !t.node[i].val.IsNil() {
			live++
		}
	}
	if size := hashSizeFor(live); size < len(t.node) || t.used > live {
		old := t.node
		t.node, t.used = nil, 0
		if size > 0 {
			t.node = make([]node, size)
		}
		for i := range old {
			if !old[i].val.IsNil() {
				t.insertNew(old[i].key, hashValue(old[i].key), old[i].val)
			}
		}
	}
}

// Cloner maps the values of a template state to those of its copy.
type Cloner struct {
	state *State
	from  *State
	plan  *clonePlan
	objs  []unsafe.Pointer // the copy's object for each of plan.objs
	// extra holds the copies of template tables that the plan does not
	// know because no Lua value reaches them (only a library's Go data).
	extra map[*Table]*Table
}

// State returns the state being made.
func (c *Cloner) State() *State { return c.state }

// Value returns the copy's value for a template value: tables, userdata
// with StateData and Go closures with upvalues map to the copy's own;
// everything else is shared. (Userdata and closures that no Lua value of
// the template reaches, only Go data, are shared too.)
func (c *Cloner) Value(v Value) Value {
	if !v.isObject() {
		return v
	}
	if v.tag() == tagThread {
		if (*Thread)(v.p) == c.from.main {
			return ThreadValue(c.state.main)
		}
		return v
	}
	if i, ok := c.plan.index[v.p]; ok {
		return objectValue(c.objs[i], v.tag())
	}
	if v.tag() == tagTable {
		return TableValue(c.extraTable((*Table)(v.p)))
	}
	return v
}

// extraTable copies a template table outside the plan, entry by entry.
func (c *Cloner) extraTable(t *Table) *Table {
	if n, ok := c.extra[t]; ok {
		return n
	}
	if c.extra == nil {
		c.extra = map[*Table]*Table{}
	}
	n := &Table{weak: t.weak, hlog: t.hlog}
	c.extra[t] = n
	if t.meta != nil {
		n.meta = c.Value(TableValue(t.meta)).AsTable()
	}
	if size := cap(t.arr); size > 0 {
		arr := make([]Value, size)
		for i, v := range t.array() {
			arr[i] = c.Value(v)
		}
		n.arr = arr[:len(t.arr)]
	}
	if len(t.node) > 0 {
		n.node = make([]node, len(t.node))
		for i := range t.node {
			if nd := &t.node[i]; !nd.val.IsNil() {
				k := c.Value(nd.key)
				n.insertNew(k, hashValue(k), c.Value(nd.val))
			}
		}
	}
	if n.weak != 0 {
		c.state.trackWeak(n)
	}
	return n
}

// ref returns the copy's value for a planned reference.
func (c *Cloner) ref(r int32, tag uint64) Value {
	if r == mainThreadRef {
		return ThreadValue(c.state.main)
	}
	return objectValue(c.objs[r], tag)
}

// cloneFrom fills s (fresh, options applied) with a copy of template t
// following plan p: first every object the copy needs is made (so that
// cycles resolve), then the copied tables are filled and patched.
func (s *State) cloneFrom(t *State, p *clonePlan) {
	c := &Cloner{state: s, from: t, plan: p, objs: make([]unsafe.Pointer, len(p.objs))}
	tables := make([]Table, p.nTables)
	arr := make([]Value, p.nArr)
	nodes := make([]node, p.nNode)
	nt := 0
	for i := range p.objs {
		o := &p.objs[i]
		switch o.kind {
		case planCopy, planShare:
			n := &tables[nt]
			nt++
			n.weak, n.absent, n.hlog = o.t.weak, o.t.absent, o.t.hlog
			if o.kind == planShare {
				n.arr, n.node, n.used, n.shared = o.t.arr, o.t.node, o.t.used, true
			} else {
				k := copy(arr, o.t.array())
				n.arr, arr = arr[:len(o.t.arr):k], arr[k:]
				k = copy(nodes, o.t.node)
				n.node, nodes = nodes[:k:k], nodes[k:]
				n.used = o.t.used
			}
			c.objs[i] = unsafe.Pointer(n)
		case planUd:
			c.objs[i] = unsafe.Pointer(&Userdata{})
		case planClosure:
			f := o.f
			c.objs[i] = unsafe.Pointer(&goFunction{fn: f.fn, name: f.name, yieldable: f.yieldable})
		}
	}
	for i := range p.objs {
		o := &p.objs[i]
		switch o.kind {
		case planCopy:
			n := (*Table)(c.objs[i])
			if o.t.meta != nil {
				n.meta = (*Table)(c.objs[p.index[unsafe.Pointer(o.t.meta)]])
			}
			for _, r := range o.refs {
				if r.slot >= 0 {
					n.array()[r.slot] = c.ref(r.target, o.t.array()[r.slot].tag())
				} else {
					nd := &n.node[^r.slot]
					nd.val = c.ref(r.target, nd.val.tag())
				}
			}
			if o.rehash {
				old := n.node
				n.node, n.used = make([]node, len(old)), 0
				for j := range old {
					if !old[j].val.IsNil() {
						k := c.Value(old[j].key)
						n.insertNew(k, hashValue(k), old[j].val)
					}
				}
			}
			if n.weak != 0 {
				s.trackWeak(n)
			}
		case planUd:
			n, u := (*Userdata)(c.objs[i]), o.u
			n.Data = u.Data.(StateData).CloneFor(c)
			n.User = c.Value(u.User)
			if u.meta != nil {
				// No finalizer: the template's userdata are the libraries'
				// own (the standard files), which __gc leaves alone anyway.
				n.meta = c.Value(TableValue(u.meta)).AsTable()
			}
		case planClosure:
			(*goFunction)(c.objs[i]).upval = c.Value(o.f.upval)
		}
	}
	if len(t.data) > 0 {
		s.data = make([]any, len(t.data))
		for i, d := range t.data {
			if sd, ok := d.(StateData); ok {
				d = sd.CloneFor(c)
			}
			s.data[i] = d
		}
	}
	s.registry = (*Table)(c.objs[p.roots[0]])
	s.globals = s.registry.GetInt(2).AsTable()
	for i, r := range p.roots[1:] {
		if r >= 0 {
			s.typeMeta[i] = (*Table)(c.objs[r])
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
