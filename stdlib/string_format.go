package stdlib

import (
	"hash/maphash"
	"strconv"
	"strings"

	"github.com/lunar-lua/lunar"
)

// string.format (formatstring, ···): the Lua side of format.go. Arguments
// are checked in the reference's order (for some conversions the value
// first, for others the specification), so that a call with two mistakes
// reports the same one.
func strFormat(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	var small [128]byte
	b := small[:0]
	arg := 1
	for len(f) > 0 {
		k := strings.IndexByte(f, '%')
		if k < 0 {
			b = append(b, f...)
			break
		}
		b = append(b, f[:k]...)
		f = f[k:]
		if len(f) > 1 && f[1] == '%' {
			b = append(b, '%')
			f = f[2:]
			continue
		}
		arg++
		if arg > len(args) {
			return 0, t.ArgError(arg, "no value")
		}
		form, verb, rest, tooLong := scanSpec(f)
		if tooLong {
			return 0, t.Errorf("invalid format (too long)")
		}
		f = rest
		if b, err = formatItem(t, b, args, arg, form, verb); err != nil {
			return 0, err
		}
	}
	if err := t.CheckStringSize(len(b)); err != nil {
		return 0, err
	}
	t.Push(lunar.String(string(b)))
	return 1, nil
}

func specError(t *lunar.Thread, form string) error {
	return t.Errorf("invalid conversion specification: '%s'", form)
}

// formatItem appends argument arg formatted by the specification form.
func formatItem(t *lunar.Thread, b []byte, args []lunar.Value, arg int, form string, verb byte) ([]byte, error) {
	v := args[arg-1]
	switch verb {
	case 'c':
		sp, ok := parseSpec(form, fmtFlagsC, false)
		if !ok {
			return b, specError(t, form)
		}
		n, err := t.CheckInteger(args, arg)
		if err != nil {
			return b, err
		}
		return appendInt(b, &sp, n), nil
	case 'd', 'i', 'u', 'o', 'x', 'X':
		n, err := t.CheckInteger(args, arg)
		if err != nil {
			return b, err
		}
		flags := fmtFlagsX
		switch verb {
		case 'd', 'i':
			flags = fmtFlagsI
		case 'u':
			flags = fmtFlagsU
		}
		sp, ok := parseSpec(form, flags, true)
		if !ok {
			return b, specError(t, form)
		}
		return appendInt(b, &sp, n), nil
	case 'a', 'A':
		sp, ok := parseSpec(form, fmtFlagsF, true)
		if !ok {
			return b, specError(t, form)
		}
		x, err := t.CheckNumber(args, arg)
		if err != nil {
			return b, err
		}
		return appendHexFloat(b, &sp, x), nil
	case 'e', 'E', 'f', 'g', 'G':
		x, err := t.CheckNumber(args, arg)
		if err != nil {
			return b, err
		}
		sp, ok := parseSpec(form, fmtFlagsF, true)
		if !ok {
			return b, specError(t, form)
		}
		return appendFloat(b, &sp, x), nil
	case 'p':
		sp, ok := parseSpec(form, fmtFlagsC, false)
		if !ok {
			return b, specError(t, form)
		}
		return pad(&sp, b, "", 0, pointerString(v), false), nil
	case 'q':
		if len(form) > 2 {
			return b, t.Errorf("specifier '%%q' cannot have modifiers")
		}
		switch v.Type() {
		case lunar.TypeString:
			return appendQuoted(b, v.AsString()), nil
		case lunar.TypeNumber:
			if v.IsInt() {
				return appendQuotedInt(b, v.AsInt()), nil
			}
			return appendQuotedFloat(b, v.AsFloat()), nil
		case lunar.TypeNil:
			return append(b, "nil"...), nil
		case lunar.TypeBoolean:
			if v.AsBool() {
				return append(b, "true"...), nil
			}
			return append(b, "false"...), nil
		}
		return b, t.ArgError(arg, "value has no literal form")
	case 's':
		s, err := toStringMeta(t, v)
		if err != nil {
			return b, err
		}
		if len(form) == 2 { // no modifiers: the whole string
			return append(b, s...), nil
		}
		if strings.IndexByte(s, 0) >= 0 {
			return b, t.ArgError(arg, "string contains zeros")
		}
		sp, ok := parseSpec(form, fmtFlagsC, true)
		if !ok {
			return b, specError(t, form)
		}
		if sp.prec < 0 && len(s) >= 100 {
			// The reference does not format long strings without a
			// precision: they are kept whole.
			return append(b, s...), nil
		}
		return appendPaddedString(b, &sp, s), nil
	}
	return b, t.Errorf("invalid conversion '%s' to 'format'", form)
}

// toStringMeta converts any value to a string as luaL_tolstring does; a
// __tostring metamethod may return a string or a number.
func toStringMeta(t *lunar.Thread, v lunar.Value) (string, error) {
	if h := t.MetaField(v, "__tostring"); !h.IsNil() {
		r, err := t.Call1(h, v)
		if err != nil {
			return "", err
		}
		if s, ok := r.ToString(); ok {
			return s, nil
		}
		return "", t.Errorf("'__tostring' must return a string")
	}
	if v.IsString() {
		return v.AsString(), nil
	}
	return t.ToStringMeta(v)
}

// maxShortLen is the reference's LUAI_MAXSHORTLEN: strings up to this
// length are internalized there, so equal ones share one address.
const maxShortLen = 40

// shortStringSeed seeds the identities %p gives short strings.
var shortStringSeed = maphash.MakeSeed()

// pointerString formats the identity of a value for %p: "(null)" for
// values that are not objects, else the address tostring shows. Lunar does
// not internalize strings, so a short string gets an identity computed from
// its contents: equal short strings format alike, as in the reference.
func pointerString(v lunar.Value) string {
	switch v.Type() {
	case lunar.TypeNil, lunar.TypeBoolean, lunar.TypeNumber:
		return "(null)"
	case lunar.TypeString:
		if s := v.AsString(); len(s) <= maxShortLen {
			return "0x" + strconv.FormatUint(maphash.String(shortStringSeed, s), 16)
		}
	}
	p := v.AsLightUserdata()
	if p == nil {
		return "(null)"
	}
	return "0x" + strconv.FormatUint(uint64(uintptr(p)), 16)
}
