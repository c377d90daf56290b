package stdlib

import (
	"math"
	"strings"

	"github.com/lunar-lua/lunar"
)

// string.pack, string.unpack and string.packsize: the Lua side of pack.go.

func packErr(t *lunar.Thread, e *packError) error {
	if e.arg > 0 {
		return t.ArgError(e.arg, e.msg)
	}
	return t.Errorf("%s", e.msg)
}

// string.pack (fmt, v1, v2, ···)
func strPack(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	pf := newPackFormat(f)
	var small [64]byte
	b := small[:0]
	arg := 1
	total := 0
	for pf.more() {
		kind, size, ntoalign, perr := pf.details(total)
		if perr != nil {
			return 0, packErr(t, perr)
		}
		total += ntoalign + size
		if total > maxStringSize {
			return 0, t.Errorf("format result too large")
		}
		b = appendRepeat(b, 0, ntoalign)
		arg++
		if arg > len(args) && kind <= kZstr {
			return 0, missingPackArg(t, args, arg, kind)
		}
		switch kind {
		case kInt, kUint:
			n, err := t.CheckInteger(args, arg)
			if err != nil {
				return 0, err
			}
			if size < packIntSize {
				if kind == kInt {
					lim := int64(1) << (uint(size)*8 - 1)
					if n < -lim || n >= lim {
						return 0, t.ArgError(arg, "integer overflow")
					}
				} else if uint64(n) >= uint64(1)<<(uint(size)*8) {
					return 0, t.ArgError(arg, "unsigned overflow")
				}
			}
			b = appendPackInt(b, uint64(n), pf.little, size, kind == kInt && n < 0)
		case kFloat, kNumber, kDouble:
			x, err := t.CheckNumber(args, arg)
			if err != nil {
				return 0, err
			}
			if kind == kFloat {
				b = appendPackBits(b, uint64(math.Float32bits(float32(x))), 4, pf.little)
			} else {
				b = appendPackBits(b, math.Float64bits(x), 8, pf.little)
			}
		case kChar:
			s, err := t.CheckString(args, arg)
			if err != nil {
				return 0, err
			}
			if len(s) > size {
				return 0, t.ArgError(arg, "string longer than given size")
			}
			b = append(b, s...)
			b = appendRepeat(b, 0, size-len(s))
		case kString:
			s, err := t.CheckString(args, arg)
			if err != nil {
				return 0, err
			}
			if size < 8 && uint64(len(s)) >= uint64(1)<<(uint(size)*8) {
				return 0, t.ArgError(arg, "string length does not fit in given size")
			}
			b = appendPackInt(b, uint64(len(s)), pf.little, size, false)
			b = append(b, s...)
			total += len(s)
		case kZstr:
			s, err := t.CheckString(args, arg)
			if err != nil {
				return 0, err
			}
			if strings.IndexByte(s, 0) >= 0 {
				return 0, t.ArgError(arg, "string contains zeros")
			}
			b = append(b, s...)
			b = append(b, 0)
			total += len(s) + 1
		case kPadding:
			b = append(b, 0)
			arg--
		default: // kPaddAlign, kNop
			arg--
		}
		if total > maxStringSize {
			return 0, t.Errorf("format result too large")
		}
	}
	if err := t.CheckStringSize(len(b)); err != nil {
		return 0, err
	}
	t.Push(lunar.String(string(b)))
	return 1, nil
}

// missingPackArg reports a missing value to pack. The reference reports
// the first missing argument as nil (it pushes a nil of its own there),
// and Lunar does the same.
func missingPackArg(t *lunar.Thread, args []lunar.Value, arg int, kind packKind) error {
	expected := "number"
	if kind >= kChar {
		expected = "string"
	}
	padded := make([]lunar.Value, arg)
	copy(padded, args)
	return t.TypeError(padded, arg, expected)
}

// string.packsize (fmt)
func strPackSize(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	pf := newPackFormat(f)
	total := 0
	for pf.more() {
		kind, size, ntoalign, perr := pf.details(total)
		if perr != nil {
			return 0, packErr(t, perr)
		}
		if kind == kString || kind == kZstr {
			return 0, t.ArgError(1, "variable-length format")
		}
		size += ntoalign
		if total > maxStringSize-size {
			return 0, t.ArgError(1, "format result too large")
		}
		total += size
	}
	t.Push(lunar.Int(int64(total)))
	return 1, nil
}

// string.unpack (fmt, s [, pos])
func strUnpack(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	data, err := t.CheckString(args, 2)
	if err != nil {
		return 0, err
	}
	i, err := t.OptInteger(args, 3, 1)
	if err != nil {
		return 0, err
	}
	ld := len(data)
	pos64 := posrelatI(i, ld) - 1
	if pos64 > int64(ld) {
		return 0, t.ArgError(3, "initial position out of string")
	}
	pos := int(pos64)
	pf := newPackFormat(f)
	n := 0
	for pf.more() {
		kind, size, ntoalign, perr := pf.details(pos)
		if perr != nil {
			return 0, packErr(t, perr)
		}
		if ntoalign+size > ld-pos {
			return 0, t.ArgError(2, "data string too short")
		}
		pos += ntoalign
		if n >= maxResults {
			return 0, t.Errorf("stack overflow (too many results)")
		}
		n++
		switch kind {
		case kInt, kUint:
			v, ok := unpackInt(data[pos:], pf.little, size, kind == kInt)
			if !ok {
				return 0, t.Errorf("%d-byte integer does not fit into Lua Integer", size)
			}
			t.Push(lunar.Int(v))
		case kFloat:
			t.Push(lunar.Float(float64(math.Float32frombits(uint32(unpackBits(data[pos:], 4, pf.little))))))
		case kNumber, kDouble:
			t.Push(lunar.Float(math.Float64frombits(unpackBits(data[pos:], 8, pf.little))))
		case kChar:
			t.Push(lunar.String(data[pos : pos+size]))
		case kString:
			l, ok := unpackInt(data[pos:], pf.little, size, false)
			if !ok {
				return 0, t.Errorf("%d-byte integer does not fit into Lua Integer", size)
			}
			if uint64(l) > uint64(ld-pos-size) {
				return 0, t.ArgError(2, "data string too short")
			}
			t.Push(lunar.String(data[pos+size : pos+size+int(l)]))
			pos += int(l)
		case kZstr:
			l := strings.IndexByte(data[pos:], 0)
			if l < 0 {
				return 0, t.ArgError(2, "unfinished string for format 'z'")
			}
			t.Push(lunar.String(data[pos : pos+l]))
			pos += l + 1
		default: // kPaddAlign, kPadding, kNop
			n--
		}
		pos += size
	}
	t.Push(lunar.Int(int64(pos) + 1))
	return n + 1, nil
}
