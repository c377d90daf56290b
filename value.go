package lunar

import (
	"math"
	"unsafe"
)

// Value is a Lua value. It is 16 bytes and holds nil, booleans, integers
// and floats without any heap allocation; strings point at their bytes, and
// the other types at their object.
//
// Layout: p is nil for nil; one of the sentinel addresses below for
// booleans, integers and floats (n then holds the payload bits); otherwise
// p points at the object (or at the string's bytes) and the top byte of n
// holds the object's tag (and, for strings, the low 56 bits the length).
// The zero Value is nil.
type Value struct {
	p unsafe.Pointer
	n uint64
}

// Type is the basic type of a Lua value (§2.1), numbered as the reference
// numbers them.
type Type int8

// The basic types.
const (
	TypeNone          Type = -1
	TypeNil           Type = 0
	TypeBoolean       Type = 1
	TypeLightUserdata Type = 2
	TypeNumber        Type = 3
	TypeString        Type = 4
	TypeTable         Type = 5
	TypeFunction      Type = 6
	TypeUserdata      Type = 7
	TypeThread        Type = 8
)

var typeNames = [...]string{"nil", "boolean", "userdata", "number", "string", "table", "function", "userdata", "thread"}

// String returns the type's name as Lua's type function returns it.
func (t Type) String() string {
	if t == TypeNone {
		return "no value"
	}
	return typeNames[t]
}

// Object tags stored in the top byte of n for pointer values.
const (
	tagString uint64 = iota + 1
	tagTable
	tagLuaFunction
	tagGoFunction
	tagUserdata
	tagLightUserdata
	tagThread
)

const (
	tagShift = 56
	lenMask  = 1<<tagShift - 1
)

// sentinels gives the addresses that mark immediate values. Only their
// addresses matter.
var sentinels [5]uint64

var (
	pBool        = unsafe.Pointer(&sentinels[0])
	pInt         = unsafe.Pointer(&sentinels[1])
	pFloat       = unsafe.Pointer(&sentinels[2])
	pEmptyString = unsafe.Pointer(&sentinels[3])
	// pDeadKey marks the key of a removed hash entry (see Table): n holds
	// the key's hash, not the key, so that the entry keeps nothing alive.
	pDeadKey = unsafe.Pointer(&sentinels[4])
)

// Nil is the nil value (the zero Value).
var Nil = Value{}

// True and False are the boolean values.
var (
	True  = Value{p: pBool, n: 1}
	False = Value{p: pBool, n: 0}
)

// Bool returns the Lua boolean b.
func Bool(b bool) Value {
	if b {
		return True
	}
	return False
}

// Int returns the Lua integer i.
func Int(i int64) Value { return Value{p: pInt, n: uint64(i)} }

// Float returns the Lua float f.
func Float(f float64) Value { return Value{p: pFloat, n: math.Float64bits(f)} }

// String returns the Lua string s. It does not copy or allocate.
func String(s string) Value {
	if len(s) == 0 {
		return Value{p: pEmptyString, n: tagString << tagShift}
	}
	return Value{p: unsafe.Pointer(unsafe.StringData(s)), n: tagString<<tagShift | uint64(len(s))}
}

func objectValue(p unsafe.Pointer, tag uint64) Value {
	return Value{p: p, n: tag << tagShift}
}

// TableValue returns t as a Value (nil if t is nil).
func TableValue(t *Table) Value {
	if t == nil {
		return Nil
	}
	return objectValue(unsafe.Pointer(t), tagTable)
}

// UserdataValue returns u as a Value (nil if u is nil).
func UserdataValue(u *Userdata) Value {
	if u == nil {
		return Nil
	}
	return objectValue(unsafe.Pointer(u), tagUserdata)
}

// LightUserdata returns a light userdata holding p, which must point to a
// Go-allocated object (or be nil). Two light userdata are equal when their
// pointers are.
func LightUserdata(p unsafe.Pointer) Value {
	return Value{p: p, n: tagLightUserdata << tagShift}
}

// ThreadValue returns th as a Value.
func ThreadValue(th *Thread) Value {
	if th == nil {
		return Nil
	}
	return objectValue(unsafe.Pointer(th), tagThread)
}

func (v Value) tag() uint64 { return v.n >> tagShift }

// Type returns the value's basic type.
func (v Value) Type() Type {
	switch v.p {
	case nil:
		if v.n == 0 {
			return TypeNil
		}
		return TypeLightUserdata // light userdata holding a nil pointer
	case pBool:
		return TypeBoolean
	case pInt, pFloat:
		return TypeNumber
	}
	switch v.tag() {
	case tagString:
		return TypeString
	case tagTable:
		return TypeTable
	case tagLuaFunction, tagGoFunction:
		return TypeFunction
	case tagUserdata:
		return TypeUserdata
	case tagLightUserdata:
		return TypeLightUserdata
	case tagThread:
		return TypeThread
	}
	panic("lunar: corrupt value")
}

// TypeName returns the name of the value's type ("nil", "number", ...).
func (v Value) TypeName() string { return v.Type().String() }

// IsNil reports whether v is nil.
func (v Value) IsNil() bool { return v.p == nil && v.n == 0 }

// IsInt reports whether v is an integer.
func (v Value) IsInt() bool { return v.p == pInt }

// IsFloat reports whether v is a float.
func (v Value) IsFloat() bool { return v.p == pFloat }

