package lunar

import "fmt"

// Argument helpers for Go functions, in the manner of the reference's
// luaL_check* and luaL_opt* functions. Argument numbers are 1-based, as
// error messages show them; args is the slice a GoFunction receives.

// Arg returns argument n (1-based), or nil when absent.
func Arg(args []Value, n int) Value {
	if n-1 < len(args) {
		return args[n-1]
	}
	return Nil
}

// IsNoneOrNil reports whether argument n is absent or nil.
func IsNoneOrNil(args []Value, n int) bool { return n-1 >= len(args) || args[n-1].IsNil() }

// CheckAny fails with "value expected" when argument n is absent.
func (th *Thread) CheckAny(args []Value, n int) error {
	if n-1 >= len(args) {
		return th.ArgError(n, "value expected")
	}
	return nil
}

// CheckInteger returns argument n as an integer; floats with an exact
// integer value and numeric strings are accepted.
func (th *Thread) CheckInteger(args []Value, n int) (int64, error) {
	v := Arg(args, n)
	if v.p == pInt {
		return int64(v.n), nil
	}
	if i, ok := v.ToInteger(); ok {
		return i, nil
	}
	if _, ok := v.ToNumber(); ok {
		return 0, th.ArgError(n, "number has no integer representation")
	}
	return 0, th.TypeError(args, n, "number")
}

// OptInteger is CheckInteger with a default for an absent or nil argument.
func (th *Thread) OptInteger(args []Value, n int, def int64) (int64, error) {
	if IsNoneOrNil(args, n) {
		return def, nil
	}
	return th.CheckInteger(args, n)
}

// CheckNumber returns argument n as a float (numeric strings accepted).
func (th *Thread) CheckNumber(args []Value, n int) (float64, error) {
	v := Arg(args, n)
	if f, ok := v.ToFloat(); ok {
		return f, nil
	}
	return 0, th.TypeError(args, n, "number")
}

// CheckNumberValue returns argument n as a number Value, keeping the
// integer/float subtype (numeric strings converted).
func (th *Thread) CheckNumberValue(args []Value, n int) (Value, error) {
	v := Arg(args, n)
	if nv, ok := v.ToNumber(); ok {
		return nv, nil
	}
	return Nil, th.TypeError(args, n, "number")
}

// OptNumber is CheckNumber with a default.
func (th *Thread) OptNumber(args []Value, n int, def float64) (float64, error) {
	if IsNoneOrNil(args, n) {
		return def, nil
	}
	return th.CheckNumber(args, n)
}

// CheckString returns argument n as a string; numbers are converted.
func (th *Thread) CheckString(args []Value, n int) (string, error) {
	v := Arg(args, n)
	if s, ok := v.ToString(); ok {
		return s, nil
	}
	return "", th.TypeError(args, n, "string")
}

// OptString is CheckString with a default.
func (th *Thread) OptString(args []Value, n int, def string) (string, error) {
	if IsNoneOrNil(args, n) {
		return def, nil
	}
	return th.CheckString(args, n)
}

// CheckTable returns argument n, which must be a table.
func (th *Thread) CheckTable(args []Value, n int) (*Table, error) {
	if t := Arg(args, n).AsTable(); t != nil {
		return t, nil
	}
	return nil, th.TypeError(args, n, "table")
}

// CheckType fails unless argument n has type t.
func (th *Thread) CheckType(args []Value, n int, t Type) error {
	if Arg(args, n).Type() != t || n-1 >= len(args) {
		return th.TypeError(args, n, t.String())
	}
	return nil
}

// CheckFunction fails unless argument n is a function.
func (th *Thread) CheckFunction(args []Value, n int) (Value, error) {
	v := Arg(args, n)
	if v.IsFunction() {
		return v, nil
	}
	return Nil, th.TypeError(args, n, "function")
}

// CheckUserdata returns argument n's userdata if its metatable is the one
// registered under name (see State.NewMetatable), else fails with
// "<name> expected".
func (th *Thread) CheckUserdata(args []Value, n int, name string) (*Userdata, error) {
	u := Arg(args, n).AsUserdata()
	if u != nil && u.meta != nil && u.meta == th.state.registry.GetStr(name).AsTable() {
		return u, nil
	}
	return nil, th.TypeError(args, n, name)
}

// CheckOption returns the index of argument n in opts (def when absent),
// failing with "invalid option 'x'".
func (th *Thread) CheckOption(args []Value, n int, def string, opts []string) (int, error) {
	var s string
	var err error
	if def != "" {
		s, err = th.OptString(args, n, def)
	} else {
		s, err = th.CheckString(args, n)
	}
	if err != nil {
		return 0, err
	}
	for i, o := range opts {
		if o == s {
			return i, nil
		}
	}
	return 0, th.ArgError(n, "invalid option '"+s+"'")
}

// ToStringMeta converts any value to a string as tostring does: __tostring
// and __name are honoured (the reference's luaL_tolstring).
func (th *Thread) ToStringMeta(v Value) (string, error) {
	if h := th.MetaField(v, "__tostring"); !h.IsNil() {
		r, err := th.Call1(h, v)
		if err != nil {
			return "", err
		}
		if s, ok := r.ToString(); ok { // a number is a string here
			return s, nil
		}
		return "", th.Errorf("'__tostring' must return a string")
	}
	switch v.Type() {
	case TypeNil:
		return "nil", nil
	case TypeBoolean:
		if v.AsBool() {
			return "true", nil
		}
		return "false", nil
	case TypeNumber, TypeString:
		s, _ := v.ToString()
		return s, nil
	}
	kind := v.TypeName()
	if mt := th.state.metatable(v); mt != nil {
		if n := mt.GetStr("__name"); n.IsString() {
			kind = n.AsString()
		}
	}
	return kind + ": " + addressOf(v), nil
}

// CheckStack makes sure n more values can be pushed; msg, when not empty,
// is added to the "stack overflow" error, as the reference's
// luaL_checkstack does.
func (th *Thread) CheckStack(n int, msg string) error {
	if th.top+n+regWindow > maxStack {
		if msg != "" {
			return th.Errorf("stack overflow (%s)", msg)
		}
		return th.Errorf("stack overflow")
	}
	return th.ensureStack(n)
}

// MetaField returns field name of v's metatable (nil when v has no
// metatable or no such field), without metamethods.
func (th *Thread) MetaField(v Value, name string) Value {
	if mt := th.state.metatable(v); mt != nil {
		return mt.GetStr(name)
	}
	return Nil
}

// addressOf formats the identity of a reference value for tostring.
func addressOf(v Value) string { return fmt.Sprintf("%p", v.p) }
