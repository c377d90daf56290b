package lunar

// Typed Go callbacks made from Lua functions: a Lua function received by
// State.FromValue, or by a parameter of a function made by WrapFunc, as a
// Go func of any convertible signature (func(int) int, func(string)
// (string, error), func(...any)). Common signatures have generic makers
// that call the Lua function without reflect and without allocating;
// others are made by reflect.MakeFunc.

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
)

// ErrStateBusy is the error of a Go callback made from a Lua function
// (see State.FromValue) that is called from another goroutine while its
// state runs Lua code: the callback fails rather than corrupt the state.
var ErrStateBusy = errors.New("lunar: callback called while its state runs on another goroutine")

// isCallable reports whether v can be called: a function, or a table or
// full userdata whose metatable has __call.
func isCallable(v Value) bool {
	if v.IsFunction() {
		return true
	}
	var mt *Table
	if t := v.AsTable(); t != nil {
		mt = t.Metatable()
	} else if u := v.AsUserdata(); u != nil {
		mt = u.Metatable()
	}
	return mt != nil && !mt.GetStr("__call").IsNil()
}

// callbackType is what a callback needs to know of its func type.
type callbackType struct {
	t         reflect.Type
	nresults  int  // results converted from Lua (a trailing error aside)
	errResult bool // the last result is an error
	// fast makes the func without reflect, for the common signatures;
	// nil for others.
	fast func(*callback) any
}

var callbackTypes sync.Map // reflect.Type → *callbackType

// callbackTypeOf checks that Lua functions can become Go funcs of type t.
func callbackTypeOf(t reflect.Type) (*callbackType, error) {
	if ct, ok := callbackTypes.Load(t); ok {
		return ct.(*callbackType), nil
	}
	if err := checkCallback(t, map[reflect.Type]bool{t: true}); err != nil {
		return nil, err
	}
	ct := &callbackType{t: t, nresults: t.NumOut()}
	if ct.nresults > 0 && t.Out(ct.nresults-1) == typeError {
		ct.errResult = true
		ct.nresults--
	}
	ct.fast = fastCallbacks[t]
	if ct.fast == nil && t.Name() != "" {
		// A named func type: its unnamed form may have a maker.
		ct.fast = fastCallbacks[unnamedFunc(t)]
	}
	actual, _ := callbackTypes.LoadOrStore(t, ct)
	return actual.(*callbackType), nil
}

// checkCallback checks the parameter and result types of callback type
// t; seen holds the types being checked, for recursive types.
func checkCallback(t reflect.Type, seen map[reflect.Type]bool) error {
	for i := range t.NumIn() {
		pt := t.In(i)
		if t.IsVariadic() && i == t.NumIn()-1 {
			pt = pt.Elem()
		}
		if err := checkType(pt, true, seen); err != nil {
			return convErrorf("cannot convert a Lua function to %s: parameter %d: %s", t, i+1, err.(*ConversionError).Msg)
		}
	}
	n := t.NumOut()
	if n > 0 && t.Out(n-1) == typeError {
		n--
	}
	for i := range n {
		if err := checkType(t.Out(i), false, seen); err != nil {
			return convErrorf("cannot convert a Lua function to %s: result %d: %s", t, i+1, err.(*ConversionError).Msg)
		}
	}
	return nil
}

// unnamedFunc returns the unnamed func type of func type t.
func unnamedFunc(t reflect.Type) reflect.Type {
	in := make([]reflect.Type, t.NumIn())
	for i := range in {
		in[i] = t.In(i)
	}
	out := make([]reflect.Type, t.NumOut())
	for i := range out {
		out[i] = t.Out(i)
	}
	return reflect.FuncOf(in, out, t.IsVariadic())
}

// callback is a Lua function called from Go through a typed func.
type callback struct {
	s  *State
	fn Value
	ct *callbackType
}

// newCallback makes the Go func of type t that calls fn on s.
func newCallback(s *State, fn Value, t reflect.Type) (reflect.Value, error) {
	ct, err := callbackTypeOf(t)
	if err != nil {
		return reflect.Value{}, err
	}
	c := &callback{s: s, fn: fn, ct: ct}
	if ct.fast != nil {
		f := reflect.ValueOf(ct.fast(c))
		if f.Type() != t {
			f = f.Convert(t)
		}
		return f, nil
	}
	return reflect.MakeFunc(t, c.call), nil
}

// invoke calls the Lua function with args and stores its first len(res)
// results in res (nil for missing ones); n is how many it returned.
//
// Inside a run it calls on the running thread, protected, so that an
// error leaves the thread as it was for the Go function to return the
// error (or handle it); outside a run it calls as State.Call does.
func (c *callback) invoke(args, res []Value) (n int, err error) {
	s := c.s
	if !s.inRun() {
		out, err := s.Call(context.Background(), c.fn, args...)
		if err != nil {
			return 0, err
		}
		fillResults(res, out)
		return len(out), nil
	}
	th := s.current()
	if f := th.frameAt(0); f == nil || f.gf == nil {
		// The state runs Lua code: the caller is not on its goroutine,
		// since only Go functions of the state call callbacks during a
		// run.
		return 0, ErrStateBusy
	}
	base := th.top
	if err := th.pushCall(c.fn, args); err != nil {
		return 0, err
	}
	if err := th.protectedCall(base, -1, Nil); err != nil {
		return 0, err
	}
	n = th.top - base
	fillResults(res, th.stack[base:th.top])
	th.top = base
	return n, nil
}

