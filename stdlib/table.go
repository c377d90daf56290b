package stdlib

import (
	"math"
	"strconv"
	"strings"

	"github.com/lunar-lua/lunar"
)

// OpenTable opens the table library (§6.6 of the manual) in s, as global
// table and package.loaded.table.
//
// The functions honour metamethods (__index, __newindex, __len) as the
// manual requires; on a table without a metatable they take a fast path
// with raw accesses, which gives the same results.
func OpenTable(s *lunar.State) {
	newLib(s, "table", map[string]lunar.GoFunction{
		"concat": tableConcat,
		"insert": tableInsert,
		"move":   tableMove,
		"pack":   tablePack,
		"remove": tableRemove,
		"sort":   tableSort,
		"unpack": tableUnpack,
	})
}

// What a table argument must support when it is not a plain table
// (the reference's TAB_R, TAB_W, TAB_L).
const (
	tableNeedRead  = 1 << iota // __index
	tableNeedWrite             // __newindex
	tableNeedLen               // __len
)

// tableUnpackMax bounds the results of table.unpack. The reference fails
// with "too many results to unpack" when the values do not fit its stack
// (1,000,000 slots, less what is in use); the runtime offers no way to ask
// how much of its stack is in use, so this is the limit for a shallow
// stack, and deeper down the runtime reports "stack overflow" instead.
const tableUnpackMax = 999_900

// tableAccess reads and writes the integer keys of a table argument: raw
// when it is a table without a metatable, with metamethods otherwise.
type tableAccess struct {
	t   *lunar.Thread
	v   lunar.Value
	raw *lunar.Table // non-nil for a table without a metatable
}

// tableCheck checks that argument n is a table, or a value whose
// metatable has the metamethods need asks for, and returns an accessor.
func tableCheck(t *lunar.Thread, args []lunar.Value, n int, need int) (tableAccess, error) {
	v := lunar.Arg(args, n)
	if tb := v.AsTable(); tb != nil {
		a := tableAccess{t: t, v: v}
		if tb.Metatable() == nil {
			a.raw = tb
		}
		return a, nil
	}
	if mt := t.Metatable(v); mt != nil &&
		(need&tableNeedRead == 0 || !mt.GetStr("__index").IsNil()) &&
		(need&tableNeedWrite == 0 || !mt.GetStr("__newindex").IsNil()) &&
		(need&tableNeedLen == 0 || !mt.GetStr("__len").IsNil()) {
		return tableAccess{t: t, v: v}, nil
	}
	return tableAccess{}, t.TypeError(args, n, "table")
}

// length is #v (luaL_len).
func (a *tableAccess) length() (int64, error) {
	if a.raw != nil {
		return a.raw.Length(), nil
	}
	return a.t.LenInt(a.v)
}

func (a *tableAccess) get(i int64) (lunar.Value, error) {
	if a.raw != nil {
		return a.raw.GetInt(i), nil
	}
	return a.t.Index(a.v, lunar.Int(i))
}

func (a *tableAccess) set(i int64, x lunar.Value) error {
	if a.raw != nil {
		a.raw.SetInt(i, x)
		return nil
	}
	return a.t.SetIndex(a.v, lunar.Int(i), x)
}

// table.insert(list, [pos,] value)
func tableInsert(t *lunar.Thread, args []lunar.Value) (int, error) {
	a, err := tableCheck(t, args, 1, tableNeedRead|tableNeedWrite|tableNeedLen)
	if err != nil {
		return 0, err
	}
	e, err := a.length()
	if err != nil {
		return 0, err
	}
	e++ // first empty element (wraps like the reference's luaL_intop)
	switch len(args) {
	case 2:
		return 0, a.set(e, args[1])
	case 3:
		pos, err := t.CheckInteger(args, 2)
		if err != nil {
			return 0, err
		}
		// pos must be in [1, e].
		if uint64(pos)-1 >= uint64(e) {
			return 0, t.ArgError(2, "position out of bounds")
		}
		if a.raw != nil {
			tb := a.raw
			for i := e; i > pos; i-- {
				tb.SetInt(i, tb.GetInt(i-1))
			}
			tb.SetInt(pos, args[2])
			return 0, nil
		}
		for i := e; i > pos; i-- {
			v, err := a.get(i - 1)
			if err != nil {
				return 0, err
			}
			if err := a.set(i, v); err != nil {
				return 0, err
			}
		}
		return 0, a.set(pos, args[2])
	}
	return 0, t.Errorf("wrong number of arguments to 'insert'")
}

