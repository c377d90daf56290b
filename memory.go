package lunar

import "unsafe"

// The memory limit (Limits.Memory) bounds the memory a script holds, not
// what it has allocated over time: a long run that makes garbage must not
// be stopped for it. Allocations are accounted as they happen (tables and
// their growth, strings, closures, converted Go values), which costs a
// few instructions; when the account passes the limit, the state measures
// what its Lua values can reach, as a collector's mark phase would, and
// that figure replaces the account. Only when the live memory itself is
// over the limit does the run stop. Measuring costs time in proportion to
// the live memory, and happens at most once per limit's worth of
// allocation beyond it, so its cost is spread like a collector's.

// Sizes the measure charges for objects without an allocation cost of
// their own in the account (the account charges them with their owners).
const (
	upvalueSize  = 40
	userdataSize = 48
	threadSize   = 160
	frameSize    = 80
)

// overMemory reports whether the state is over its memory limit, pending
// bytes about to be allocated (not yet reachable) included. The account
// is first replaced by a measure of the live memory when it passes the
// limit.
func (s *State) overMemory(pending int64) bool {
	c := &s.ctl
	l := c.limits.Memory
	if l <= 0 || c.allocated <= l {
		return false
	}
	c.allocated = s.liveBytes() + pending
	return c.allocated > l
}

// liveBytes measures the memory the state's Lua values reach, from its
// registry (globals, loaded modules), type metatables and threads.
func (s *State) liveBytes() int64 {
	w := heapWalker{seen: make(map[unsafe.Pointer]struct{}, 256)}
	w.value(TableValue(s.registry))
	for _, mt := range s.typeMeta {
		if mt != nil {
			w.value(TableValue(mt))
		}
	}
	w.value(ThreadValue(s.main))
	if s.running != nil {
		w.value(ThreadValue(s.running))
	}
	w.drain()
	return w.bytes
}

// heapWalker adds up the sizes of the objects it reaches, each once; it
// keeps a work list rather than recursing, so that long chains (a linked
// list of a million tables) cost no Go stack.
type heapWalker struct {
	seen  map[unsafe.Pointer]struct{}
	todo  []Value
	bytes int64
}

// value counts v, if it is an object not seen yet, and queues what it
// refers to.
func (w *heapWalker) value(v Value) {
	if !v.isObject() || v.p == nil {
		return
	}
	if _, ok := w.seen[v.p]; ok {
		return
	}
	w.seen[v.p] = struct{}{}
	if v.tag() == tagString {
		w.bytes += int64(v.strLen())
		return
	}
	if v.tag() != tagLightUserdata {
		w.todo = append(w.todo, v)
	}
}

// drain walks the queued objects until none is left.
func (w *heapWalker) drain() {
	for len(w.todo) > 0 {
		v := w.todo[len(w.todo)-1]
		w.todo = w.todo[:len(w.todo)-1]
		switch v.tag() {
		case tagTable:
			w.table((*Table)(v.p))
		case tagLuaFunction:
			cl := (*luaClosure)(v.p)
			w.bytes += closureBaseSize + int64(len(cl.upvals))*8
			for _, uv := range cl.upvals {
				if _, ok := w.seen[unsafe.Pointer(uv)]; ok {
					continue
				}
				w.seen[unsafe.Pointer(uv)] = struct{}{}
				w.bytes += upvalueSize
				w.value(*uv.p)
			}
		case tagGoFunction:
			w.value((*goFunction)(v.p).upval)
		case tagUserdata:
			u := (*Userdata)(v.p)
			w.bytes += userdataSize
			if u.meta != nil {
				w.value(TableValue(u.meta))
			}
			w.value(u.User)
		case tagThread:
			w.thread((*Thread)(v.p))
		}
	}
}

// table counts a table's storage and queues its metatable, keys and
// values (weak entries included: the measure is conservative).
func (w *heapWalker) table(t *Table) {
	w.bytes += tableBaseSize + int64(cap(t.arr))*valueSize + int64(len(t.node))*nodeSize
	if t.meta != nil {
		w.value(TableValue(t.meta))
	}
	for _, v := range t.array() {
		w.value(v)
	}
	for i := range t.node {
		if n := &t.node[i]; !n.val.IsNil() {
			w.value(n.key)
			w.value(n.val)
		}
	}
}

// thread counts a thread's stack and frames and queues the values live
// on its stack and the functions of its frames.
func (w *heapWalker) thread(th *Thread) {
	w.bytes += threadSize + int64(cap(th.stack))*valueSize + int64(cap(th.frames))*frameSize
	for _, v := range th.stack[:th.highWater()] {
		w.value(v)
	}
	for i := range th.frames {
		if cl := th.frames[i].cl; cl != nil {
			w.value(objectValue(unsafe.Pointer(cl), tagLuaFunction))
		}
	}
	if th.co != nil {
		w.value(th.co.fn)
		w.value(th.lastErr)
	}
}
