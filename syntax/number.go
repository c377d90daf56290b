package syntax

import (
	"strconv"
)

// parseNumber converts the text of a numeral (§3.1) as the reference does:
// an integer if it looks like one and, for decimal numerals, fits in an
// int64 (hexadecimal integers wrap around modulo 2^64); a float otherwise.
// ok is false when text is not a numeral.
func parseNumber(text []byte) (i int64, f float64, isInt, ok bool) {
	if i, ok := parseInteger(text); ok {
		return i, 0, true, true
	}
	f, ok = parseFloat(text)
	return 0, f, false, ok
}

func isHexPrefix(text []byte) bool {
	return len(text) >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')
}

// parseInteger accepts decimal digits that fit in an int64, or "0x" and
// hexadecimal digits (wrapping around).
func parseInteger(text []byte) (int64, bool) {
	var u uint64
	if isHexPrefix(text) {
		digits := text[2:]
		if len(digits) == 0 {
			return 0, false
		}
		for _, c := range digits {
			if !is(int(c), cXDigit) {
				return 0, false
			}
			u = u<<4 | uint64(hexValue(int(c)))
		}
		return int64(u), true
	}
	if len(text) == 0 {
		return 0, false
	}
	const max = 1<<63 - 1
	for _, c := range text {
		if !is(int(c), cDigit) {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (max-d)/10 {
			return 0, false // overflow: the numeral is a float
		}
		u = u*10 + d
	}
	return int64(u), true
}

// parseFloat accepts the decimal and hexadecimal float syntax of C's
// strtod, less infinities and NaNs: digits with an optional point (at
// least one digit in all) and an optional exponent, which is decimal and
// introduced by 'e' for decimal numerals, 'p' (a power of two) for
// hexadecimal ones. Rounding is correct (to nearest, ties to even), values
// too large become +Inf and values too small become zero.
func parseFloat(text []byte) (float64, bool) {
	hex := isHexPrefix(text)
	rest := text
	digitClass := uint8(cDigit)
	expMark := byte('e')
	if hex {
		rest = text[2:]
		digitClass = cXDigit
		expMark = 'p'
	}
	digits := 0
	for len(rest) > 0 && is(int(rest[0]), digitClass) {
		rest = rest[1:]
		digits++
	}
	if len(rest) > 0 && rest[0] == '.' {
		rest = rest[1:]
		for len(rest) > 0 && is(int(rest[0]), digitClass) {
			rest = rest[1:]
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	hasExp := false
	if len(rest) > 0 && rest[0]|0x20 == expMark {
		rest = rest[1:]
		if len(rest) > 0 && (rest[0] == '+' || rest[0] == '-') {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return 0, false
		}
		for len(rest) > 0 && is(int(rest[0]), cDigit) {
			rest = rest[1:]
		}
		hasExp = true
	}
	if len(rest) != 0 {
		return 0, false
	}
	s := string(text)
	if hex && !hasExp {
		s += "p0" // Go's syntax requires the exponent of a hex float
	}
	// The text is valid Go float syntax now; the only possible error is
	// ErrRange, with ±Inf or zero as the value, which is what strtod gives.
	f, _ := strconv.ParseFloat(s, 64)
	return f, true
}
