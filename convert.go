package lunar

// Conversion of values between Go and Lua: ToValue (Go → Lua), FromValue
// and Value.Interface (Lua → Go), Go functions with typed signatures
// (WrapFunc, State.RegisterFunc) and Lua functions as typed Go callbacks
// (State.FromValue).
//
// Most of this needs no State: Lua values (tables and functions included)
// belong to no state until a script stores them, so converted values may
// be built once and handed to any state. State.ToValue charges what it
// makes to the state's memory limit, and State.FromValue can turn Lua
// functions into Go funcs, which call them on the state. Conversions go
// through reflect; common typed function signatures have hand-written or
// generic adapters so that calls between Go and Lua allocate nothing.
//
// The files: convert.go (Go → Lua), convert_from.go (Lua → Go),
// convert_struct.go (struct fields), convert_errors.go (errors and their
// paths), convert_func.go (Go functions callable from Lua),
// convert_adapters.go (their fast adapters) and convert_callback.go (Lua
// functions callable from Go).

import (
	"math"
	"reflect"
	"strconv"
	"time"
)

var (
	typeValue      = reflect.TypeFor[Value]()
	typeTable      = reflect.TypeFor[*Table]()
	typeUserdata   = reflect.TypeFor[*Userdata]()
	typeThread     = reflect.TypeFor[*Thread]()
	typeGoFunction = reflect.TypeFor[GoFunction]()
	typeTime       = reflect.TypeFor[time.Time]()
	typeError      = reflect.TypeFor[error]()
)

// cycleCheckDepth is the nesting depth past which conversions record the
// references they are inside, to detect cycles (as encoding/json does):
// shallow values, the common case, pay nothing for the check.
const cycleCheckDepth = 100

// ---------------------------------------------------------------------------
// Go → Lua

// ToValue converts a Go value to a Lua value. The mapping, type by type:
//
//   - nil, a nil pointer, a nil interface, a nil slice, a nil map or a nil
//     func: nil.
//   - bool: boolean.
//   - int, int8, int16, int32, int64 and named types of them (such as
//     time.Duration, in nanoseconds, and time.Month): integer.
//   - uint, uint8, uint16, uint32, uint64, uintptr: integer; a value above
//     math.MaxInt64 is an error (a Lua integer is an int64, and a float
//     would silently change the value: convert it yourself, to a float or
//     to a string, if that is what you want).
//   - float64: float. float32: the float64 nearest to the float32's
//     shortest decimal form, so float32(0.1) is 0.1 in Lua rather than
//     0.10000000149011612.
//   - string: string, not copied. []byte (any slice of a byte kind): a
//     string holding a copy of the bytes.
//   - slice, array: a sequence (a table with the elements at 1..n). A nil
//     element (a nil pointer, say) leaves a hole.
//   - map with keys of a string, integer, float, bool or interface type: a
//     table with the converted keys; a NaN key is an error.
//   - struct: a table of its exported fields, keyed by field name or by
//     the name in a `lua:"name"` tag. `lua:"-"` skips a field and
//     `lua:"name,omitempty"` (or `lua:",omitempty"`) skips it when it is
//     false, 0, "", a nil pointer or interface, or an empty slice, map or
//     array. Fields of embedded structs are promoted as encoding/json
//     promotes them (the shallowest wins; a tagged one wins a tie; a tie
//     otherwise drops the name). Fields that convert to nil are absent.
//   - pointer: the value it points to (a table is a copy: changes made by
//     Lua are not seen by Go; pass a pointer in a full userdata for
//     sharing).
//   - time.Time: the integer number of seconds since the Unix epoch (the
//     value of os.time(); os.date formats it), fractions of a second
//     dropped.
//   - Value: as it is. *Table, *Userdata, *Thread: the table, userdata or
//     thread.
//   - GoFunction, or a func(*Thread, []Value) (int, error): a Lua function
//     calling it directly.
//   - any other func: a Lua function made by WrapFunc (see there for how
//     arguments and results convert), named for error messages by the map
//     key or field name it is found under. A Go callback made from a Lua
//     function (State.FromValue) is such a func too: calling it from Lua
//     calls the Lua function through Go.
//   - interface: the value it holds.
//
// Anything else (channels, complex numbers, unsafe pointers) is an error.
// So is a cycle: a value that contains itself through pointers, maps or
// slices gives a *ConversionError "cyclic value". Values reached twice
// without a cycle are converted twice, into separate tables. Errors are
// *ConversionError values locating the offending part ("servers[2].port").
//
// ToValue needs no State: Lua values belong to none until a script
// stores them, so a converted value may be shared by several states as
// long as they don't run concurrently while they modify it. It charges
// nothing to any state's memory limit; State.ToValue does.
func ToValue(x any) (Value, error) {
	switch x := x.(type) {
	case nil:
		return Nil, nil
	case Value:
		return x, nil
	case bool:
		return Bool(x), nil
	case int:
		return Int(int64(x)), nil
	case int64:
		return Int(x), nil
	case int32:
		return Int(int64(x)), nil
	case float64:
		return Float(x), nil
	case string:
		return String(x), nil
	case []byte:
		if x == nil {
			return Nil, nil
		}
		return String(string(x)), nil
	case *Table:
		return TableValue(x), nil
	case GoFunction:
		if x == nil {
			return Nil, nil
		}
		return NewFunction("", x), nil
	case func(*Thread, []Value) (int, error):
		if x == nil {
			return Nil, nil
		}
		return NewFunction("", x), nil
	}
	var e encoder
	return e.encode(reflect.ValueOf(x), "")
}