// table.remove(list [, pos])
func tableRemove(t *lunar.Thread, args []lunar.Value) (int, error) {
	a, err := tableCheck(t, args, 1, tableNeedRead|tableNeedWrite|tableNeedLen)
	if err != nil {
		return 0, err
	}
	size, err := a.length()
	if err != nil {
		return 0, err
	}
	pos, err := t.OptInteger(args, 2, size)
	if err != nil {
		return 0, err
	}
	// A given position must be in [1, size+1]. The reference (5.4.4)
	// reports it as argument #1.
	if pos != size && uint64(pos)-1 > uint64(size) {
		return 0, t.ArgError(1, "position out of bounds")
	}
	if a.raw != nil {
		tb := a.raw
		t.Push(tb.GetInt(pos))
		for ; pos < size; pos++ {
			tb.SetInt(pos, tb.GetInt(pos+1))
		}
		tb.SetInt(pos, lunar.Nil)
		return 1, nil
	}
	v, err := a.get(pos)
	if err != nil {
		return 0, err
	}
	for ; pos < size; pos++ {
		w, err := a.get(pos + 1)
		if err != nil {
			return 0, err
		}
		if err := a.set(pos, w); err != nil {
			return 0, err
		}
	}
	if err := a.set(pos, lunar.Nil); err != nil {
		return 0, err
	}
	t.Push(v)
	return 1, nil
}

// table.move(a1, f, e, t [, a2])
func tableMove(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	e, err := t.CheckInteger(args, 3)
	if err != nil {
		return 0, err
	}
	dst, err := t.CheckInteger(args, 4)
	if err != nil {
		return 0, err
	}
	tt := 1 // destination table argument
	if !lunar.IsNoneOrNil(args, 5) {
		tt = 5
	}
	src, err := tableCheck(t, args, 1, tableNeedRead)
	if err != nil {
		return 0, err
	}
	to, err := tableCheck(t, args, tt, tableNeedWrite)
	if err != nil {
		return 0, err
	}
	if e >= f {
		if !(f > 0 || e < math.MaxInt64+f) {
			return 0, t.ArgError(3, "too many elements to move")
		}
		n := e - f + 1 // number of elements to move
		if dst > math.MaxInt64-n+1 {
			return 0, t.ArgError(4, "destination wrap around")
		}
		forward := dst > e || dst <= f
		if !forward && tt != 1 {
			same, err := t.Equal(args[0], args[tt-1])
			if err != nil {
				return 0, err
			}
			forward = !same
		}
		if forward {
			for i := int64(0); i < n; i++ {
				if i&1023 == 1023 {
					// The range is the script's to choose: let limits,
					// deadlines and interrupts stop a huge one.
					if err := t.Charge(1024); err != nil {
						return 0, err
					}
				}
				v, err := src.get(f + i)
				if err != nil {
					return 0, err
				}
				if err := to.set(dst+i, v); err != nil {
					return 0, err
				}
			}
		} else {
			for i := n - 1; i >= 0; i-- {
				if i&1023 == 0 {
					if err := t.Charge(1024); err != nil {
						return 0, err
					}
				}
				v, err := src.get(f + i)
				if err != nil {
					return 0, err
				}
				if err := to.set(dst+i, v); err != nil {
					return 0, err
				}
			}
		}
	}
	t.Push(args[tt-1])
	return 1, nil
}

