package stdlib

import (
	"math"
	"strconv"
	"strings"
)

// The engine of string.format: parsing of conversion specifications with
// the reference's restrictions, and C printf-style formatting of integers,
// floats (%e %f %g and the hexadecimal %a exactly as glibc prints them),
// strings and %q literals. Everything appends to a byte slice and needs no
// runtime.

// Flags each conversion accepts (the reference's L_FMTFLAGS*).
const (
	fmtFlagsF = "-+ #0" // floats
	fmtFlagsX = "-#0"   // %o %x %X
	fmtFlagsI = "-+ 0"  // %d %i
	fmtFlagsU = "-0"    // %u
	fmtFlagsC = "-"     // %c %p %s

	// fmtMaxSpec bounds the length of a conversion specification (the
	// reference's MAX_FORMAT - 10).
	fmtMaxSpec = 22
)

// fmtSpec is a parsed conversion specification.
type fmtSpec struct {
	minus, plus, space, hash, zero bool
	width                          int // -1: none
	prec                           int // -1: none
	verb                           byte
}

// scanSpec splits the conversion specification at the start of f, which
// begins with its '%': it returns the specification as the reference
// prints it in errors ('%', flags, digits and dots, and the conversion
// byte if any), the conversion byte (0 at the end of f), and the rest of
// f. tooLong reports a specification over the reference's size limit.
// form is a substring of f: nothing is allocated.
func scanSpec(f string) (form string, verb byte, rest string, tooLong bool) {
	n := 1
	for n < len(f) && strings.IndexByte("-+ #0123456789.", f[n]) >= 0 {
		n++
	}
	if n >= fmtMaxSpec {
		return "", 0, "", true
	}
	if n < len(f) {
		return f[:n+1], f[n], f[n+1:], false
	}
	return f, 0, "", false
}

// parseSpec checks form (as returned by scanSpec) against the flags the
// conversion accepts and whether it takes a precision, as the reference's
// checkformat: flags, then a width of at most two digits (not starting
// with '0'), then optionally '.' and a precision of at most two digits.
// ok is false when the form is invalid.
func parseSpec(form string, flags string, precision bool) (sp fmtSpec, ok bool) {
	sp.width, sp.prec = -1, -1
	i := 1
	for i < len(form) && strings.IndexByte(flags, form[i]) >= 0 {
		switch form[i] {
		case '-':
			sp.minus = true
		case '+':
			sp.plus = true
		case ' ':
			sp.space = true
		case '#':
			sp.hash = true
		case '0':
			sp.zero = true
		}
		i++
	}
	if i < len(form) && form[i] != '0' {
		i, sp.width = twoDigits(form, i)
		if i < len(form) && form[i] == '.' && precision {
			i, sp.prec = twoDigits(form, i+1)
			if sp.prec < 0 {
				sp.prec = 0
			}
		}
	}
	if i != len(form)-1 || !isAlpha(form[i]) {
		return sp, false
	}
	sp.verb = form[i]
	return sp, true
}

// twoDigits reads up to two decimal digits at form[i:]; n is -1 when there
// are none.
func twoDigits(form string, i int) (next, n int) {
	n = -1
	for k := 0; k < 2 && i < len(form) && form[i] >= '0' && form[i] <= '9'; k++ {
		if n < 0 {
			n = 0
		}
		n = n*10 + int(form[i]-'0')
		i++
	}
	return i, n
}

func isAlpha(c byte) bool { return charClass[c]&clAlpha != 0 }

// pad appends a formatted item: prefix (a sign, "0x"), pz zeros that the
// precision asks for, then body, padded to the spec's width: on the right
// with '-', with zeros after the prefix when zeros is set, else with
// spaces on the left.
func pad[T string | []byte](sp *fmtSpec, b []byte, prefix string, pz int, body T, zeros bool) []byte {
	n := sp.width - len(prefix) - pz - len(body)
	if n > 0 && !sp.minus && !zeros {
		b = appendRepeat(b, ' ', n)
	}
	b = append(b, prefix...)
	if n > 0 && !sp.minus && zeros {
		b = appendRepeat(b, '0', n)
	}
	b = appendRepeat(b, '0', pz)
	b = append(b, body...)
	if n > 0 && sp.minus {
		b = appendRepeat(b, ' ', n)
	}
	return b
}

func appendRepeat(b []byte, c byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, c)
	}
	return b
}

// signPrefix returns the sign a number is printed with.
func (sp *fmtSpec) signPrefix(neg bool) string {
	switch {
	case neg:
		return "-"
	case sp.plus:
		return "+"
	case sp.space:
		return " "
	}
	return ""
}

