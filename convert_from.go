package lunar

// Lua → Go: FromValue and Value.Interface.

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// FromValue stores the Lua value v in the Go value target points to, as
// json.Unmarshal does with JSON. target must be a non-nil pointer. The
// mapping, by the type of the target:
//
//   - any type: Lua nil stores the zero value.
//   - bool: a boolean.
//   - int and uint kinds: an integer, a float with an exact integer value,
//     or a string that converts to one (Lua's own coercions, §3.4.3);
//     "number has no integer representation" for other floats, an error
//     for a value out of the type's range (negative for unsigned kinds).
//   - float32, float64: a number or a numeric string; out of float32's
//     range is an error.
//   - string: a string, or a number (formatted as Lua's tostring does).
//   - []byte: a string (copied), or a sequence of byte values.
//   - slice: a sequence: elements 1..#t (the raw length, no __len).
//   - array: elements 1..len of the table; missing ones are zero.
//   - map: every key and value of the table, each converted to the map's
//     key and element type; a nil map is made, an existing one added to.
//   - struct: a table; a string key sets the exported field of that name
//     or `lua:"name"` tag (embedded structs' fields promoted as ToValue
//     promotes them), matched exactly or else case-insensitively; other
//     keys are ignored, and fields without a key keep their value.
//   - pointer: allocated when nil, then filled as its element type.
//   - interface{} (any): the natural mapping of Value.Interface.
//   - other interfaces: a full userdata whose Data implements it.
//   - time.Time: an integer or float number of seconds since the epoch
//     (in time.Local), or a table with the fields of os.date("*t")
//     (year, month, day required; hour defaults to 12, min and sec to 0;
//     local time, as os.time reads it).
//   - Value: v as it is. *Table, *Userdata, *Thread: v must be one.
//     GoFunction (and func types it converts to): v must be a function
//     made by Go.
//   - any other func type: a Lua function, or a value with a __call
//     metamethod, as a typed Go callback; only State.FromValue and the
//     parameters of functions made by WrapFunc make callbacks, since
//     calling one needs a state (FromValue returns an error).
//
// For any target, a full userdata whose Data can be assigned to it is
// stored as it is. Tables are read raw: metamethods are not called. A
// table that contains itself gives "cyclic value" unless the target stops
// the recursion. Errors are *ConversionError values locating the
// offending part ("servers[2].port: number expected, got string"); parts
// converted before an error stay stored.
func FromValue(v Value, target any) error {
	return fromValue(nil, v, target)
}

// FromValue stores v in the Go value target points to as the package's
// FromValue does, except that a Lua function (or a value with a __call
// metamethod) converts to a Go func of any signature whose parameter
// types ToValue converts and whose result types FromValue converts: a
// typed callback that calls the Lua function on s. The callback is made
// with reflect.MakeFunc, which allocates a little per call; func(int)
// int, func(string) string, func(string) (string, error), func(int, int)
// bool, func() and the like (over int, int64, float64, string, bool and
// Value) are made without it, and calling them during a run allocates
// nothing.
//
// When called, the callback converts its arguments with s.ToValue (a
// variadic parameter's elements become separate arguments), calls the
// Lua function through the normal call path, so that the run's
// instruction and memory limits, its context and Interrupt apply, and
// converts the first results to its result types as FromValue does,
// except that a missing or nil result is an error where a nil argument of
// a function made by WrapFunc is one (numbers, strings, structs, arrays,
// time.Time): "bad result #1 from callback (number expected, got no
// value)". Extra results are dropped.
//
// Errors (a Lua error, a limit, a result that does not convert) are
// returned as the callback's last result when it is of type error: an
// *Error (a conversion error is its Cause), or a *LimitError, which a Go
// function made by WrapFunc may return as it is to raise it in Lua. A
// callback without an error result panics with the error instead; the
// adapter of a function made by WrapFunc that takes the callback as a
// parameter recovers that panic and raises the error in Lua, where pcall
// catches an *Error and a limit stays uncatchable. In a plain GoFunction
// the panic is not recovered on the way (pcall cannot catch it): it ends
// the whole run, which returns the error, and the state stays usable. In
// the host outside a run, give the func type an error result or recover
// the panic.
//
// Lua values may only be touched by the goroutine running the state, so
// a callback is valid only on the goroutine that runs s, when s is
// running a Go function or is not running at all: during the call of the
// Go function that received it, or of any Go function of a later run (it
// calls the Lua function on the thread running then, a coroutine
// included), or outside a run, where it calls the Lua function as
// State.Call does, with context.Background(). Calling it from another
// goroutine while s runs is not allowed: when s is seen running Lua code
// at that moment the callback fails with ErrStateBusy rather than corrupt
// the state, but this cheap check cannot see every such call (one made
// while s runs a Go function, or one racing with a run that starts), so
// don't rely on it.
func (s *State) FromValue(v Value, target any) error {
	return fromValue(s, v, target)
}

