package lunar

// Conversion of values between Go and Lua: ToValue (Go → Lua), FromValue
// and Value.Interface (Lua → Go), and Go functions with typed signatures
// (WrapFunc, State.RegisterFunc).
//
// None of this needs a State: Lua values (tables and functions included)
// belong to no state until a script stores them, so converted values may
// be built once and handed to any state. Conversions go through reflect;
// the common typed function signatures have hand-written adapters (at the
// end of this file) so that calling them from Lua allocates nothing.

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// ConversionError reports a value that cannot be converted between Go and
// Lua: by ToValue, FromValue, or for the arguments and results of a Go
// function made by WrapFunc.
type ConversionError struct {
	// Path locates the offending part inside the value, in Lua's terms:
	// "servers[2].port", `headers["Content-Type"]`; empty for the value
	// itself. Sequence indexes count from 1.
	Path string
	// Msg says what went wrong: "number expected, got string",
	// "number has no integer representation", "cyclic value", ...
	Msg string

	// expected is the Lua type wanted when the value had the wrong type;
	// a function's argument errors use it to word the reference's
	// "bad argument" message.
	expected string
}

// Error returns "lunar: path: msg".
func (e *ConversionError) Error() string {
	if e.Path == "" {
		return "lunar: " + e.Msg
	}
	return "lunar: " + e.Path + ": " + e.Msg
}

// convErrorf makes a ConversionError at the value itself.
func convErrorf(format string, args ...any) error {
	return &ConversionError{Msg: fmt.Sprintf(format, args...)}
}

// mismatch reports a Lua value of the wrong type.
func mismatch(expected string, v Value) error {
	return &ConversionError{Msg: expected + " expected, got " + luaTypeName(v), expected: expected}
}

// atField, atIndex and atKey put err inside a field, a sequence index or
// a map key, building the path from the inside out.
func atField(err error, name string) error {
	if isIdentifier(name) {
		return prependPath(err, name)
	}
	return prependPath(err, "["+strconv.Quote(name)+"]")
}

func atIndex(err error, i int) error {
	return prependPath(err, "["+strconv.Itoa(i)+"]")
}

func atKey(err error, k Value) error {
	if k.IsString() {
		return atField(err, k.AsString())
	}
	s, ok := k.ToString()
	if !ok {
		s = "?"
	}
	return prependPath(err, "["+s+"]")
}