// ToValue converts x as the package's ToValue does, and charges the
// tables and strings it makes (strings at their length, tables as the VM
// charges its own) against the state's Limits.Memory: during a run (from
// a Go function, say) to the run's account, as the script's own
// allocations, and outside a run against the limit for this conversion
// alone. A conversion that goes past the limit stops at once with a
// *LimitError naming "memory", so a huge Go map never becomes a huge
// table. Tables it makes keep charging their growth to the state's runs,
// as the script's tables do. Values of type Value are not charged.
//
// The arguments of a Go callback (see FromValue) and the results of the
// Go functions made by WrapFunc are converted this way.
func (s *State) ToValue(x any) (Value, error) {
	if v, ok := x.(Value); ok {
		return v, nil
	}
	e := encoder{s: s}
	return e.encode(reflect.ValueOf(x), "")
}

// encoder converts Go values to Lua values, tracking the references it is
// inside to detect cycles.
type encoder struct {
	depth int
	seen  map[refKey]struct{}
	// s, when not nil, is the state charged for the tables and strings
	// made; used counts what this conversion has made so far.
	s    *State
	used int64
}

// charge accounts n bytes made by the conversion against the memory
// limit of e.s, if any.
func (e *encoder) charge(n int64) error {
	s := e.s
	if s == nil {
		return nil
	}
	c := &s.ctl
	e.used += n
	if s.inRun() {
		c.allocated += n
		// What this conversion made is not reachable yet: count it as
		// pending if the live memory is measured.
		if s.overMemory(e.used) {
			return s.current().limitError("memory", nil)
		}
		return nil
	}
	if l := c.limits.Memory; l > 0 && e.used > l {
		return s.main.limitError("memory", nil)
	}
	return nil
}

// newTable makes a table with room for narr elements and nhash entries,
// charged to e.s.
func (e *encoder) newTable(narr, nhash int) (*Table, error) {
	if e.s == nil {
		return NewTable(narr, nhash), nil
	}
	if err := e.charge(tableBaseSize + int64(narr)*valueSize + int64(nhash)*nodeSize); err != nil {
		return nil, err
	}
	t := NewTable(narr, nhash)
	t.acct = &e.s.ctl.allocated
	return t, nil
}

// string makes a Lua string of s, charged to e.s.
func (e *encoder) string(s string) (Value, error) {
	if err := e.charge(int64(len(s))); err != nil {
		return Nil, err
	}
	return String(s), nil
}

// refKey identifies a pointer, map or slice (with its length, since
// slices of different lengths of one array are different values).
type refKey struct {
	p uintptr
	n int
	t reflect.Type
}

// enter records that the conversion goes inside the reference rv; leave
// undoes it. Past cycleCheckDepth, entering a reference already entered is
// a cycle.
func (e *encoder) enter(rv reflect.Value) (refKey, error) {
	e.depth++
	if e.depth <= cycleCheckDepth {
		return refKey{}, nil
	}
	k := refKey{p: rv.Pointer(), t: rv.Type()}
	if rv.Kind() == reflect.Slice {
		k.n = rv.Len()
	}
	if _, dup := e.seen[k]; dup {
		e.depth--
		return refKey{}, convErrorf("cyclic value")
	}
	if e.seen == nil {
		e.seen = make(map[refKey]struct{})
	}
	e.seen[k] = struct{}{}
	return k, nil
}

func (e *encoder) leave(k refKey) {
	if k.t != nil {
		delete(e.seen, k)
	}
	e.depth--
}