// appendInt formats n for %d %i %u %o %x %X %c as C's printf does with a
// long long argument.
func appendInt(b []byte, sp *fmtSpec, n int64) []byte {
	if sp.verb == 'c' {
		one := [1]byte{byte(n)}
		return pad(sp, b, "", 0, one[:], false)
	}
	var digits [64]byte
	var d []byte
	neg := false
	prefix := ""
	switch sp.verb {
	case 'd', 'i':
		u := uint64(n)
		if n < 0 {
			neg = true
			u = -u
		}
		d = strconv.AppendUint(digits[:0], u, 10)
	case 'u':
		d = strconv.AppendUint(digits[:0], uint64(n), 10)
	case 'o':
		d = strconv.AppendUint(digits[:0], uint64(n), 8)
	case 'x', 'X':
		d = strconv.AppendUint(digits[:0], uint64(n), 16)
		if sp.hash && n != 0 {
			prefix = "0x"
		}
		if sp.verb == 'X' {
			for i, c := range d {
				if c >= 'a' {
					d[i] = c - 'a' + 'A'
				}
			}
			if prefix != "" {
				prefix = "0X"
			}
		}
	}
	if n == 0 && sp.prec == 0 {
		d = d[:0] // a zero precision prints no digits for zero
	}
	// The precision is a minimum number of digits; '#' with %o makes the
	// first digit a zero.
	zeros := 0
	if sp.prec > len(d) {
		zeros = sp.prec - len(d)
	}
	if sp.verb == 'o' && sp.hash && zeros == 0 && (len(d) == 0 || d[0] != '0') {
		zeros = 1
	}
	if sp.verb == 'd' || sp.verb == 'i' {
		prefix = sp.signPrefix(neg)
	}
	return pad(sp, b, prefix, zeros, d, sp.zero && sp.prec < 0)
}

// appendFloat formats f for %e %E %f %F %g %G as C's printf does.
func appendFloat(b []byte, sp *fmtSpec, f float64) []byte {
	upper := sp.verb == 'E' || sp.verb == 'F' || sp.verb == 'G'
	neg := math.Signbit(f)
	prefix := sp.signPrefix(neg)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		body := "inf"
		if math.IsNaN(f) {
			body = "nan"
		}
		if upper {
			body = strings.ToUpper(body)
		}
		return pad(sp, b, prefix, 0, body, false)
	}
	if neg {
		f = -f
	}
	prec := sp.prec
	if prec < 0 {
		prec = 6
	}
	var buf [64]byte
	var body []byte
	switch sp.verb {
	case 'e', 'E':
		body = strconv.AppendFloat(buf[:0], f, 'e', prec, 64)
		if sp.hash && prec == 0 {
			// "2e+00" -> "2.e+00"
			body = append([]byte{body[0], '.'}, body[1:]...)
		}
	case 'f', 'F':
		body = strconv.AppendFloat(buf[:0], f, 'f', prec, 64)
		if sp.hash && prec == 0 {
			body = append(body, '.')
		}
	default: // 'g', 'G'
		body = appendFormatG(buf[:0], f, prec, sp.hash)
	}
	if upper {
		for i, c := range body {
			if c >= 'a' && c <= 'z' {
				body[i] = c - 'a' + 'A'
			}
		}
	}
	return pad(sp, b, prefix, 0, body, sp.zero)
}

// appendHexFloat formats f for %a and %A exactly as glibc's printf: a
// leading digit 1 for normal numbers and 0 for subnormals (with exponent
// -1022), trailing zeros dropped when there is no precision, and rounding
// to nearest-even on the last digit kept, without renormalising (so
// "%.1a" of 1.97 is "0x2.0p+0").
func appendHexFloat(b []byte, sp *fmtSpec, f float64) []byte {
	upper := sp.verb == 'A'
	neg := math.Signbit(f)
	sign := sp.signPrefix(neg)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		body := "inf"
		if math.IsNaN(f) {
			body = "nan"
		}
		if upper {
			body = strings.ToUpper(body)
		}
		return pad(sp, b, sign, 0, body, false)
	}
	bits := math.Float64bits(f)
	exp := int(bits>>52) & 0x7ff
	frac := bits & (1<<52 - 1)
	lead := uint64(1)
	switch {
	case exp == 0 && frac == 0:
		lead, exp = 0, 0
	case exp == 0:
		lead, exp = 0, -1022
	default:
		exp -= 1023
	}
	const fracDigits = 13
	ndigits := fracDigits
	if sp.prec >= 0 && sp.prec < fracDigits {
		ndigits = sp.prec
		shift := uint(fracDigits-ndigits) * 4
		kept := frac >> shift
		rem := frac & (1<<shift - 1)
		half := uint64(1) << (shift - 1)
		odd := kept&1 == 1
		if ndigits == 0 {
			odd = lead&1 == 1
		}
		if rem > half || (rem == half && odd) {
			kept++
			if kept>>(uint(ndigits)*4) != 0 {
				kept = 0
				lead++
			}
		}
		frac = kept
	}
	hexDigits := "0123456789abcdef"
	if upper {
		hexDigits = "0123456789ABCDEF"
	}
	var buf [64]byte
	body := append(buf[:0], hexDigits[lead])
	var fd [fracDigits]byte
	for i := ndigits - 1; i >= 0; i-- {
		fd[i] = hexDigits[frac&0xf]
		frac >>= 4
	}
	digits := fd[:ndigits]
	if sp.prec < 0 {
		for len(digits) > 0 && digits[len(digits)-1] == '0' {
			digits = digits[:len(digits)-1]
		}
	}
	if len(digits) > 0 || sp.hash || sp.prec > 0 {
		body = append(body, '.')
	}
	body = append(body, digits...)
	for i := fracDigits; i < sp.prec; i++ {
		body = append(body, '0')
	}
	if upper {
		body = append(body, 'P')
	} else {
		body = append(body, 'p')
	}
	if exp >= 0 {
		body = append(body, '+')
	}
	body = strconv.AppendInt(body, int64(exp), 10)
	return pad(sp, b, hexPrefix(sign, upper), 0, body, sp.zero)
}