// prependPath puts seg (a field name or a bracketed key) in front of the
// path of a *ConversionError.
func prependPath(err error, seg string) error {
	ce, ok := err.(*ConversionError)
	if !ok {
		return err
	}
	ce.expected = ""
	switch {
	case ce.Path == "":
		ce.Path = seg
	case strings.HasPrefix(ce.Path, "["):
		ce.Path = seg + ce.Path
	default:
		ce.Path = seg + "." + ce.Path
	}
	return err
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r < utf8.RuneSelf && unicode.IsLetter(r) || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// luaTypeName names v's type as the reference's error messages do: the
// metatable's __name when there is one.
func luaTypeName(v Value) string {
	var mt *Table
	if t := v.AsTable(); t != nil {
		mt = t.Metatable()
	} else if u := v.AsUserdata(); u != nil {
		mt = u.Metatable()
	}
	if mt != nil {
		if n := mt.GetStr("__name"); n.IsString() {
			return n.AsString()
		}
	}
	if v.Type() == TypeLightUserdata {
		return "light userdata"
	}
	return v.TypeName()
}

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
//     key or field name it is found under.
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
// long as they don't run concurrently while they modify it.
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

// encoder converts Go values to Lua values, tracking the references it is
// inside to detect cycles.
type encoder struct {
	depth int
	seen  map[refKey]struct{}
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
		return String(rv.String()), nil
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
			return String(string(rv.Bytes())), nil
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
	t := NewTable(n, 0)
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
	t := NewTable(0, rv.Len())
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
	t := NewTable(0, len(info.fields))
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

// ---------------------------------------------------------------------------
// Struct fields

// structField is a field as Lua sees it: a key of the struct's table.
type structField struct {
	name      string
	index     []int // path of field indexes, through embedded structs
	omitEmpty bool
	tagged    bool
}

// structInfo lists a struct type's fields in declaration order, with
// indexes by name for decoding.
type structInfo struct {
	fields []structField
	byName map[string]int
	byFold map[string]int // lower-cased names, for case-insensitive matching
}

var structInfos sync.Map // reflect.Type → *structInfo

func structInfoOf(t reflect.Type) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	fields := typeFields(t)
	si := &structInfo{fields: fields, byName: make(map[string]int, len(fields)), byFold: make(map[string]int, len(fields))}
	for i, f := range fields {
		si.byName[f.name] = i
		if _, dup := si.byFold[strings.ToLower(f.name)]; !dup {
			si.byFold[strings.ToLower(f.name)] = i
		}
	}
	actual, _ := structInfos.LoadOrStore(t, si)
	return actual.(*structInfo)
}

// typeFields finds the fields of struct type t, promoting those of
// embedded structs by encoding/json's rules: breadth first, the
// shallowest field of a name wins, a tagged one wins a tie at the same
// depth, and any other tie hides the name.
func typeFields(t reflect.Type) []structField {
	type embedded struct {
		typ   reflect.Type
		index []int
	}
	var fields []structField
	visited := map[reflect.Type]bool{}
	next := []embedded{{typ: t}}
	for len(next) > 0 {
		current := next
		next = nil
		// A type embedded twice at one depth is walked twice, so that its
		// fields tie and hide each other, as in encoding/json.
		for _, c := range current {
			if visited[c.typ] {
				continue
			}
			for i := 0; i < c.typ.NumField(); i++ {
				sf := c.typ.Field(i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if sf.Anonymous {
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("lua")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(slices.Clip(c.index), i)
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct && ft != typeTime {
					next = append(next, embedded{typ: ft, index: index})
					continue
				}
				f := structField{name: name, index: index, tagged: name != ""}
				if name == "" {
					f.name = sf.Name
				}
				for opt := range strings.SplitSeq(opts, ",") {
					if opt == "omitempty" {
						f.omitEmpty = true
					}
				}
				fields = append(fields, f)
			}
		}
		for _, c := range current {
			visited[c.typ] = true
		}
	}
	// Keep the dominant field of each name, then restore declaration
	// order.
	slices.SortStableFunc(fields, func(a, b structField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		group := fields[i:j]
		if len(group) == 1 || len(group[0].index) < len(group[1].index) || group[0].tagged && !group[1].tagged {
			out = append(out, group[0])
		}
		i = j
	}
	slices.SortFunc(out, func(a, b structField) int { return slices.Compare(a.index, b.index) })
	return out
}

// ---------------------------------------------------------------------------
// Lua → Go

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
//     GoFunction: v must be a function made by Go.
//
// For any target, a full userdata whose Data can be assigned to it is
// stored as it is. Tables are read raw: metamethods are not called. A
// table that contains itself gives "cyclic value" unless the target stops
// the recursion. Errors are *ConversionError values locating the
// offending part ("servers[2].port: number expected, got string"); parts
// converted before an error stay stored.
func FromValue(v Value, target any) error {
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
	var d decoder
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
		if gf := v.asGoFunction(); gf != nil && typeGoFunction.ConvertibleTo(t) {
			rv.Set(reflect.ValueOf(gf.fn).Convert(t))
			return nil
		}
		if v.IsFunction() {
			return convErrorf("cannot convert a Lua function to %s", t)
		}
		return mismatch("function", v)
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

// ---------------------------------------------------------------------------
// Go functions with typed signatures

// WrapFunc returns a Lua function that calls the Go function fn; name is
// used in error messages when the call site gives no better one.
//
// A GoFunction, or a func(*Thread, []Value) (int, error), is called
// directly. Any other func is called through an adapter:
//
//   - A first parameter of type *Thread receives the calling thread (to
//     call Lua functions back, say); Lua does not see it.
//   - Each other parameter receives the matching Lua argument converted as
//     FromValue converts it; extra arguments are ignored, a variadic last
//     parameter takes the rest. An argument that does not convert raises
//     the reference's error: "bad argument #1 to 'add' (number expected,
//     got string)". An absent or nil argument is an error for numbers,
//     strings, structs, arrays and time.Time ("number expected, got no
//     value"), and the zero value for other types (false for bool, nil
//     for pointers, slices, maps, interfaces and Value), which makes
//     pointer parameters optional.
//   - The results are converted by ToValue and returned to Lua. A last
//     result of type error is not returned: when not nil it is raised as
//     a Lua error, its message prefixed by the caller's position as
//     error() does (an *Error, from calling Lua back, is raised as it is).
//
// Common signatures over int, int64, float64, string and bool (such as
// func(float64) float64, func(string) string, func(int64, int64) int64,
// func(string) (string, error)) have adapters that call fn without
// reflection and allocate nothing; others go through reflect, which
// allocates a little per call. A panic in fn is not recovered.
//
// WrapFunc fails if fn is not a func, or if one of its parameter or
// result types cannot be converted (a channel, say).
func WrapFunc(name string, fn any) (Value, error) {
	gf, err := goFunctionOf(fn)
	if err != nil {
		return Nil, err
	}
	return NewFunction(name, gf), nil
}

// RegisterFunc sets global name to the Go function fn, wrapped by
// WrapFunc: a typed Go function becomes callable from Lua in one call.
//
//	err := s.RegisterFunc("add", func(a, b int64) int64 { return a + b })
func (s *State) RegisterFunc(name string, fn any) error {
	f, err := WrapFunc(name, fn)
	if err != nil {
		return err
	}
	s.SetGlobal(name, f)
	return nil
}

// goFunctionOf makes the GoFunction that calls fn.
func goFunctionOf(fn any) (GoFunction, error) {
	rv := reflect.ValueOf(fn)
	if rv.Kind() != reflect.Func {
		return nil, convErrorf("cannot make a Lua function of %T", fn)
	}
	if rv.IsNil() {
		return nil, convErrorf("cannot make a Lua function of a nil %T", fn)
	}
	if gf := fastAdapter(fn); gf != nil {
		return gf, nil
	}
	t := rv.Type()
	if t.Name() != "" {
		// A named func type: its unnamed form may have a fast adapter.
		in := make([]reflect.Type, t.NumIn())
		for i := range in {
			in[i] = t.In(i)
		}
		out := make([]reflect.Type, t.NumOut())
		for i := range out {
			out[i] = t.Out(i)
		}
		if gf := fastAdapter(rv.Convert(reflect.FuncOf(in, out, t.IsVariadic())).Interface()); gf != nil {
			return gf, nil
		}
	}
	return newReflectFunc(rv)
}

// reflectFunc calls a Go function of any convertible signature through
// reflect.
type reflectFunc struct {
	fn        reflect.Value
	thread    bool           // the first parameter is *Thread
	params    []reflect.Type // the parameters Lua passes (a variadic one as its slice type)
	variadic  bool
	nresults  int // results returned to Lua
	lastError bool
}

func newReflectFunc(rv reflect.Value) (GoFunction, error) {
	t := rv.Type()
	r := &reflectFunc{fn: rv, variadic: t.IsVariadic()}
	first := 0
	if t.NumIn() > 0 && t.In(0) == typeThread && !(t.NumIn() == 1 && r.variadic) {
		r.thread = true
		first = 1
	}
	for i := first; i < t.NumIn(); i++ {
		pt := t.In(i)
		check := pt
		if r.variadic && i == t.NumIn()-1 {
			check = pt.Elem()
		}
		if err := checkType(check, false, map[reflect.Type]bool{}); err != nil {
			return nil, convErrorf("cannot make a Lua function of %s: parameter %d: %s", t, i+1, err.(*ConversionError).Msg)
		}
		r.params = append(r.params, pt)
	}
	r.nresults = t.NumOut()
	if r.nresults > 0 && t.Out(r.nresults-1) == typeError {
		r.lastError = true
		r.nresults--
	}
	for i := range r.nresults {
		if err := checkType(t.Out(i), true, map[reflect.Type]bool{}); err != nil {
			return nil, convErrorf("cannot make a Lua function of %s: result %d: %s", t, i+1, err.(*ConversionError).Msg)
		}
	}
	return r.call, nil
}

// checkType reports whether values of type t convert to Lua (toLua) or
// from Lua.
func checkType(t reflect.Type, toLua bool, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	switch t {
	case typeValue, typeTable, typeUserdata, typeThread, typeGoFunction, typeTime:
		return nil
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Interface,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return nil
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return checkType(t.Elem(), toLua, seen)
	case reflect.Map:
		if err := checkMapKey(t.Key()); err != nil {
			return convErrorf("unsupported map key type %s", t.Key())
		}
		if err := checkType(t.Key(), toLua, seen); err != nil {
			return err
		}
		return checkType(t.Elem(), toLua, seen)
	case reflect.Struct:
		for _, f := range structInfoOf(t).fields {
			if err := checkType(t.FieldByIndex(f.index).Type, toLua, seen); err != nil {
				return err
			}
		}
		return nil
	case reflect.Func:
		if toLua || typeGoFunction.ConvertibleTo(t) {
			return nil
		}
		return convErrorf("cannot convert a Lua function to %s (take a lunar.Value and call it with Thread.Call)", t)
	}
	return convErrorf("unsupported type %s", t)
}

// call is the GoFunction of a reflectFunc.
func (r *reflectFunc) call(th *Thread, args []Value) (int, error) {
	in := make([]reflect.Value, 0, len(r.params)+1)
	if r.thread {
		in = append(in, reflect.ValueOf(th))
	}
	fixed := len(r.params)
	if r.variadic {
		fixed--
	}
	for i := range fixed {
		p := reflect.New(r.params[i]).Elem()
		if err := decodeArg(th, args, i+1, p); err != nil {
			return 0, err
		}
		in = append(in, p)
	}
	var out []reflect.Value
	if r.variadic {
		extra := max(len(args)-fixed, 0)
		rest := reflect.MakeSlice(r.params[fixed], extra, extra)
		for j := range extra {
			if err := decodeArg(th, args, fixed+j+1, rest.Index(j)); err != nil {
				return 0, err
			}
		}
		out = r.fn.CallSlice(append(in, rest))
	} else {
		out = r.fn.Call(in)
	}
	if r.lastError {
		if e := out[r.nresults]; !e.IsNil() {
			return 0, funcError(th, e.Interface().(error))
		}
	}
	for i := range r.nresults {
		var e encoder
		v, err := e.encode(out[i], "")
		if err != nil {
			return 0, th.Errorf("bad result #%d (%s)", i+1, strings.TrimPrefix(err.Error(), "lunar: "))
		}
		th.Push(v)
	}
	return r.nresults, nil
}

// nilArgOK reports whether an absent or nil argument may convert to the
// zero value of t.
func nilArgOK(t reflect.Type) bool {
	if t == typeValue {
		return true
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Func:
		return true
	}
	return false
}

// decodeArg stores argument n (1-based) in rv, or returns the reference's
// "bad argument" error.
func decodeArg(th *Thread, args []Value, n int, rv reflect.Value) error {
	v := Arg(args, n)
	if v.IsNil() && !nilArgOK(rv.Type()) {
		return th.TypeError(args, n, expectedName(rv.Type()))
	}
	var d decoder
	if err := d.decode(v, rv); err != nil {
		return argError(th, args, n, err)
	}
	return nil
}

// argError turns a conversion error of argument n into a Lua error.
func argError(th *Thread, args []Value, n int, err error) error {
	ce, ok := err.(*ConversionError)
	if !ok {
		return err
	}
	if ce.Path == "" && ce.expected != "" {
		return th.TypeError(args, n, ce.expected)
	}
	msg := ce.Msg
	if ce.Path != "" {
		msg = ce.Path + ": " + msg
	}
	return th.ArgError(n, msg)
}

// funcError turns the error returned by a wrapped Go function into the
// Lua error it raises.
func funcError(th *Thread, err error) error {
	switch err.(type) {
	case *Error, uncatchable, interface{ LuaValue() Value }:
		return err
	}
	return th.Errorf("%s", err.Error())
}

// ---------------------------------------------------------------------------
// Adapters for common signatures: no reflection, no allocation per call.

// argFunc converts argument n as the matching luaL_check* function does.
type argFunc[A any] func(th *Thread, args []Value, n int) (A, error)

func argInt(th *Thread, args []Value, n int) (int, error) {
	i, err := th.CheckInteger(args, n)
	if err == nil && int64(int(i)) != i {
		err = argError(th, args, n, outOfRange(Int(i), reflect.TypeFor[int]()))
	}
	return int(i), err
}

func argInt64(th *Thread, args []Value, n int) (int64, error) { return th.CheckInteger(args, n) }

func argFloat64(th *Thread, args []Value, n int) (float64, error) { return th.CheckNumber(args, n) }

func argString(th *Thread, args []Value, n int) (string, error) { return th.CheckString(args, n) }

func argBool(th *Thread, args []Value, n int) (bool, error) {
	v := Arg(args, n)
	if v.IsBool() || v.IsNil() {
		return v.AsBool(), nil
	}
	return false, th.TypeError(args, n, "boolean")
}

func argValue(_ *Thread, args []Value, n int) (Value, error) { return Arg(args, n), nil }

func retInt(i int) Value         { return Int(int64(i)) }
func retInt64(i int64) Value     { return Int(i) }
func retFloat64(f float64) Value { return Float(f) }
func retString(s string) Value   { return String(s) }
func retBool(b bool) Value       { return Bool(b) }
func retValue(v Value) Value     { return v }

func adapt0[R any](f func() R, ret func(R) Value) GoFunction {
	return func(th *Thread, _ []Value) (int, error) {
		th.Push(ret(f()))
		return 1, nil
	}
}

func adapt1[A, R any](f func(A) R, a argFunc[A], ret func(R) Value) GoFunction {
	return func(th *Thread, args []Value) (int, error) {
		x, err := a(th, args, 1)
		if err != nil {
			return 0, err
		}
		th.Push(ret(f(x)))
		return 1, nil
	}
}

func adapt2[A, B, R any](f func(A, B) R, a argFunc[A], b argFunc[B], ret func(R) Value) GoFunction {
	return func(th *Thread, args []Value) (int, error) {
		x, err := a(th, args, 1)
		if err != nil {
			return 0, err
		}
		y, err := b(th, args, 2)
		if err != nil {
			return 0, err
		}
		th.Push(ret(f(x, y)))
		return 1, nil
	}
}

func adapt1E[A, R any](f func(A) (R, error), a argFunc[A], ret func(R) Value) GoFunction {
	return func(th *Thread, args []Value) (int, error) {
		x, err := a(th, args, 1)
		if err != nil {
			return 0, err
		}
		r, err := f(x)
		if err != nil {
			return 0, funcError(th, err)
		}
		th.Push(ret(r))
		return 1, nil
	}
}

// adapt1N adapts a function of one argument and no result.
func adapt1N[A any](f func(A), a argFunc[A]) GoFunction {
	return func(th *Thread, args []Value) (int, error) {
		x, err := a(th, args, 1)
		if err != nil {
			return 0, err
		}
		f(x)
		return 0, nil
	}
}

// adapt1Err adapts a function of one argument returning only an error.
func adapt1Err[A any](f func(A) error, a argFunc[A]) GoFunction {
	return func(th *Thread, args []Value) (int, error) {
		x, err := a(th, args, 1)
		if err != nil {
			return 0, err
		}
		if err := f(x); err != nil {
			return 0, funcError(th, err)
		}
		return 0, nil
	}
}

// fastAdapter returns a reflection-free GoFunction for fn's signature, or
// nil when it has none.
func fastAdapter(fn any) GoFunction {
	switch f := fn.(type) {
	case GoFunction:
		return f
	case func(*Thread, []Value) (int, error):
		return f
	case func():
		return func(*Thread, []Value) (int, error) { f(); return 0, nil }
	case func() error:
		return func(th *Thread, _ []Value) (int, error) {
			if err := f(); err != nil {
				return 0, funcError(th, err)
			}
			return 0, nil
		}

	case func() int:
		return adapt0(f, retInt)
	case func() int64:
		return adapt0(f, retInt64)
	case func() float64:
		return adapt0(f, retFloat64)
	case func() string:
		return adapt0(f, retString)
	case func() bool:
		return adapt0(f, retBool)

	case func(int):
		return adapt1N(f, argInt)
	case func(int64):
		return adapt1N(f, argInt64)
	case func(float64):
		return adapt1N(f, argFloat64)
	case func(string):
		return adapt1N(f, argString)
	case func(bool):
		return adapt1N(f, argBool)
	case func(Value):
		return adapt1N(f, argValue)
	case func(string) error:
		return adapt1Err(f, argString)

	case func(int) int:
		return adapt1(f, argInt, retInt)
	case func(int64) int64:
		return adapt1(f, argInt64, retInt64)
	case func(float64) float64:
		return adapt1(f, argFloat64, retFloat64)
	case func(string) string:
		return adapt1(f, argString, retString)
	case func(bool) bool:
		return adapt1(f, argBool, retBool)
	case func(Value) Value:
		return adapt1(f, argValue, retValue)
	case func(string) int:
		return adapt1(f, argString, retInt)
	case func(string) int64:
		return adapt1(f, argString, retInt64)
	case func(string) float64:
		return adapt1(f, argString, retFloat64)
	case func(string) bool:
		return adapt1(f, argString, retBool)
	case func(int) string:
		return adapt1(f, argInt, retString)
	case func(int64) string:
		return adapt1(f, argInt64, retString)
	case func(float64) string:
		return adapt1(f, argFloat64, retString)
	case func(int64) float64:
		return adapt1(f, argInt64, retFloat64)
	case func(float64) int64:
		return adapt1(f, argFloat64, retInt64)
	case func(Value) bool:
		return adapt1(f, argValue, retBool)

	case func(int, int) int:
		return adapt2(f, argInt, argInt, retInt)
	case func(int64, int64) int64:
		return adapt2(f, argInt64, argInt64, retInt64)
	case func(float64, float64) float64:
		return adapt2(f, argFloat64, argFloat64, retFloat64)
	case func(string, string) string:
		return adapt2(f, argString, argString, retString)
	case func(string, int) string:
		return adapt2(f, argString, argInt, retString)
	case func(string, string) bool:
		return adapt2(f, argString, argString, retBool)
	case func(int, int) bool:
		return adapt2(f, argInt, argInt, retBool)
	case func(int64, int64) bool:
		return adapt2(f, argInt64, argInt64, retBool)
	case func(float64, float64) bool:
		return adapt2(f, argFloat64, argFloat64, retBool)

	case func(string) (string, error):
		return adapt1E(f, argString, retString)
	case func(string) (int, error):
		return adapt1E(f, argString, retInt)
	case func(string) (int64, error):
		return adapt1E(f, argString, retInt64)
	case func(string) (float64, error):
		return adapt1E(f, argString, retFloat64)
	case func(string) (bool, error):
		return adapt1E(f, argString, retBool)
	case func(int) (int, error):
		return adapt1E(f, argInt, retInt)
	case func(int64) (int64, error):
		return adapt1E(f, argInt64, retInt64)
	case func(float64) (float64, error):
		return adapt1E(f, argFloat64, retFloat64)
	case func(Value) (Value, error):
		return adapt1E(f, argValue, retValue)
	}
	return nil
}