// table.pack(...)
func tablePack(t *lunar.Thread, args []lunar.Value) (int, error) {
	tb := lunar.NewTable(len(args), 1)
	for i, v := range args {
		tb.SetInt(int64(i)+1, v)
	}
	tb.SetStr("n", lunar.Int(int64(len(args))))
	t.Push(lunar.TableValue(tb))
	return 1, nil
}

// table.unpack(list [, i [, j]])
func tableUnpack(t *lunar.Thread, args []lunar.Value) (int, error) {
	i, err := t.OptInteger(args, 2, 1)
	if err != nil {
		return 0, err
	}
	var e int64
	if lunar.IsNoneOrNil(args, 3) {
		if e, err = t.LenInt(lunar.Arg(args, 1)); err != nil {
			return 0, err
		}
	} else if e, err = t.CheckInteger(args, 3); err != nil {
		return 0, err
	}
	if i > e {
		return 0, nil
	}
	n := uint64(e) - uint64(i) // number of elements minus 1, without overflow
	if n >= tableUnpackMax {
		return 0, t.Errorf("too many results to unpack")
	}
	v := lunar.Arg(args, 1)
	if tb := v.AsTable(); tb != nil && tb.Metatable() == nil {
		for k := i; ; k++ {
			t.Push(tb.GetInt(k))
			if k == e {
				break
			}
		}
		return int(n) + 1, nil
	}
	for k := i; ; k++ {
		x, err := t.Index(v, lunar.Int(k))
		if err != nil {
			return 0, err
		}
		t.Push(x)
		if k == e {
			break
		}
	}
	return int(n) + 1, nil
}

// table.concat(list [, sep [, i [, j]]])
func tableConcat(t *lunar.Thread, args []lunar.Value) (int, error) {
	a, err := tableCheck(t, args, 1, tableNeedRead|tableNeedLen)
	if err != nil {
		return 0, err
	}
	last, err := a.length()
	if err != nil {
		return 0, err
	}
	sep, err := t.OptString(args, 2, "")
	if err != nil {
		return 0, err
	}
	i, err := t.OptInteger(args, 3, 1)
	if err != nil {
		return 0, err
	}
	if last, err = t.OptInteger(args, 4, last); err != nil {
		return 0, err
	}
	if i > last {
		t.Push(lunar.String(""))
		return 1, nil
	}
	var sb strings.Builder
	if a.raw != nil {
		// Size the result first so that it is built with one allocation.
		size := uint64(len(sep)) * (uint64(last) - uint64(i))
		for k := i; ; k++ {
			v := a.raw.GetInt(k)
			switch {
			case v.IsString():
				size += uint64(len(v.AsString()))
			case v.IsNumber():
				size += 24
			default:
				return 0, tableConcatError(t, v, k)
			}
			if k == last {
				break
			}
		}
		if size < 1<<40 {
			sb.Grow(int(size))
		}
	}
	for k := i; ; k++ {
		v, err := a.get(k)
		if err != nil {
			return 0, err
		}
		if !tableAppendValue(&sb, v) {
			return 0, tableConcatError(t, v, k)
		}
		if k == last {
			break
		}
		sb.WriteString(sep)
	}
	t.Push(lunar.String(sb.String()))
	return 1, nil
}

// tableAppendValue appends a string or a number (formatted as tostring
// formats it) to sb; it reports false for any other value.
func tableAppendValue(sb *strings.Builder, v lunar.Value) bool {
	switch {
	case v.IsString():
		sb.WriteString(v.AsString())
	case v.IsInt():
		var buf [24]byte
		sb.Write(strconv.AppendInt(buf[:0], v.AsInt(), 10))
	case v.IsFloat():
		sb.WriteString(lunar.FormatFloat(v.AsFloat()))
	default:
		return false
	}
	return true
}

// tableConcatError is the error of concat for a value that is neither a
// string nor a number, worded as the reference (5.4.4) words it.
func tableConcatError(t *lunar.Thread, v lunar.Value, i int64) error {
	return t.Errorf("invalid value (%s) at index %d in table for 'concat'", v.TypeName(), i)
}
