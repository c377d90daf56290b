package stdlib

import (
	"math"

	"github.com/lunar-lua/lunar"
)

// The utf8 library (§6.5). The decoder accepts what the reference's does:
// sequences of up to six bytes encoding values up to 0x7FFFFFFF, rejecting
// overlong forms; strict mode also rejects surrogates and values above
// 0x10FFFF.

const (
	utf8MaxUnicode = 0x10FFFF
	utf8MaxUTF     = 0x7FFFFFFF
	// utf8CharPattern matches exactly one UTF-8 byte sequence.
	utf8CharPattern = "[\x00-\x7F\xC2-\xFD][\x80-\xBF]*"
)

func isCont(c byte) bool { return c&0xC0 == 0x80 }

// byteAt returns s[i], or 0 past the end (the reference reads the string's
// terminating zero there).
func byteAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// utf8Decode decodes the sequence at s[i:]; it returns the code point and
// the index after the sequence, or next = -1 for an invalid sequence.
func utf8Decode(s string, i int, strict bool) (code rune, next int) {
	limits := [...]uint32{math.MaxUint32, 0x80, 0x800, 0x10000, 0x200000, 0x4000000}
	c := uint32(byteAt(s, i))
	var res uint32
	if c < 0x80 {
		res = c
	} else {
		count := 0
		for ; c&0x40 != 0; c <<= 1 {
			count++
			cc := uint32(byteAt(s, i+count))
			if !isCont(byte(cc)) {
				return 0, -1
			}
			res = res<<6 | cc&0x3F
		}
		if count > 5 {
			return 0, -1
		}
		res |= (c & 0x7F) << (uint(count) * 5)
		if res > utf8MaxUTF || res < limits[count] {
			return 0, -1
		}
		i += count
	}
	if strict && (res > utf8MaxUnicode || (res >= 0xD800 && res <= 0xDFFF)) {
		return 0, -1
	}
	return rune(res), i + 1
}

// appendUTF8 appends the encoding of x (at most 0x7FFFFFFF), in up to six
// bytes, as the reference's luaO_utf8esc.
func appendUTF8(b []byte, x uint32) []byte {
	if x < 0x80 {
		return append(b, byte(x))
	}
	var buf [8]byte
	n := len(buf)
	mfb := uint32(0x3f) // largest value that fits in the first byte
	for {
		n--
		buf[n] = byte(0x80 | x&0x3f)
		x >>= 6
		mfb >>= 1
		if x <= mfb {
			break
		}
	}
	n--
	buf[n] = byte(^mfb<<1 | x)
	return append(b, buf[n:]...)
}

// OpenUTF8 opens the utf8 library (§6.5).
func OpenUTF8(s *lunar.State) {
	t := newLib(s, "utf8", map[string]lunar.GoFunction{
		"char":      utf8Char,
		"codes":     utf8Codes,
		"codepoint": utf8Codepoint,
		"len":       utf8Len,
		"offset":    utf8Offset,
	})
	t.SetStr("charpattern", lunar.String(utf8CharPattern))
}

// uPosrelat turns a position into an index counted from the start
// (0 when before it).
func uPosrelat(pos int64, l int) int64 {
	switch {
	case pos >= 0:
		return pos
	case -pos > int64(l):
		return 0
	}
	return int64(l) + pos + 1
}

// utf8.char (···)
func utf8Char(t *lunar.Thread, args []lunar.Value) (int, error) {
	var small [32]byte
	b := small[:0]
	for i := range args {
		c, err := t.CheckInteger(args, i+1)
		if err != nil {
			return 0, err
		}
		if uint64(c) > utf8MaxUTF {
			return 0, t.ArgError(i+1, "value out of range")
		}
		b = appendUTF8(b, uint32(c))
	}
	if err := t.CheckStringSize(len(b)); err != nil {
		return 0, err
	}
	t.Push(lunar.String(string(b)))
	return 1, nil
}

// utf8.len (s [, i [, j [, lax]]])
func utf8Len(t *lunar.Thread, args []lunar.Value) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	i, err := t.OptInteger(args, 2, 1)
	if err != nil {
		return 0, err
	}
	j, err := t.OptInteger(args, 3, -1)
	if err != nil {
		return 0, err
	}
	posi, posj := uPosrelat(i, len(s)), uPosrelat(j, len(s))
	strict := !lunar.Arg(args, 4).Truthy()
	if posi < 1 || posi-1 > int64(len(s)) {
		return 0, t.ArgError(2, "initial position out of bounds")
	}
	posi--
	posj--
	if posj >= int64(len(s)) {
		return 0, t.ArgError(3, "final position out of bounds")
	}
	n := int64(0)
	for p := int(posi); int64(p) <= posj; {
		_, next := utf8Decode(s, p, strict)
		if next < 0 {
			t.Push(lunar.Nil)
			t.Push(lunar.Int(int64(p) + 1))
			return 2, nil
		}
		p = next
		n++
	}
	t.Push(lunar.Int(n))
	return 1, nil
}

