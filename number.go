package lunar

import (
	"math"
	"strconv"
	"strings"
)

// StringToNumber converts a string to a number following the lexical rules
// for numerals (§3.1) plus surrounding whitespace and an optional sign, as
// the string coercions of §3.4.3 and tonumber do. Decimal integers that
// overflow become floats; hexadecimal integers wrap around.
func StringToNumber(s string) (Value, bool) {
	s = strings.TrimFunc(s, isLuaSpace)
	if s == "" {
		return Nil, false
	}
	neg := false
	body := s
	if body[0] == '-' {
		neg = true
		body = body[1:]
	} else if body[0] == '+' {
		body = body[1:]
	}
	if body == "" {
		return Nil, false
	}
	if len(body) > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		return parseHex(body[2:], neg)
	}
	// Decimal: integer if only digits.
	allDigits := true
	for i := 0; i < len(body); i++ {
		if body[i] < '0' || body[i] > '9' {
			allDigits = false
			break
		}
	}
	if allDigits {
		var n uint64
		overflow := false
		for i := 0; i < len(body); i++ {
			d := uint64(body[i] - '0')
			if n > (math.MaxUint64-d)/10 {
				overflow = true
				break
			}
			n = n*10 + d
		}
		if !overflow {
			if !neg && n <= math.MaxInt64 {
				return Int(int64(n)), true
			}
			if neg && n <= 1<<63 {
				return Int(-int64(n)), true
			}
		}
		// Falls through to float conversion.
	}
	if !validDecimalFloat(body) {
		return Nil, false
	}
	f, err := strconv.ParseFloat(body, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return Nil, false
		}
	}
	if neg {
		f = -f
	}
	return Float(f), true
}

func isLuaSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v'
}

// validDecimalFloat checks digits [. digits] [(e|E) [sign] digits] with at
// least one digit in the mantissa; strconv alone would also accept "inf",
// "nan", underscores and hex.
func validDecimalFloat(s string) bool {
	i, digits := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		ed := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			ed++
		}
		if ed == 0 {
			return false
		}
	}
	return i == len(s)
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// parseHex parses the part after "0x": an integer (wrapping around) or a
// hexadecimal float with optional fraction and binary exponent.
func parseHex(s string, neg bool) (Value, bool) {
	var mant uint64
	exp := 0 // binary exponent adjustment
	any := false
	isFloat := false
	i := 0
	sigDigits := 0
	for i < len(s) {
		d, ok := hexDigit(s[i])
		if !ok {
			break
		}
		any = true
		if sigDigits < 16 || isIntegerHex(s) {
			mant = mant<<4 | uint64(d)
			if mant != 0 {
				sigDigits++
			}
		} else {
			exp += 4
		}
		i++
	}
	if i < len(s) && s[i] == '.' {
		isFloat = true
		i++
		for i < len(s) {
			d, ok := hexDigit(s[i])
			if !ok {
				break
			}
			any = true
			if sigDigits < 16 {
				mant = mant<<4 | uint64(d)
				if mant != 0 {
					sigDigits++
				}
				exp -= 4
			}
			i++
		}
	}
	if !any {
		return Nil, false
	}
	if i < len(s) && (s[i] == 'p' || s[i] == 'P') {
		isFloat = true
		i++
		esign := 1
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			if s[i] == '-' {
				esign = -1
			}
			i++
		}
		e, ed := 0, 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if e < 100000 {
				e = e*10 + int(s[i]-'0')
			}
			i++
			ed++
		}
		if ed == 0 {
			return Nil, false
		}
		exp += esign * e
	}
	if i != len(s) {
		return Nil, false
	}
	if !isFloat {
		if neg {
			return Int(-int64(mant)), true
		}
		return Int(int64(mant)), true
	}
	f := math.Ldexp(float64(mant), exp)
	if neg {
		f = -f
	}
	return Float(f), true
}

// isIntegerHex reports whether a hex numeral body has no fraction or
// exponent (integers keep all digits and wrap around).
func isIntegerHex(s string) bool {
	return !strings.ContainsAny(s, ".pP")
}

func formatInt(i int64) string { return strconv.FormatInt(i, 10) }

// FormatFloat formats a float as Lua's tostring does ("%.14g", plus ".0"
// when the result looks like an integer; "inf", "-inf", "nan", "-nan").
func FormatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f != f:
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	s := FormatG(f, 14, false)
	if strings.IndexAny(s, ".eni") < 0 {
		s += ".0"
	}
	return s
}

// FormatG formats f like C's printf("%.<prec>g") (alt: the '#' flag, which
// keeps trailing zeros).
func FormatG(f float64, prec int, alt bool) string {
	if prec == 0 {
		prec = 1
	}
	if f == 0 {
		if alt {
			s := "0." + strings.Repeat("0", prec-1)
			if prec == 1 {
				s = "0."
			}
			if math.Signbit(f) {
				return "-" + s
			}
			return s
		}
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	if math.IsInf(f, 0) || f != f {
		return FormatFloat(f)
	}
	// Decide between %e and %f by the decimal exponent after rounding.
	e := strconv.FormatFloat(f, 'e', prec-1, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(expStr)
	var s string
	if x < -4 || x >= prec {
		if !alt {
			mant = trimZeros(mant)
		}
		sign := "+"
		if x < 0 {
			sign = "-"
			x = -x
		}
		es := strconv.Itoa(x)
		if len(es) < 2 {
			es = "0" + es
		}
		s = mant + "e" + sign + es
	} else {
		s = strconv.FormatFloat(f, 'f', prec-1-x, 64)
		if !alt {
			s = trimZeros(s)
		} else if !strings.Contains(s, ".") {
			s += "."
		}
	}
	return s
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
