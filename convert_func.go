package lunar

// Go functions with typed signatures: WrapFunc and State.RegisterFunc,
// and the reflect-based adapter used for any signature.

import (
	"reflect"
	"strings"
)

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
//   - A parameter of a func type (other than GoFunction) receives a Lua
//     function, or a value with a __call metamethod, as a typed Go
//     callback: func(int) int, func(string) (string, error), func(...any),
//     func(). Calling it calls the Lua function on the thread fn was
//     called on; see State.FromValue for how its arguments, results and
//     errors convert.
//   - The results are converted by State.ToValue (charged to the memory
//     limit) and returned to Lua. A last result of type error is not
//     returned: when not nil it is raised as a Lua error, its message
//     prefixed by the caller's position as error() does (an *Error, from
//     calling Lua back, is raised as it is, and so is a *LimitError).
//
// Common signatures over int, int64, float64, string and bool (such as
// func(float64) float64, func(string) string, func(int64, int64) int64,
// func(string) (string, error)) have adapters that call fn without
// reflection and allocate nothing; others go through reflect, which
// allocates a little per call.
//
// A panic in fn is not recovered, except a panic with an *Error or a
// *LimitError, which is how a callback without an error result reports
// that its Lua function failed: the adapter of a function that goes
// through reflect (any function taking a callback does) raises that
// error in Lua, so that pcall catches an *Error and limits stay
// uncatchable.
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
		if gf := fastAdapter(rv.Convert(unnamedFunc(t)).Interface()); gf != nil {
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
		return checkCallback(t, seen)
	}
	return convErrorf("unsupported type %s", t)
}

// call is the GoFunction of a reflectFunc.
func (r *reflectFunc) call(th *Thread, args []Value) (nresults int, err error) {
	defer func() {
		if p := recover(); p != nil {
			nresults, err = 0, callbackPanic(p)
		}
	}()
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
	e := encoder{s: th.state}
	for i := range r.nresults {
		v, err := e.encode(out[i], "")
		if err != nil {
			if _, ok := err.(*ConversionError); !ok {
				return 0, err // a limit
			}
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
	d := decoder{s: th.state}
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