// utf8.codepoint (s [, i [, j [, lax]]])
func utf8Codepoint(t *lunar.Thread, args []lunar.Value) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	i, err := t.OptInteger(args, 2, 1)
	if err != nil {
		return 0, err
	}
	posi := uPosrelat(i, len(s))
	j, err := t.OptInteger(args, 3, posi)
	if err != nil {
		return 0, err
	}
	pose := uPosrelat(j, len(s))
	strict := !lunar.Arg(args, 4).Truthy()
	if posi < 1 {
		return 0, t.ArgError(2, "out of bounds")
	}
	if pose > int64(len(s)) {
		return 0, t.ArgError(3, "out of bounds")
	}
	if posi > pose {
		return 0, nil
	}
	if pose-posi >= math.MaxInt32 {
		return 0, t.Errorf("string slice too long")
	}
	if pose-posi+1 > maxResults {
		return 0, t.Errorf("stack overflow (string slice too long)")
	}
	n := 0
	for p := int(posi - 1); p < int(pose); {
		code, next := utf8Decode(s, p, strict)
		if next < 0 {
			return 0, t.Errorf("invalid UTF-8 code")
		}
		t.Push(lunar.Int(int64(code)))
		n++
		p = next
	}
	return n, nil
}

// utf8.offset (s, n [, i])
func utf8Offset(t *lunar.Thread, args []lunar.Value) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	n, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	def := int64(1)
	if n < 0 {
		def = int64(len(s)) + 1
	}
	i, err := t.OptInteger(args, 3, def)
	if err != nil {
		return 0, err
	}
	posi := uPosrelat(i, len(s))
	if posi < 1 || posi-1 > int64(len(s)) {
		return 0, t.ArgError(3, "position out of bounds")
	}
	p := int(posi - 1)
	if n == 0 {
		// The start of the sequence that holds byte p.
		for p > 0 && isCont(byteAt(s, p)) {
			p--
		}
	} else {
		if isCont(byteAt(s, p)) {
			return 0, t.Errorf("initial position is a continuation byte")
		}
		if n < 0 {
			for n < 0 && p > 0 { // move back
				p--
				for p > 0 && isCont(s[p]) {
					p--
				}
				n++
			}
		} else {
			n-- // the first character is where we are
			for n > 0 && p < len(s) {
				p++
				for isCont(byteAt(s, p)) {
					p++
				}
				n--
			}
		}
	}
	if n == 0 {
		t.Push(lunar.Int(int64(p) + 1))
	} else {
		t.Push(lunar.Nil)
	}
	return 1, nil
}

// utf8.codes (s [, lax])
func utf8Codes(t *lunar.Thread, args []lunar.Value) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	// A subject that starts with a continuation byte is rejected at once
	// (5.4.6 on): the iterator would otherwise skip that byte unnoticed.
	if len(s) > 0 && isCont(s[0]) {
		return 0, t.ArgError(1, "invalid UTF-8 code")
	}
	if lunar.Arg(args, 2).Truthy() {
		t.Push(utf8IterLax)
	} else {
		t.Push(utf8IterStrict)
	}
	t.Push(args[0])
	t.Push(lunar.Int(0))
	return 3, nil
}

var (
	utf8IterStrict = lunar.NewFunction("", func(t *lunar.Thread, args []lunar.Value) (int, error) {
		return utf8Iter(t, args, true)
	})
	utf8IterLax = lunar.NewFunction("", func(t *lunar.Thread, args []lunar.Value) (int, error) {
		return utf8Iter(t, args, false)
	})
)

// utf8Iter is the iterator of utf8.codes: from the control value i (the
// position of the previous sequence, 0 at first), it skips continuation
// bytes and decodes the sequence found there.
func utf8Iter(t *lunar.Thread, args []lunar.Value, strict bool) (int, error) {
	s, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	i, _ := lunar.Arg(args, 2).ToInteger()
	n := uint64(i) // a negative control is past any end
	for n < uint64(len(s)) && isCont(s[n]) {
		n++
	}
	if n >= uint64(len(s)) {
		return 0, nil
	}
	code, next := utf8Decode(s, int(n), strict)
	// A sequence followed by a stray continuation byte is invalid too
	// (5.4.6 on), rather than the stray byte being skipped.
	if next < 0 || (next < len(s) && isCont(s[next])) {
		return 0, t.Errorf("invalid UTF-8 code")
	}
	t.Push(lunar.Int(int64(n) + 1))
	t.Push(lunar.Int(int64(code)))
	return 2, nil
}
