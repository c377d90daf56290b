package stdlib

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// The engine of string.pack, string.unpack and string.packsize (§6.4.2):
// the format-string reader with its alignment rules, and the integer
// encoding. Sizes are those of the reference built for a 64-bit Linux
// machine: short 2, int 4, long 8, size_t 8, lua_Integer 8, float 4,
// double and lua_Number 8, maximum alignment 8.

// packKind is the kind of a format option.
type packKind uint8

const (
	kInt       packKind = iota // signed integer
	kUint                      // unsigned integer
	kFloat                     // float (4 bytes)
	kNumber                    // lua_Number (8 bytes)
	kDouble                    // double (8 bytes)
	kChar                      // fixed-size string
	kString                    // string with a length prefix
	kZstr                      // zero-terminated string
	kPadding                   // one byte of padding
	kPaddAlign                 // padding to an alignment
	kNop                       // configuration or space
)

const (
	packMaxIntSize  = 16 // largest integer size (MAXINTSIZE)
	packIntSize     = 8  // size of a Lua integer
	packNativeAlign = 8  // default maximum alignment for '!'
)

var nativeLittle = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// packError is an error found in a format or its data: a plain error
// (arg 0) or a bad argument arg.
type packError struct {
	arg int
	msg string
}

// packFormat reads a format string option by option.
type packFormat struct {
	fmt      string // what is left of the format
	little   bool
	maxAlign int
}

// newPackFormat starts reading format f. Like the reference, which reads
// the format as a C string, it stops at the first zero byte.
func newPackFormat(f string) packFormat {
	if i := strings.IndexByte(f, 0); i >= 0 {
		f = f[:i]
	}
	return packFormat{fmt: f, little: nativeLittle, maxAlign: 1}
}

// more reports whether options are left.
func (pf *packFormat) more() bool { return pf.fmt != "" }

// getNum reads an optional decimal number, or returns df.
func (pf *packFormat) getNum(df int) int {
	if pf.fmt == "" || pf.fmt[0] < '0' || pf.fmt[0] > '9' {
		return df
	}
	a := 0
	for {
		a = a*10 + int(pf.fmt[0]-'0')
		pf.fmt = pf.fmt[1:]
		if pf.fmt == "" || pf.fmt[0] < '0' || pf.fmt[0] > '9' || a > (maxStringSize-9)/10 {
			return a
		}
	}
}

// getNumLimit reads a size in [1, packMaxIntSize].
func (pf *packFormat) getNumLimit(df int) (int, *packError) {
	sz := pf.getNum(df)
	if sz > packMaxIntSize || sz <= 0 {
		return 0, &packError{msg: "integral size (" + strconv.Itoa(sz) + ") out of limits [1,16]"}
	}
	return sz, nil
}

// option reads one option: its kind and size.
func (pf *packFormat) option() (packKind, int, *packError) {
	opt := pf.fmt[0]
	pf.fmt = pf.fmt[1:]
	switch opt {
	case 'b':
		return kInt, 1, nil
	case 'B':
		return kUint, 1, nil
	case 'h':
		return kInt, 2, nil
	case 'H':
		return kUint, 2, nil
	case 'l', 'j':
		return kInt, 8, nil
	case 'L', 'J', 'T':
		return kUint, 8, nil
	case 'f':
		return kFloat, 4, nil
	case 'n':
		return kNumber, 8, nil
	case 'd':
		return kDouble, 8, nil
	case 'i', 'I':
		sz, err := pf.getNumLimit(4)
		if opt == 'i' {
			return kInt, sz, err
		}
		return kUint, sz, err
	case 's':
		sz, err := pf.getNumLimit(8)
		return kString, sz, err
	case 'c':
		sz := pf.getNum(-1)
		if sz == -1 {
			return kChar, 0, &packError{msg: "missing size for format option 'c'"}
		}
		return kChar, sz, nil
	case 'z':
		return kZstr, 0, nil
	case 'x':
		return kPadding, 1, nil
	case 'X':
		return kPaddAlign, 0, nil
	case ' ':
	case '<':
		pf.little = true
	case '>':
		pf.little = false
	case '=':
		pf.little = nativeLittle
	case '!':
		a, err := pf.getNumLimit(packNativeAlign)
		if err != nil {
			return kNop, 0, err
		}
		pf.maxAlign = a
	default:
		return kNop, 0, &packError{msg: "invalid format option '" + string([]byte{opt}) + "'"}
	}
	return kNop, 0, nil
}

// details reads the next option and computes the padding needed before it
// to align it, given the bytes written so far (total).
func (pf *packFormat) details(total int) (kind packKind, size, ntoalign int, err *packError) {
	kind, size, err = pf.option()
	if err != nil {
		return
	}
	align := size
	if kind == kPaddAlign { // 'X' takes its alignment from the next option
		bad := &packError{arg: 1, msg: "invalid next option for option 'X'"}
		if pf.fmt == "" {
			return kind, size, 0, bad
		}
		var next packKind
		next, align, err = pf.option()
		if err != nil {
			return
		}
		if next == kChar || align == 0 {
			return kind, size, 0, bad
		}
	}
	if align <= 1 || kind == kChar {
		return kind, size, 0, nil
	}
	if align > pf.maxAlign {
		align = pf.maxAlign
	}
	if align&(align-1) != 0 {
		return kind, size, 0, &packError{arg: 1, msg: "format asks for alignment not power of 2"}
	}
	ntoalign = (align - total&(align-1)) & (align - 1)
	return kind, size, ntoalign, nil
}

// appendPackInt appends the size-byte encoding of n (sign-extended past 8
// bytes when neg).
func appendPackInt(b []byte, n uint64, little bool, size int, neg bool) []byte {
	var buf [packMaxIntSize]byte
	for i := 0; i < size; i++ {
		var c byte
		switch {
		case i < packIntSize:
			c = byte(n >> (8 * uint(i)))
		case neg:
			c = 0xff
		}
		if little {
			buf[i] = c
		} else {
			buf[size-1-i] = c
		}
	}
	return append(b, buf[:size]...)
}

// unpackInt decodes a size-byte integer from data; ok is false when a
// number wider than 8 bytes does not fit a Lua integer.
func unpackInt(data string, little bool, size int, signed bool) (n int64, ok bool) {
	var res uint64
	limit := size
	if limit > packIntSize {
		limit = packIntSize
	}
	at := func(i int) byte {
		if little {
			return data[i]
		}
		return data[size-1-i]
	}
	for i := limit - 1; i >= 0; i-- {
		res = res<<8 | uint64(at(i))
	}
	if size < packIntSize {
		if signed {
			mask := uint64(1) << (uint(size)*8 - 1)
			res = (res ^ mask) - mask // sign extension
		}
	} else if size > packIntSize {
		var fill byte
		if signed && int64(res) < 0 {
			fill = 0xff
		}
		for i := limit; i < size; i++ {
			if at(i) != fill {
				return 0, false
			}
		}
	}
	return int64(res), true
}

// appendPackUint32/64 append raw float bits in the requested byte order.
func appendPackBits(b []byte, bits uint64, size int, little bool) []byte {
	return appendPackInt(b, bits, little, size, false)
}

// unpackBits reads raw float bits of the given size.
func unpackBits(data string, size int, little bool) uint64 {
	n, _ := unpackInt(data, little, size, false)
	if size == 4 {
		return uint64(uint32(n))
	}
	return uint64(n)
}
