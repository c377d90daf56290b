package stdlib

import (
	"math"
	"strings"

	"github.com/lunar-lua/lunar"
)

// The string library (§6.4). The engines live in pattern.go (matching),
// format.go (string.format) and pack.go (string.pack); this file holds the
// functions registered in Lua, which check their arguments as the
// reference does and call the engines.

const (
	// maxStringSize is the largest string string.rep and string.pack
	// build: the reference's MAXSIZE for the string library (INT_MAX).
	maxStringSize = math.MaxInt32
	// maxResults bounds how many values one call may push (string.byte,
	// string.unpack, utf8.codepoint), below the Lua stack's limit of one
	// million slots; past it the reference fails with "stack overflow".
	maxResults = 999_000
)

// OpenString opens the string library (§6.4): the string table, the
// metatable shared by all strings (its __index is the string table, and
// its arithmetic metamethods convert strings to numbers, §3.4.3), and the
// loader of binary chunks produced by string.dump.
func OpenString(s *lunar.State) {
	t := newLib(s, "string", map[string]lunar.GoFunction{
		"byte":     strByte,
		"char":     strChar,
		"dump":     strDump,
		"find":     strFind,
		"format":   strFormat,
		"gmatch":   strGmatch,
		"gsub":     strGsub,
		"len":      strLen,
		"lower":    strLower,
		"match":    strMatch,
		"pack":     strPack,
		"packsize": strPackSize,
		"rep":      strRep,
		"reverse":  strReverse,
		"sub":      strSub,
		"unpack":   strUnpack,
		"upper":    strUpper,
	})
	mt := lunar.NewTable(0, 10)
	for _, a := range stringArithEvents {
		mt.SetStr(a.event, lunar.NewFunction(a.event, stringArith(a.op, a.event)))
	}
	mt.SetStr("__index", lunar.TableValue(t))
	s.SetTypeMetatable(lunar.TypeString, mt)
	s.SetUndump(lunar.Undump)
}

// posrelatI turns a start position into a 1-based index: negative counts
// from the end, and positions before the start clip to 1.
func posrelatI(pos int64, l int) int64 {
	switch {
	case pos > 0:
		return pos
	case pos == 0:
		return 1
	case pos < -int64(l):
		return 1
	}
	return int64(l) + pos + 1
}

// getEndPos turns an end position into an index in [0, l].
func getEndPos(pos int64, l int) int64 {
	switch {
	case pos > int64(l):
		return int64(l)
	case pos >= 0:
		return pos
	case pos < -int64(l):
		return 0
	}
	return int64(l) + pos + 1
}

// string.len (s)
func strLen(t *lunar.Thread, args []lunar.Value) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	t.Push(lunar.Int(int64(len(s))))
	return 1, nil
}

// string.sub (s, i [, j])
func strSub(t *lunar.Thread, args []lunar.Value) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	i, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	j, err := t.OptInteger(args, 3, -1)
	if err != nil {
		return 0, err
	}
	start, end := posrelatI(i, len(s)), getEndPos(j, len(s))
	if start > end {
		t.Push(lunar.String(""))
	} else {
		t.Push(lunar.String(s[start-1 : end]))
	}
	return 1, nil
}

// string.byte (s [, i [, j]])
func strByte(t *lunar.Thread, args []lunar.Value) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	pi, err := t.OptInteger(args, 2, 1)
	if err != nil {
		return 0, err
	}
	pj, err := t.OptInteger(args, 3, pi)
	if err != nil {
		return 0, err
	}
	pose := getEndPos(pj, len(s))
	posi := posrelatI(pi, len(s))
	if posi > pose {
		return 0, nil
	}
	if pose-posi >= math.MaxInt32 {
		return 0, t.Errorf("string slice too long")
	}
	n := int(pose-posi) + 1
	if n > maxResults {
		return 0, t.Errorf("stack overflow (string slice too long)")
	}
	for k := int(posi - 1); k < int(pose); k++ {
		t.Push(lunar.Int(int64(s[k])))
	}
	return n, nil
}

// string.char (···)
func strChar(t *lunar.Thread, args []lunar.Value) (int, error) {
	b := make([]byte, len(args))
	for i := range args {
		c, err := t.CheckInteger(args, i+1)
		if err != nil {
			return 0, err
		}
		if uint64(c) > 255 {
			return 0, t.ArgError(i+1, "value out of range")
		}
		b[i] = byte(c)
	}
	if err := t.CheckStringSize(len(b)); err != nil {
		return 0, err
	}
	t.Push(lunar.String(string(b)))
	return 1, nil
}

