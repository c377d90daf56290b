package lunar

import (
	"strings"

	bc "github.com/lunar-lua/lunar/bytecode"
)

// maxMetaChain bounds __index/__newindex chains (the reference's
// MAXTAGLOOP), so that a loop of metatables is an error, not a hang.
const maxMetaChain = 2000

// Metatable returns the metatable of any value (tables and full userdata
// have their own; other types share one per type), or nil.
func (th *Thread) Metatable(v Value) *Table { return th.state.metatable(v) }

func (s *State) metatable(v Value) *Table {
	if v.isObject() {
		switch v.tag() {
		case tagTable:
			return (*Table)(v.p).meta
		case tagUserdata:
			return (*Userdata)(v.p).meta
		}
	}
	return s.typeMeta[v.Type()]
}

// tmNames and tmHashes hold the metamethod names, interned, and their
// hashes, so that looking a metamethod up hashes nothing.
var (
	tmNames  [bc.NumTagMethods]string
	tmHashes [bc.NumTagMethods]uint64
)

func init() {
	for i, name := range bc.TagMethodNames {
		tmNames[i] = internString(name)
		tmHashes[i] = hashString(name)
	}
}

// fastTM looks up metamethod tm in metatable mt, caching its absence.
func fastTM(mt *Table, tm bc.TagMethod) Value {
	if mt == nil || mt.absent&(1<<tm) != 0 {
		return Nil
	}
	v := mt.getStrHash(tmNames[tm], tmHashes[tm])
	if v.IsNil() {
		mt.absent |= 1 << tm
	}
	return v
}

// indexStr performs obj[key] for a string key whose hash h is known (a
// constant of the running function), following __index chains of tables
// without hashing again.
func (th *Thread) indexStr(obj, key Value, h uint64) (Value, error) {
	s := key.AsString()
	for loop := 0; loop < maxMetaChain; loop++ {
		var hm Value
		if t := obj.AsTable(); t != nil {
			if v := t.getStrHash(s, h); !v.IsNil() {
				return v, nil
			}
			if hm = fastTM(t.meta, bc.TMIndex); hm.IsNil() {
				return Nil, nil
			}
		} else if hm = th.metamethod(obj, bc.TMIndex); hm.IsNil() {
			// Strings find their methods this way: ("x"):rep(3).
			return Nil, th.indexError(obj, key)
		}
		if hm.IsFunction() {
			return th.call2to1(hm, obj, key)
		}
		obj = hm
	}
	return Nil, th.runtimeError("'__index' chain too long; possible loop")
}

// metamethod returns the handler for event tm of value v, or nil.
func (th *Thread) metamethod(v Value, tm bc.TagMethod) Value {
	return fastTM(th.state.metatable(v), tm)
}

// call2to1 calls f(a, b) and returns its first result.
func (th *Thread) call2to1(f, a, b Value) (Value, error) {
	top := th.top
	if err := th.ensureStack(3); err != nil {
		return Nil, err
	}
	th.stack[top] = f
	th.stack[top+1] = a
	th.stack[top+2] = b
	th.top = top + 3
	if err := th.call(top, 1); err != nil {
		return Nil, err
	}
	v := th.stack[top]
	th.top = top
	return v, nil
}

// call3to0 calls f(a, b, c) discarding results.
func (th *Thread) call3to0(f, a, b, c Value) error {
	top := th.top
	if err := th.ensureStack(4); err != nil {
		return err
	}
	th.stack[top] = f
	th.stack[top+1] = a
	th.stack[top+2] = b
	th.stack[top+3] = c
	th.top = top + 4
	err := th.call(top, 0)
	th.top = top
	return err
}

// index performs obj[key] with __index (§2.4).
func (th *Thread) index(obj, key Value) (Value, error) {
	for loop := 0; loop < maxMetaChain; loop++ {
		var h Value
		if t := obj.AsTable(); t != nil {
			v := t.Get(key)
			if !v.IsNil() {
				return v, nil
			}
			h = fastTM(t.meta, bc.TMIndex)
			if h.IsNil() {
				return Nil, nil
			}
		} else {
			h = th.metamethod(obj, bc.TMIndex)
			if h.IsNil() {
				return Nil, th.indexError(obj, key)
			}
		}
		if h.IsFunction() {
			return th.call2to1(h, obj, key)
		}
		obj = h
	}
	return Nil, th.runtimeError("'__index' chain too long; possible loop")
}

// setIndexFast performs obj[key] = val with __newindex (§2.4).
func (th *Thread) setIndexFast(obj, key, val Value) error {
	for loop := 0; loop < maxMetaChain; loop++ {
		var h Value
		if t := obj.AsTable(); t != nil {
			if t.meta == nil {
				return th.rawSetErr(t, key, val)
			}
			old := t.Get(key)
			if !old.IsNil() {
				return th.rawSetErr(t, key, val)
			}
			h = fastTM(t.meta, bc.TMNewIndex)
			if h.IsNil() {
				return th.rawSetErr(t, key, val)
			}
		} else {
			h = th.metamethod(obj, bc.TMNewIndex)
			if h.IsNil() {
				return th.indexError(obj, key)
			}
		}
		if h.IsFunction() {
			return th.call3to0(h, obj, key, val)
		}
		obj = h
	}
	return th.runtimeError("'__newindex' chain too long; possible loop")
}

