package lunar

// Adapters for common signatures: no reflection, no allocation per call.

import (
	"reflect"
)

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

// pushResult pushes a result made from Go, charging a string to the
// memory limit as State.ToValue does.
func pushResult(th *Thread, v Value) (int, error) {
	if v.IsString() {
		if err := th.chargeMemory(v.strLen()); err != nil {
			return 0, err
		}
	}
	th.Push(v)
	return 1, nil
}

func adapt0[R any](f func() R, ret func(R) Value) GoFunction {
	return func(th *Thread, _ []Value) (int, error) {
		return pushResult(th, ret(f()))
	}
}

func adapt1[A, R any](f func(A) R, a argFunc[A], ret func(R) Value) GoFunction {
	return func(th *Thread, args []Value) (int, error) {
		x, err := a(th, args, 1)
		if err != nil {
			return 0, err
		}
		return pushResult(th, ret(f(x)))
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
		return pushResult(th, ret(f(x, y)))
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
		return pushResult(th, ret(r))
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