// IsNumber reports whether v is an integer or a float.
func (v Value) IsNumber() bool { return v.p == pInt || v.p == pFloat }

// IsBool reports whether v is a boolean.
func (v Value) IsBool() bool { return v.p == pBool }

// IsString reports whether v is a string.
func (v Value) IsString() bool { return v.isObject() && v.tag() == tagString }

// IsTable reports whether v is a table.
func (v Value) IsTable() bool { return v.isObject() && v.tag() == tagTable }

// IsFunction reports whether v is a function (Lua or Go).
func (v Value) IsFunction() bool {
	return v.isObject() && (v.tag() == tagLuaFunction || v.tag() == tagGoFunction)
}

func (v Value) isObject() bool {
	return v.p != nil && v.p != pBool && v.p != pInt && v.p != pFloat
}

// Truthy reports whether v counts as true in a condition: everything but
// nil and false.
func (v Value) Truthy() bool { return !(v.p == nil && v.n == 0) && !(v.p == pBool && v.n == 0) }

// AsBool returns the boolean held by v (false if v is not a boolean).
func (v Value) AsBool() bool { return v.p == pBool && v.n != 0 }

// AsInt returns the integer held by v; v must be an integer.
func (v Value) AsInt() int64 { return int64(v.n) }

// AsFloat returns the float held by v; v must be a float.
func (v Value) AsFloat() float64 { return math.Float64frombits(v.n) }

// AsString returns the string held by v; v must be a string.
func (v Value) AsString() string {
	return unsafe.String((*byte)(v.p), int(v.n&lenMask))
}

// AsTable returns the table held by v, or nil if v is not a table.
func (v Value) AsTable() *Table {
	if v.IsTable() {
		return (*Table)(v.p)
	}
	return nil
}

// AsUserdata returns the full userdata held by v, or nil.
func (v Value) AsUserdata() *Userdata {
	if v.isObject() && v.tag() == tagUserdata {
		return (*Userdata)(v.p)
	}
	return nil
}

// AsThread returns the thread held by v, or nil.
func (v Value) AsThread() *Thread {
	if v.isObject() && v.tag() == tagThread {
		return (*Thread)(v.p)
	}
	return nil
}

// AsLightUserdata returns the pointer held by a light userdata.
func (v Value) AsLightUserdata() unsafe.Pointer { return v.p }

// strLen returns the length of a string value.
func (v Value) strLen() int { return int(v.n & lenMask) }

// ToFloat converts a number (or a string convertible to a number, §3.4.3)
// to a float.
func (v Value) ToFloat() (float64, bool) {
	switch v.p {
	case pFloat:
		return v.AsFloat(), true
	case pInt:
		return float64(int64(v.n)), true
	}
	if v.IsString() {
		if n, ok := StringToNumber(v.AsString()); ok {
			return n.ToFloat()
		}
	}
	return 0, false
}

// ToInteger converts v to an integer following §3.4.3: integers as they
// are, floats only when they have an exact integer value, strings through
// their numeric value.
func (v Value) ToInteger() (int64, bool) {
	switch v.p {
	case pInt:
		return int64(v.n), true
	case pFloat:
		return FloatToInteger(v.AsFloat())
	}
	if v.IsString() {
		if n, ok := StringToNumber(v.AsString()); ok {
			return n.ToInteger()
		}
	}
	return 0, false
}

// ToNumber converts v to a number value (integer or float): numbers as
// they are, strings by Lua's rules. ok is false for anything else.
func (v Value) ToNumber() (Value, bool) {
	if v.IsNumber() {
		return v, true
	}
	if v.IsString() {
		return StringToNumber(v.AsString())
	}
	return Nil, false
}

// ToString converts a string or a number to a string (numbers formatted as
// Lua formats them); ok is false for other types.
func (v Value) ToString() (string, bool) {
	switch v.p {
	case pInt:
		return formatInt(int64(v.n)), true
	case pFloat:
		return FormatFloat(v.AsFloat()), true
	}
	if v.IsString() {
		return v.AsString(), true
	}
	return "", false
}

// FloatToInteger returns f as an integer when f has an exact integer value
// that fits an int64.
func FloatToInteger(f float64) (int64, bool) {
	// -2^63 <= f < 2^63, and integral.
	if f >= -9223372036854775808.0 && f < 9223372036854775808.0 {
		i := int64(f)
		if float64(i) == f {
			return i, true
		}
	}
	return 0, false
}

// RawEqual reports whether a and b are primitively equal (§3.4.4): no
// metamethods; integers and floats compare by mathematical value.
func RawEqual(a, b Value) bool {
	if a.p == b.p {
		if a.p == pFloat {
			return a.AsFloat() == b.AsFloat()
		}
		if a.n == b.n {
			return true
		}
		if a.p == pInt || a.p == pBool || a.p == nil {
			return false
		}
	}
	switch {
	case a.p == pInt && b.p == pFloat:
		return float64(int64(a.n)) == b.AsFloat() && intFloatEq(int64(a.n), b.AsFloat())
	case a.p == pFloat && b.p == pInt:
		return intFloatEq(int64(b.n), a.AsFloat())
	}
	if a.IsString() && b.IsString() {
		return a.AsString() == b.AsString()
	}
	return false
}

// intFloatEq compares an integer and a float exactly.
func intFloatEq(i int64, f float64) bool {
	fi, ok := FloatToInteger(f)
	return ok && fi == i
}