func (th *Thread) rawSetErr(t *Table, key, val Value) error {
	if key.p == pInt {
		t.SetInt(int64(key.n), val)
		return nil
	}
	if err := t.Set(key, val); err != nil {
		return th.runtimeError("%s", err.Error())
	}
	return nil
}

// length performs #v with __len (§3.4.7); reg names v in errors.
func (th *Thread) length(v Value, reg int) (Value, error) {
	h := th.metamethod(v, bc.TMLen)
	if !h.IsNil() {
		return th.call2to1(h, v, v)
	}
	if v.IsString() {
		return Int(int64(v.strLen())), nil
	}
	if t := v.AsTable(); t != nil {
		return Int(t.Length()), nil
	}
	return Nil, th.typeErrorReg(v, reg, "get length of")
}

// Index performs obj[key] with Lua's semantics (metamethods included).
func (th *Thread) Index(obj, key Value) (Value, error) { return th.index(obj, key) }

// SetIndex performs obj[key] = val with Lua's semantics.
func (th *Thread) SetIndex(obj, key, val Value) error { return th.setIndexFast(obj, key, val) }

// Len performs #v with Lua's semantics.
func (th *Thread) Len(v Value) (Value, error) { return th.length(v, -1) }

// LenInt performs #v and converts the result to an integer, as the
// reference's luaL_len does ("object length is not an integer").
func (th *Thread) LenInt(v Value) (int64, error) {
	if t := v.AsTable(); t != nil && t.meta == nil {
		return t.Length(), nil
	}
	l, err := th.length(v, -1)
	if err != nil {
		return 0, err
	}
	if l.p == pInt {
		return int64(l.n), nil
	}
	// As lua_tointegerx, a string convertible to an integer will do.
	if i, ok := l.ToInteger(); ok {
		return i, nil
	}
	return 0, th.Errorf("object length is not an integer")
}

// concat concatenates the n values at the top of the stack (§3.4.6),
// leaving the result in the first of them; top is left just above it.
func (th *Thread) concat(n int) error {
	for n > 1 {
		top := th.top
		a, b := th.stack[top-2], th.stack[top-1]
		if (a.IsString() || a.IsNumber()) && (b.IsString() || b.IsNumber()) {
			// Collect as many string/number operands as possible.
			cnt := 2
			for cnt < n {
				v := th.stack[top-cnt-1]
				if !(v.IsString() || v.IsNumber()) {
					break
				}
				cnt++
			}
			size := 0
			for j := top - cnt; j < top; j++ {
				s, _ := th.stack[j].ToString()
				size += len(s)
			}
			if err := th.CheckStringSize(size); err != nil {
				return err
			}
			var sb strings.Builder
			sb.Grow(size)
			for j := top - cnt; j < top; j++ {
				s, _ := th.stack[j].ToString()
				sb.WriteString(s)
			}
			th.stack[top-cnt] = String(sb.String())
			th.top = top - cnt + 1
			n -= cnt - 1
			continue
		}
		h := th.metamethod(a, bc.TMConcat)
		if h.IsNil() {
			h = th.metamethod(b, bc.TMConcat)
		}
		if h.IsNil() {
			bad, reg := a, top-2
			if a.IsString() || a.IsNumber() {
				bad, reg = b, top-1
			}
			return th.typeErrorStack(bad, reg, "concatenate")
		}
		v, err := th.call2to1(h, a, b)
		if err != nil {
			return err
		}
		th.stack[top-2] = v
		th.top = top - 1
		n--
	}
	return nil
}

// Concat concatenates values with Lua's semantics (metamethods included).
func (th *Thread) Concat(vals ...Value) (Value, error) {
	if len(vals) == 0 {
		return String(""), nil
	}
	top := th.top
	if err := th.ensureStack(len(vals)); err != nil {
		return Nil, err
	}
	copy(th.stack[top:], vals)
	th.top = top + len(vals)
	if err := th.concat(len(vals)); err != nil {
		th.top = top
		return Nil, err
	}
	v := th.stack[top]
	th.top = top
	return v, nil
}

// typeNameMeta returns the type name of v, or its metatable's __name when
// that is a string (as the reference's luaT_objtypename).
func (th *Thread) typeNameMeta(v Value) string {
	if mt := th.state.metatable(v); mt != nil && (v.IsTable() || v.AsUserdata() != nil) {
		if n := mt.GetStr("__name"); n.IsString() {
			return n.AsString()
		}
	}
	return v.TypeName()
}

// TypeNameMeta returns the type name of v as error messages show it (the
// metatable's __name for tables and userdata that have one).
func (th *Thread) TypeNameMeta(v Value) string { return th.typeNameMeta(v) }