// hexPrefix returns the sign and "0x" of a hexadecimal float.
func hexPrefix(sign string, upper bool) string {
	const prefixes = "0x-0x+0x 0x0X-0X+0X 0X"
	i := 0
	switch sign {
	case "-":
		i = 2
	case "+":
		i = 5
	case " ":
		i = 8
	}
	if upper {
		i += 11
	}
	return prefixes[i : i+len(sign)+2]
}

// appendPaddedString formats s for %s with a width and precision (the
// precision truncates).
func appendPaddedString(b []byte, sp *fmtSpec, s string) []byte {
	if sp.prec >= 0 && len(s) > sp.prec {
		s = s[:sp.prec]
	}
	return pad(sp, b, "", 0, s, false)
}

// appendQuoted appends s as a Lua string literal that reads back as s
// (%q): quotes, backslashes and newlines escaped, control bytes as
// decimal escapes.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\' || c == '\n':
			b = append(b, '\\', c)
		case charClass[c]&clCntrl != 0:
			b = append(b, '\\')
			if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				b = append(b, '0'+c/100, '0'+c/10%10, '0'+c%10)
			} else {
				b = strconv.AppendUint(b, uint64(c), 10)
			}
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendQuotedInt appends an integer as a literal that reads back as the
// same integer (math.mininteger in hexadecimal).
func appendQuotedInt(b []byte, n int64) []byte {
	if n == math.MinInt64 {
		return append(b, "0x8000000000000000"...)
	}
	return strconv.AppendInt(b, n, 10)
}

// appendQuotedFloat appends a float as a literal that reads back as the
// same float: hexadecimal, or 1e9999, -1e9999, (0/0).
func appendQuotedFloat(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "1e9999"...)
	case math.IsInf(f, -1):
		return append(b, "-1e9999"...)
	case math.IsNaN(f):
		return append(b, "(0/0)"...)
	}
	sp := fmtSpec{width: -1, prec: -1, verb: 'a'}
	return appendHexFloat(b, &sp, f)
}

// appendFormatG appends a non-negative finite f formatted as C's
// %.<prec>g (alt: the '#' flag, which keeps trailing zeros and the point).
func appendFormatG(dst []byte, f float64, prec int, alt bool) []byte {
	if prec == 0 {
		prec = 1
	}
	var scratch [128]byte
	e := strconv.AppendFloat(scratch[:0], f, 'e', prec-1, 64)
	ie := len(e) - 1
	for e[ie] != 'e' {
		ie--
	}
	x := 0 // decimal exponent after rounding to prec digits
	if f != 0 {
		neg := e[ie+1] == '-'
		for _, c := range e[ie+2:] {
			x = x*10 + int(c-'0')
		}
		if neg {
			x = -x
		}
	}
	start := len(dst)
	var tail []byte
	if x < -4 || x >= prec {
		dst = append(dst, e[:ie]...)
		tail = e[ie:]
	} else {
		dst = strconv.AppendFloat(dst, f, 'f', prec-1-x, 64)
	}
	hasPoint := false
	for _, c := range dst[start:] {
		if c == '.' {
			hasPoint = true
			break
		}
	}
	switch {
	case alt && !hasPoint:
		dst = append(dst, '.')
	case !alt && hasPoint:
		for dst[len(dst)-1] == '0' {
			dst = dst[:len(dst)-1]
		}
		if dst[len(dst)-1] == '.' {
			dst = dst[:len(dst)-1]
		}
	}
	return append(dst, tail...)
}
