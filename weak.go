package lunar

import (
	"runtime"
	"unsafe"
	"weak"
)

// Weak tables (§2.5.4) on Go's collector.
//
// Between collections a weak table holds its entries like any table: Lua
// promises only that collected entries disappear at some collection, not
// when. At a full collection (collectgarbage "collect" or "step") the state
// turns every collectable weak reference of its weak tables into a Go weak
// pointer, runs the Go collector, and then puts back the entries whose
// object survived and clears the others. No Lua code runs in between, so
// nobody sees the table in its intermediate form.
//
// Strings are values, not objects, and are never removed.
//
// A table with weak keys and strong values is an ephemeron table: a value
// counts as reachable only if its key is (§2.5.4), so a value that refers
// to its own key must not keep the entry. For keys that are tables, the
// sweep parks each such value on its key (Table.parked) instead of in the
// weak table, so that Go's collector reaches the value only through the
// key; entries with other kinds of keys keep their values strongly.

// weakRef is a weakened reference saved during a sweep.
type weakRef struct {
	ptr weak.Pointer[byte]
	n   uint64 // the tag bits of the original Value
}

func collectable(v Value) bool {
	if !v.isObject() {
		return false
	}
	switch v.tag() {
	case tagTable, tagLuaFunction, tagGoFunction, tagUserdata, tagThread:
		return true
	}
	return false
}

func makeWeak(v Value) weakRef {
	return weakRef{ptr: weak.Make((*byte)(v.p)), n: v.n}
}

func (r weakRef) value() (Value, bool) {
	p := r.ptr.Value()
	if p == nil {
		return Nil, false
	}
	return Value{p: unsafe.Pointer(p), n: r.n}, true
}

// trackWeak remembers a table that got a weak mode.
func (s *State) trackWeak(t *Table) {
	s.weakTables = append(s.weakTables, weak.Make(t))
}

// sweepWeak runs a Go collection with the weak tables' references weakened
// and clears the entries whose objects were collected.
func (s *State) sweepWeak() {
	type saved struct {
		t       *Table
		arrVals []weakRef // parallel to arr; zero ptr when not weakened
		keys    []weakRef // parallel to node
		vals    []weakRef
		parked  []int // parallel to node: 1 + the value's place on its key
	}
	var all []saved
	live := s.weakTables[:0]
	for _, wp := range s.weakTables {
		t := wp.Value()
		if t == nil {
			continue
		}
		live = append(live, wp)
		if t.weak == 0 {
			continue
		}
		if t.shared {
			t.unshare()
		}
		sv := saved{t: t}
		if t.weak&weakValues != 0 {
			arr := t.array()
			sv.arrVals = make([]weakRef, len(arr))
			for i, v := range arr {
				if collectable(v) {
					sv.arrVals[i] = makeWeak(v)
					arr[i] = True // placeholder
				}
			}
		}
		sv.keys = make([]weakRef, len(t.node))
		sv.vals = make([]weakRef, len(t.node))
		ephemeron := t.weak == weakKeys
		if ephemeron {
			sv.parked = make([]int, len(t.node))
		}
		for i := range t.node {
			n := &t.node[i]
			if n.val.IsNil() {
				continue
			}
			if t.weak&weakKeys != 0 && collectable(n.key) {
				if kt := n.key.AsTable(); ephemeron && kt != nil && n.val.isObject() {
					if kt.parked == nil {
						kt.parked = new([]Value)
					}
					*kt.parked = append(*kt.parked, n.val)
					sv.parked[i] = len(*kt.parked)
					n.val = True // placeholder
				}
				sv.keys[i] = makeWeak(n.key)
				n.key = Value{p: pBool, n: uint64(i) + 2} // placeholder, not a real key
			}
			if t.weak&weakValues != 0 && collectable(n.val) {
				sv.vals[i] = makeWeak(n.val)
				n.val = True
			}
		}
		all = append(all, sv)
	}
	s.weakTables = live
	runtime.GC()
	runtime.GC()
	var zero weak.Pointer[byte]
	for _, sv := range all {
		t := sv.t
		arr := t.array()
		for i, r := range sv.arrVals {
			if r.ptr == zero {
				continue
			}
			if v, ok := r.value(); ok {
				arr[i] = v
			} else {
				arr[i] = Nil
			}
		}
		for i := range t.node {
			n := &t.node[i]
			kr, vr := sv.keys[i], sv.vals[i]
			keyOK, valOK := true, true
			if kr.ptr != zero {
				var k Value
				k, keyOK = kr.value()
				if keyOK {
					n.key = k
					if sv.parked != nil && sv.parked[i] > 0 {
						n.val = (*k.AsTable().parked)[sv.parked[i]-1]
					}
				}
			}
			if vr.ptr != zero {
				var v Value
				v, valOK = vr.value()
				if valOK {
					n.val = v
				}
			}
			if !keyOK || !valOK {
				n.val = Nil
				if !keyOK {
					// The key is gone; keep the slot occupied (dead) with a
					// key that can never match a real one.
					n.key = Value{p: pBool, n: 1 << 40}
				} else if n.key.isObject() {
					// The value is gone: the key, removed with it, must
					// not stay alive through the slot (see Table).
					n.key = Value{p: pDeadKey, n: hashValue(n.key)}
				}
			}
		}
	}
	// Unpark: the keys that survived give their values back above.
	for _, sv := range all {
		for i, p := range sv.parked {
			if p > 0 {
				if kt := sv.t.node[i].key.AsTable(); kt != nil {
					kt.parked = nil
				}
			}
		}
	}
}