// encode converts rv; name names a function for its error messages.
func (e *encoder) encode(rv reflect.Value, name string) (Value, error) {
	if !rv.IsValid() {
		return Nil, nil
	}
	if v, ok, err := encodeSpecial(rv, name); ok {
		return v, err
	}
	switch rv.Kind() {
	case reflect.Bool:
		return Bool(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Int(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return encodeUint(rv.Uint())
	case reflect.Float32:
		return Float(float32To64(float32(rv.Float()))), nil
	case reflect.Float64:
		return Float(rv.Float()), nil
	case reflect.String:
		return e.string(rv.String())
	case reflect.Interface:
		if rv.IsNil() {
			return Nil, nil
		}
		return e.encode(rv.Elem(), name)
	case reflect.Pointer:
		if rv.IsNil() {
			return Nil, nil
		}
		k, err := e.enter(rv)
		if err != nil {
			return Nil, err
		}
		v, err := e.encode(rv.Elem(), name)
		e.leave(k)
		return v, err
	case reflect.Slice:
		if rv.IsNil() {
			return Nil, nil
		}
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return e.string(string(rv.Bytes()))
		}
		k, err := e.enter(rv)
		if err != nil {
			return Nil, err
		}
		v, err := e.encodeSequence(rv)
		e.leave(k)
		return v, err
	case reflect.Array:
		return e.encodeSequence(rv)
	case reflect.Map:
		if rv.IsNil() {
			return Nil, nil
		}
		if err := checkMapKey(rv.Type().Key()); err != nil {
			return Nil, err
		}
		k, err := e.enter(rv)
		if err != nil {
			return Nil, err
		}
		v, err := e.encodeMap(rv)
		e.leave(k)
		return v, err
	case reflect.Struct:
		return e.encodeStruct(rv)
	case reflect.Func:
		if rv.IsNil() {
			return Nil, nil
		}
		fn, err := WrapFunc(name, rv.Interface())
		return fn, err
	}
	return Nil, convErrorf("cannot convert %s to a Lua value", rv.Type())
}

// encodeSpecial converts the types that have a mapping of their own; ok
// is false for other types.
func encodeSpecial(rv reflect.Value, name string) (v Value, ok bool, err error) {
	switch rv.Type() {
	case typeValue:
		return rv.Interface().(Value), true, nil
	case typeTable:
		return TableValue(rv.Interface().(*Table)), true, nil
	case typeUserdata:
		return UserdataValue(rv.Interface().(*Userdata)), true, nil
	case typeThread:
		return ThreadValue(rv.Interface().(*Thread)), true, nil
	case typeGoFunction:
		if rv.IsNil() {
			return Nil, true, nil
		}
		return NewFunction(name, rv.Interface().(GoFunction)), true, nil
	case typeTime:
		return Int(rv.Interface().(time.Time).Unix()), true, nil
	}
	return Nil, false, nil
}

func encodeUint(u uint64) (Value, error) {
	if u > math.MaxInt64 {
		return Nil, convErrorf("%d overflows a Lua integer", u)
	}
	return Int(int64(u)), nil
}

// float32To64 returns the float64 nearest to f's shortest decimal form.
func float32To64(f float32) float64 {
	if math.IsInf(float64(f), 0) || f != f {
		return float64(f)
	}
	var buf [32]byte
	d, err := strconv.ParseFloat(string(strconv.AppendFloat(buf[:0], float64(f), 'g', -1, 32)), 64)
	if err != nil {
		return float64(f)
	}
	return d
}

func (e *encoder) encodeSequence(rv reflect.Value) (Value, error) {
	n := rv.Len()
	t, err := e.newTable(n, 0)
	if err != nil {
		return Nil, err
	}
	for i := 0; i < n; i++ {
		v, err := e.encode(rv.Index(i), "")
		if err != nil {
			return Nil, atIndex(err, i+1)
		}
		t.SetInt(int64(i+1), v)
	}
	return TableValue(t), nil
}

// checkMapKey reports whether maps with key type t can become tables.
func checkMapKey(t reflect.Type) error {
	if t == typeValue {
		return nil
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Interface,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return nil
	}
	return convErrorf("cannot convert map key type %s to a Lua value", t)
}

func (e *encoder) encodeMap(rv reflect.Value) (Value, error) {
	t, err := e.newTable(0, rv.Len())
	if err != nil {
		return Nil, err
	}
	it := rv.MapRange()
	for it.Next() {
		kv := it.Key()
		for kv.Kind() == reflect.Interface && !kv.IsNil() {
			kv = kv.Elem()
		}
		if kv.Kind() == reflect.Interface || kv.Kind() == reflect.Pointer && kv.IsNil() {
			return Nil, convErrorf("table index is nil")
		}
		k, err := e.encode(kv, "")
		if err != nil {
			return Nil, err
		}
		name := ""
		if k.IsString() {
			name = k.AsString()
		}
		v, err := e.encode(it.Value(), name)
		if err != nil {
			return Nil, atKey(err, k)
		}
		if err := t.Set(k, v); err != nil {
			return Nil, atKey(convErrorf("%s", err.Error()), k)
		}
	}
	return TableValue(t), nil
}

func (e *encoder) encodeStruct(rv reflect.Value) (Value, error) {
	info := structInfoOf(rv.Type())
	t, err := e.newTable(0, len(info.fields))
	if err != nil {
		return Nil, err
	}
	for i := range info.fields {
		f := &info.fields[i]
		fv := rv
		ok := true
		for j, x := range f.index {
			if j > 0 && fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					ok = false // promoted through a nil embedded pointer
					break
				}
				fv = fv.Elem()
			}
			fv = fv.Field(x)
		}
		if !ok || f.omitEmpty && isEmptyValue(fv) {
			continue
		}
		v, err := e.encode(fv, f.name)
		if err != nil {
			return Nil, atField(err, f.name)
		}
		if !v.IsNil() {
			t.SetStr(f.name, v)
		}
	}
	return TableValue(t), nil
}

// isEmptyValue is omitempty's test, as encoding/json's.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer, reflect.Func:
		return v.IsZero()
	}
	return false
}