func fromValue(s *State, v Value, target any) error {
	switch p := target.(type) {
	case *Value:
		if p != nil {
			*p = v
			return nil
		}
	case *any:
		if p != nil {
			var d decoder
			x, err := d.natural(v)
			if err == nil {
				*p = x
			}
			return err
		}
	}
	rv := reflect.ValueOf(target)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return convErrorf("FromValue needs a non-nil pointer, got %T", target)
	}
	d := decoder{s: s}
	return d.decode(v, rv.Elem())
}

// Interface returns v as a Go value, by the natural mapping:
//
//   - nil: nil. boolean: bool. integer: int64. float: float64.
//     string: string.
//   - table: []any when its keys are exactly 1..n (n ≥ 1), else
//     map[string]any, with integer and float keys formatted as tostring
//     formats them and boolean keys as "true" and "false" (keys of other
//     types are left out). The empty table is an empty map[string]any.
//     A table met again inside itself is nil there, so that cycles end
//     (a table reached twice without a cycle is converted twice).
//   - full userdata: its Data. light userdata: its unsafe.Pointer.
//     thread: the *Thread.
//   - function: the Value itself (call it with State.Call).
//
// FromValue into an *any gives the same result, but fails where
// Interface leaves things out.
func (v Value) Interface() any {
	d := decoder{lenient: true}
	x, _ := d.natural(v)
	return x
}

// decoder converts Lua values to Go values, tracking the tables it is
// inside to detect cycles.
type decoder struct {
	depth int
	seen  map[*Table]struct{}
	// lenient makes the natural mapping skip what it cannot convert
	// instead of failing, and track every table from the top so that a
	// cycle is cut where it closes (Value.Interface).
	lenient bool
	// s is the state that Lua functions converted to Go funcs call; nil
	// when there is none (FromValue).
	s *State
}

func (d *decoder) enter(t *Table) (tracked bool, err error) {
	d.depth++
	if d.depth <= cycleCheckDepth && !d.lenient {
		return false, nil
	}
	if _, dup := d.seen[t]; dup {
		d.depth--
		return false, convErrorf("cyclic value")
	}
	if d.seen == nil {
		d.seen = make(map[*Table]struct{})
	}
	d.seen[t] = struct{}{}
	return true, nil
}

func (d *decoder) leave(t *Table, tracked bool) {
	if tracked {
		delete(d.seen, t)
	}
	d.depth--
}

// toInteger converts v to an integer by Lua's rules.
func toInteger(v Value) (int64, error) {
	if v.IsInt() {
		return v.AsInt(), nil
	}
	if i, ok := v.ToInteger(); ok {
		return i, nil
	}
	if _, ok := v.ToNumber(); ok {
		return 0, convErrorf("number has no integer representation")
	}
	return 0, mismatch("number", v)
}

func outOfRange(v Value, t reflect.Type) error {
	s, _ := v.ToString()
	return convErrorf("number %s out of range for %s", s, t)
}