// string.rep (s, n [, sep])
func strRep(t *lunar.Thread, args []lunar.Value) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	n, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	sep, err := t.OptString(args, 3, "")
	if err != nil {
		return 0, err
	}
	if n <= 0 || len(s)+len(sep) == 0 {
		t.Push(lunar.String(""))
		return 1, nil
	}
	if int64(len(s)+len(sep)) > maxStringSize/n {
		return 0, t.Errorf("resulting string too large")
	}
	total := int(n)*len(s) + int(n-1)*len(sep)
	if err := t.CheckStringSize(total); err != nil {
		return 0, err
	}
	var b strings.Builder
	b.Grow(total)
	for ; n > 1; n-- {
		b.WriteString(s)
		b.WriteString(sep)
	}
	b.WriteString(s)
	t.Push(lunar.String(b.String()))
	return 1, nil
}

// string.reverse (s)
func strReverse(t *lunar.Thread, args []lunar.Value) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	b := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		b[len(s)-1-i] = s[i]
	}
	if err := t.CheckStringSize(len(b)); err != nil {
		return 0, err
	}
	t.Push(lunar.String(string(b)))
	return 1, nil
}

// string.lower (s)
func strLower(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mapASCII(t, args, 'A', 'Z', 'a'-'A')
}

// string.upper (s)
func strUpper(t *lunar.Thread, args []lunar.Value) (int, error) {
	return mapASCII(t, args, 'a', 'z', 0xe0) // -32 modulo 256
}

// mapASCII converts the bytes in [lo, hi] of argument 1 by adding delta
// (case mapping in the C locale).
func mapASCII(t *lunar.Thread, args []lunar.Value, lo, hi byte, delta byte) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	i := 0
	for i < len(s) && (s[i] < lo || s[i] > hi) {
		i++
	}
	if i == len(s) { // nothing to change
		t.Push(lunar.String(s))
		return 1, nil
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; c >= lo && c <= hi {
			b[i] = c + delta
		}
	}
	if err := t.CheckStringSize(len(b)); err != nil {
		return 0, err
	}
	t.Push(lunar.String(string(b)))
	return 1, nil
}

// string.dump (function [, strip])
func strDump(t *lunar.Thread, args []lunar.Value) (int, error) {
	fn, err := t.CheckFunction(args, 1)
	if err != nil {
		return 0, err
	}
	data, err := t.Dump(fn, lunar.Arg(args, 2).Truthy())
	if err != nil {
		return 0, err
	}
	if err := t.CheckStringSize(len(data)); err != nil {
		return 0, err
	}
	t.Push(lunar.String(string(data)))
	return 1, nil
}

// ---------------------------------------------------------------------------
// Arithmetic metamethods of strings (§3.4.3)

var stringArithEvents = []struct{ op, event string }{
	{"+", "__add"}, {"-", "__sub"}, {"*", "__mul"}, {"%", "__mod"},
	{"^", "__pow"}, {"/", "__div"}, {"//", "__idiv"}, {"unm", "__unm"},
}

// stringToNum converts a number or a numeric string to a number.
func stringToNum(v lunar.Value) (lunar.Value, bool) {
	if v.IsNumber() {
		return v, true
	}
	if v.IsString() {
		return lunar.StringToNumber(v.AsString())
	}
	return lunar.Nil, false
}

// stringArith returns the metamethod for one arithmetic event: both
// operands are converted to numbers, else the second operand's own
// metamethod is tried (the reference's trymt).
func stringArith(op, event string) lunar.GoFunction {
	return func(t *lunar.Thread, args []lunar.Value) (int, error) {
		a, b := lunar.Arg(args, 1), lunar.Arg(args, 2)
		if x, ok := stringToNum(a); ok {
			y, ok := stringToNum(b)
			if len(args) == 1 {
				// The reference converts the second operand after
				// pushing the first, which it then finds there.
				y, ok = x, true
			}
			if ok {
				if op == "unm" {
					x = y
				}
				r, err := t.Arith(op, x, y)
				if err != nil {
					return 0, err
				}
				t.Push(r)
				return 1, nil
			}
		}
		var h lunar.Value
		if !b.IsString() {
			h = t.MetaField(b, event)
		}
		if h.IsNil() {
			return 0, t.Errorf("attempt to %s a '%s' with a '%s'", event[2:], a.TypeName(), b.TypeName())
		}
		r, err := t.Call1(h, a, b)
		if err != nil {
			return 0, err
		}
		t.Push(r)
		return 1, nil
	}
}