func fillResults(res, out []Value) {
	n := copy(res, out)
	for i := n; i < len(res); i++ {
		res[i] = Nil
	}
}

// call is the body of a callback made by reflect.MakeFunc.
func (c *callback) call(in []reflect.Value) []reflect.Value {
	ct := c.ct
	out := make([]reflect.Value, ct.t.NumOut())
	err := c.callReflect(in, out)
	if err != nil {
		if !ct.errResult {
			panic(err)
		}
		for i := range ct.nresults {
			out[i] = reflect.Zero(ct.t.Out(i))
		}
		out[ct.nresults] = reflect.ValueOf(&err).Elem()
		return out
	}
	if ct.errResult {
		out[ct.nresults] = reflect.Zero(typeError)
	}
	return out
}

// callReflect converts in to Lua, calls the function and stores the
// converted results in out.
func (c *callback) callReflect(in, out []reflect.Value) error {
	ct := c.ct
	args := make([]Value, 0, len(in))
	e := encoder{s: c.s}
	for i, a := range in {
		if ct.t.IsVariadic() && i == len(in)-1 {
			for j := range a.Len() {
				v, err := e.encode(a.Index(j), "")
				if err != nil {
					return c.argError(err, i+j+1)
				}
				args = append(args, v)
			}
			break
		}
		v, err := e.encode(a, "")
		if err != nil {
			return c.argError(err, i+1)
		}
		args = append(args, v)
	}
	res := make([]Value, ct.nresults)
	n, err := c.invoke(args, res)
	if err != nil {
		return err
	}
	for i, v := range res {
		rv := reflect.New(ct.t.Out(i)).Elem()
		if v.IsNil() && !nilArgOK(rv.Type()) {
			err = mismatch(expectedName(rv.Type()), v)
		} else {
			d := decoder{s: c.s}
			err = d.decode(v, rv)
		}
		if err != nil {
			return c.resultError(err, i, n)
		}
		out[i] = rv
	}
	return nil
}

// argError makes the error for argument n (1-based) that did not
// convert to Lua: a Lua error, with the conversion error as its cause.
// Other errors (a limit) are returned as they are.
func (c *callback) argError(err error, n int) error {
	ce, ok := err.(*ConversionError)
	if !ok {
		return err
	}
	return c.errorf(ce, "bad argument #%d to callback (%s)", n, conversionMessage(ce))
}

// resultError makes the error for result i (0-based) that did not
// convert from Lua; n results came back.
func (c *callback) resultError(err error, i, n int) error {
	ce, ok := err.(*ConversionError)
	if !ok {
		return err
	}
	msg := conversionMessage(ce)
	if i >= n && ce.Path == "" && ce.expected != "" {
		msg = ce.expected + " expected, got no value"
	}
	return c.errorf(ce, "bad result #%d from callback (%s)", i+1, msg)
}

// errorf makes a Lua error with the position of the Lua code that
// called the running Go function, caused by err.
func (c *callback) errorf(err error, format string, args ...any) error {
	where := ""
	if c.s.inRun() {
		where = c.s.current().where(1)
	}
	return &Error{Value: String(where + fmt.Sprintf(format, args...)), Cause: err}
}

func conversionMessage(ce *ConversionError) string {
	if ce.Path != "" {
		return ce.Path + ": " + ce.Msg
	}
	return ce.Msg
}

// callbackPanic returns the error a callback without an error result
// panicked with, to be raised in Lua; any other panic goes on.
func callbackPanic(p any) error {
	if err, ok := p.(error); ok {
		switch err.(type) {
		case *Error, uncatchable:
			return err
		}
	}
	panic(p)
}

// ---------------------------------------------------------------------------
// Callbacks without reflect

// fastCallbacks holds the makers of callbacks of common signatures, by
// func type.
var fastCallbacks = map[reflect.Type]func(*callback) any{}

func init() {
	fastArg(encInt)
	fastArg(encInt64)
	fastArg(encFloat64)
	fastArg(encString)
	fastArg(encBool)
	fastArg(encValue)
	fastResult(decInt)
	fastResult(decInt64)
	fastResult(decFloat64)
	fastResult(decString)
	fastResult(decBool)
	fastResult(decValue)
	fastCallbacks[reflect.TypeFor[func()]()] = func(c *callback) any {
		return func() {
			if _, err := c.invoke(nil, nil); err != nil {
				panic(err)
			}
		}
	}
	fastCallbacks[reflect.TypeFor[func() error]()] = func(c *callback) any {
		return func() error {
			_, err := c.invoke(nil, nil)
			return err
		}
	}
}

// argEncoder converts an argument to Lua, charging the state for what it
// makes; resultDecoder converts a result from Lua.
type (
	argEncoder[A any]    func(s *State, a A) (Value, error)
	resultDecoder[R any] func(v Value) (R, error)
)