// decode stores v in rv, which must be settable.
func (d *decoder) decode(v Value, rv reflect.Value) error {
	t := rv.Type()
	if v.IsNil() {
		rv.SetZero()
		return nil
	}
	switch t {
	case typeValue:
		rv.Set(reflect.ValueOf(v))
		return nil
	case typeTable:
		if tb := v.AsTable(); tb != nil {
			rv.Set(reflect.ValueOf(tb))
			return nil
		}
		return mismatch("table", v)
	case typeUserdata:
		if u := v.AsUserdata(); u != nil {
			rv.Set(reflect.ValueOf(u))
			return nil
		}
		return mismatch("userdata", v)
	case typeThread:
		if th := v.AsThread(); th != nil {
			rv.Set(reflect.ValueOf(th))
			return nil
		}
		return mismatch("thread", v)
	case typeTime:
		return d.decodeTime(v, rv)
	}
	if u := v.AsUserdata(); u != nil && u.Data != nil && reflect.TypeOf(u.Data).AssignableTo(t) {
		rv.Set(reflect.ValueOf(u.Data))
		return nil
	}
	switch rv.Kind() {
	case reflect.Bool:
		if !v.IsBool() {
			return mismatch("boolean", v)
		}
		rv.SetBool(v.AsBool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := toInteger(v)
		if err != nil {
			return err
		}
		if rv.OverflowInt(i) {
			return outOfRange(v, t)
		}
		rv.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		i, err := toInteger(v)
		if err != nil {
			return err
		}
		if i < 0 || rv.OverflowUint(uint64(i)) {
			return outOfRange(v, t)
		}
		rv.SetUint(uint64(i))
	case reflect.Float32, reflect.Float64:
		f, ok := v.ToFloat()
		if !ok {
			return mismatch("number", v)
		}
		if rv.Kind() == reflect.Float32 && !math.IsInf(f, 0) && math.Abs(f) > math.MaxFloat32 {
			return outOfRange(v, t)
		}
		rv.SetFloat(f)
	case reflect.String:
		s, ok := v.ToString()
		if !ok {
			return mismatch("string", v)
		}
		rv.SetString(s)
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return convErrorf("cannot convert %s to %s", luaTypeName(v), t)
		}
		x, err := d.natural(v)
		if err != nil {
			return err
		}
		if x == nil {
			rv.SetZero()
		} else {
			rv.Set(reflect.ValueOf(x))
		}
	case reflect.Pointer:
		if rv.IsNil() {
			rv.Set(reflect.New(t.Elem()))
		}
		return d.decode(v, rv.Elem())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && v.IsString() {
			s := reflect.MakeSlice(t, v.strLen(), v.strLen())
			reflect.Copy(s, reflect.ValueOf(v.AsString()))
			rv.Set(s)
			return nil
		}
		return d.decodeTable(v, rv, d.decodeSlice)
	case reflect.Array:
		return d.decodeTable(v, rv, d.decodeArray)
	case reflect.Map:
		return d.decodeTable(v, rv, d.decodeMap)
	case reflect.Struct:
		return d.decodeTable(v, rv, d.decodeStruct)
	case reflect.Func:
		if typeGoFunction.ConvertibleTo(t) {
			if gf := v.asGoFunction(); gf != nil {
				rv.Set(reflect.ValueOf(gf.fn).Convert(t))
				return nil
			}
			if v.IsFunction() {
				return convErrorf("cannot convert a Lua function to %s", t)
			}
			return mismatch("function", v)
		}
		if !isCallable(v) {
			return mismatch("function", v)
		}
		if d.s == nil {
			return convErrorf("cannot convert a Lua function to %s without a state (use State.FromValue)", t)
		}
		f, err := newCallback(d.s, v, t)
		if err != nil {
			return err
		}
		rv.Set(f)
	default:
		return convErrorf("cannot convert %s to %s", luaTypeName(v), t)
	}
	return nil
}

// decodeTable checks that v is a table and runs fill inside it.
func (d *decoder) decodeTable(v Value, rv reflect.Value, fill func(*Table, reflect.Value) error) error {
	tb := v.AsTable()
	if tb == nil {
		return mismatch(expectedName(rv.Type()), v)
	}
	tracked, err := d.enter(tb)
	if err != nil {
		return err
	}
	err = fill(tb, rv)
	d.leave(tb, tracked)
	return err
}

func (d *decoder) decodeSlice(tb *Table, rv reflect.Value) error {
	n := tb.Length()
	s := reflect.MakeSlice(rv.Type(), int(n), int(n))
	for i := range int(n) {
		if err := d.decode(tb.GetInt(int64(i+1)), s.Index(i)); err != nil {
			return atIndex(err, i+1)
		}
	}
	rv.Set(s)
	return nil
}

func (d *decoder) decodeArray(tb *Table, rv reflect.Value) error {
	for i := range rv.Len() {
		if err := d.decode(tb.GetInt(int64(i+1)), rv.Index(i)); err != nil {
			return atIndex(err, i+1)
		}
	}
	return nil
}

func (d *decoder) decodeMap(tb *Table, rv reflect.Value) error {
	t := rv.Type()
	if rv.IsNil() {
		rv.Set(reflect.MakeMap(t))
	}
	for k, val := range tableEntries(tb) {
		kv := reflect.New(t.Key()).Elem()
		if err := d.decode(k, kv); err != nil {
			return atKey(err, k)
		}
		if kv.Kind() == reflect.Interface && !kv.IsNil() && !kv.Elem().Type().Comparable() {
			return atKey(convErrorf("cannot use a %s as a map key", luaTypeName(k)), k)
		}
		ev := reflect.New(t.Elem()).Elem()
		if err := d.decode(val, ev); err != nil {
			return atKey(err, k)
		}
		rv.SetMapIndex(kv, ev)
	}
	return nil
}

func (d *decoder) decodeStruct(tb *Table, rv reflect.Value) error {
	info := structInfoOf(rv.Type())
	for k, val := range tableEntries(tb) {
		if !k.IsString() {
			continue
		}
		name := k.AsString()
		i, ok := info.byName[name]
		if !ok {
			if i, ok = info.byFold[strings.ToLower(name)]; !ok {
				continue
			}
		}
		f := &info.fields[i]
		fv := rv
		for j, x := range f.index {
			if j > 0 && fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					if !fv.CanSet() {
						return atField(convErrorf("cannot set embedded pointer to unexported struct %s", fv.Type().Elem()), name)
					}
					fv.Set(reflect.New(fv.Type().Elem()))
				}
				fv = fv.Elem()
			}
			fv = fv.Field(x)
		}
		if err := d.decode(val, fv); err != nil {
			return atField(err, name)
		}
	}
	return nil
}

