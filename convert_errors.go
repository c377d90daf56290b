package lunar

// Errors of conversions between Go and Lua, and the paths that locate
// them inside a value.

import (
	"fmt"
	"strconv"
	"strings"
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