func encInt(_ *State, i int) (Value, error)         { return Int(int64(i)), nil }
func encInt64(_ *State, i int64) (Value, error)     { return Int(i), nil }
func encFloat64(_ *State, f float64) (Value, error) { return Float(f), nil }
func encBool(_ *State, b bool) (Value, error)       { return Bool(b), nil }
func encValue(_ *State, v Value) (Value, error)     { return v, nil }

func encString(s *State, str string) (Value, error) {
	e := encoder{s: s}
	return e.string(str)
}

func decInt(v Value) (int, error) {
	i, err := toInteger(v)
	if err == nil && int64(int(i)) != i {
		err = outOfRange(v, reflect.TypeFor[int]())
	}
	return int(i), err
}

func decInt64(v Value) (int64, error) { return toInteger(v) }

func decFloat64(v Value) (float64, error) {
	if f, ok := v.ToFloat(); ok {
		return f, nil
	}
	return 0, mismatch("number", v)
}

func decString(v Value) (string, error) {
	if s, ok := v.ToString(); ok {
		return s, nil
	}
	return "", mismatch("string", v)
}

func decBool(v Value) (bool, error) {
	if v.IsBool() || v.IsNil() {
		return v.AsBool(), nil
	}
	return false, mismatch("boolean", v)
}

func decValue(v Value) (Value, error) { return v, nil }

// fastArg registers the makers of the signatures with arguments of type
// A: func(A) R, func(A) (R, error), func(A, A) R (R of A's type or bool),
// func(A) and func(A) error.
func fastArg[A any](enc argEncoder[A]) {
	fastArgResult(enc, decInt)
	fastArgResult(enc, decInt64)
	fastArgResult(enc, decFloat64)
	fastArgResult(enc, decString)
	fastArgResult(enc, decBool)
	fastArgResult(enc, decValue)
	fastCallbacks[reflect.TypeFor[func(A)]()] = func(c *callback) any {
		return func(a A) {
			if err := callA(c, enc, a); err != nil {
				panic(err)
			}
		}
	}
	fastCallbacks[reflect.TypeFor[func(A) error]()] = func(c *callback) any {
		return func(a A) error { return callA(c, enc, a) }
	}
}

// fastArgResult registers func(A) R and func(A) (R, error), and
// func(A, A) R when R is bool or A.
func fastArgResult[A, R any](enc argEncoder[A], dec resultDecoder[R]) {
	fastCallbacks[reflect.TypeFor[func(A) R]()] = func(c *callback) any {
		return func(a A) R {
			r, err := callAR(c, enc, dec, a)
			if err != nil {
				panic(err)
			}
			return r
		}
	}
	fastCallbacks[reflect.TypeFor[func(A) (R, error)]()] = func(c *callback) any {
		return func(a A) (R, error) { return callAR(c, enc, dec, a) }
	}
	if rt := reflect.TypeFor[R](); rt == reflect.TypeFor[A]() || rt.Kind() == reflect.Bool {
		fastCallbacks[reflect.TypeFor[func(A, A) R]()] = func(c *callback) any {
			return func(a, b A) R {
				r, err := callAAR(c, enc, dec, a, b)
				if err != nil {
					panic(err)
				}
				return r
			}
		}
	}
}

// fastResult registers func() R and func() (R, error).
func fastResult[R any](dec resultDecoder[R]) {
	fastCallbacks[reflect.TypeFor[func() R]()] = func(c *callback) any {
		return func() R {
			r, err := callR(c, dec, nil)
			if err != nil {
				panic(err)
			}
			return r
		}
	}
	fastCallbacks[reflect.TypeFor[func() (R, error)]()] = func(c *callback) any {
		return func() (R, error) { return callR(c, dec, nil) }
	}
}

func callA[A any](c *callback, enc argEncoder[A], a A) error {
	x, err := enc(c.s, a)
	if err != nil {
		return c.argError(err, 1)
	}
	_, err = c.invoke([]Value{x}, nil)
	return err
}

func callAR[A, R any](c *callback, enc argEncoder[A], dec resultDecoder[R], a A) (R, error) {
	x, err := enc(c.s, a)
	if err != nil {
		var zero R
		return zero, c.argError(err, 1)
	}
	return callR(c, dec, []Value{x})
}

func callAAR[A, R any](c *callback, enc argEncoder[A], dec resultDecoder[R], a, b A) (R, error) {
	var zero R
	x, err := enc(c.s, a)
	if err != nil {
		return zero, c.argError(err, 1)
	}
	y, err := enc(c.s, b)
	if err != nil {
		return zero, c.argError(err, 2)
	}
	return callR(c, dec, []Value{x, y})
}

// callR calls the function with args and converts its first result.
func callR[R any](c *callback, dec resultDecoder[R], args []Value) (R, error) {
	var res [1]Value
	n, err := c.invoke(args, res[:])
	if err != nil {
		var zero R
		return zero, err
	}
	r, err := dec(res[0])
	if err != nil {
		return r, c.resultError(err, 0, n)
	}
	return r, nil
}