// tableEntries iterates over a table's entries.
func tableEntries(t *Table) func(yield func(k, v Value) bool) {
	return func(yield func(k, v Value) bool) {
		k := Nil
		for {
			nk, v, ok, err := t.Next(k)
			if !ok || err != nil || !yield(nk, v) {
				return
			}
			k = nk
		}
	}
}

func (d *decoder) decodeTime(v Value, rv reflect.Value) error {
	if tb := v.AsTable(); tb != nil {
		field := func(name string, def int64) (int, error) {
			fv := tb.GetStr(name)
			if fv.IsNil() {
				if def < 0 {
					return 0, convErrorf("field '%s' missing in date table", name)
				}
				return int(def), nil
			}
			i, err := toInteger(fv)
			if err != nil || i != int64(int32(i)) {
				return 0, convErrorf("field '%s' is not an integer", name)
			}
			return int(i), nil
		}
		var parts [6]int
		for i, name := range [...]string{"year", "month", "day", "hour", "min", "sec"} {
			def := [...]int64{-1, -1, -1, 12, 0, 0}[i]
			p, err := field(name, def)
			if err != nil {
				return err
			}
			parts[i] = p
		}
		rv.Set(reflect.ValueOf(time.Date(parts[0], time.Month(parts[1]), parts[2], parts[3], parts[4], parts[5], 0, time.Local)))
		return nil
	}
	n, ok := v.ToNumber()
	if !ok {
		return mismatch("number", v)
	}
	if n.IsInt() {
		rv.Set(reflect.ValueOf(time.Unix(n.AsInt(), 0)))
		return nil
	}
	f := n.AsFloat()
	sec := math.Floor(f)
	if !(sec >= math.MinInt64 && sec < math.MaxInt64) {
		return convErrorf("time %s out of range", FormatFloat(f))
	}
	rv.Set(reflect.ValueOf(time.Unix(int64(sec), int64(math.Round((f-sec)*1e9)))))
	return nil
}

// natural converts v by Value.Interface's natural mapping.
func (d *decoder) natural(v Value) (any, error) {
	switch v.Type() {
	case TypeNil:
		return nil, nil
	case TypeBoolean:
		return v.AsBool(), nil
	case TypeNumber:
		if v.IsInt() {
			return v.AsInt(), nil
		}
		return v.AsFloat(), nil
	case TypeString:
		return v.AsString(), nil
	case TypeTable:
		tb := v.AsTable()
		tracked, err := d.enter(tb)
		if err != nil {
			if d.lenient {
				return nil, nil
			}
			return nil, err
		}
		x, err := d.naturalTable(tb)
		d.leave(tb, tracked)
		return x, err
	case TypeUserdata:
		return v.AsUserdata().Data, nil
	case TypeLightUserdata:
		return v.AsLightUserdata(), nil
	case TypeThread:
		return v.AsThread(), nil
	}
	return v, nil
}

func (d *decoder) naturalTable(tb *Table) (any, error) {
	if n := tb.Length(); n > 0 && isSequence(tb, n) {
		s := make([]any, n)
		for i := range s {
			x, err := d.natural(tb.GetInt(int64(i + 1)))
			if err != nil {
				return nil, atIndex(err, i+1)
			}
			s[i] = x
		}
		return s, nil
	}
	m := make(map[string]any)
	for k, val := range tableEntries(tb) {
		var key string
		switch k.Type() {
		case TypeString, TypeNumber:
			key, _ = k.ToString()
		case TypeBoolean:
			key = strconv.FormatBool(k.AsBool())
		default:
			if d.lenient {
				continue
			}
			return nil, convErrorf("cannot convert a table key of type %s to a string", luaTypeName(k))
		}
		x, err := d.natural(val)
		if err != nil {
			return nil, atKey(err, k)
		}
		m[key] = x
	}
	return m, nil
}

// isSequence reports whether the keys of tb are exactly 1..n.
func isSequence(tb *Table, n int64) bool {
	count := int64(0)
	for k := range tableEntries(tb) {
		if !k.IsInt() || k.AsInt() < 1 || k.AsInt() > n {
			return false
		}
		count++
	}
	return count == n
}

// expectedName is the Lua type that converts to Go type t, for messages.
func expectedName(t reflect.Type) string {
	switch t {
	case typeValue:
		return "value"
	case typeTable:
		return "table"
	case typeUserdata:
		return "userdata"
	case typeThread:
		return "thread"
	case typeTime:
		return "number"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string"
		}
		return "table"
	case reflect.Array, reflect.Map, reflect.Struct:
		return "table"
	case reflect.Pointer:
		return expectedName(t.Elem())
	case reflect.Func:
		return "function"
	}
	return "value"
}
