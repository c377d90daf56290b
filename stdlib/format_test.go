package stdlib

import (
	"math"
	"strconv"
	"testing"
)

type fmtArg struct {
	isInt bool
	i     int64
	f     float64
}

func intArg(i int64) fmtArg     { return fmtArg{isInt: true, i: i} }
func floatArg(f float64) fmtArg { return fmtArg{f: f} }

// formatOne formats one value with one specification through the engine,
// as string.format does after its argument checks.
func formatOne(spec string, a fmtArg) (string, bool) {
	form, verb, rest, tooLong := scanSpec(spec)
	if tooLong {
		return "", false
	}
	var flags string
	switch verb {
	case 'c':
		flags = fmtFlagsC
	case 'd', 'i':
		flags = fmtFlagsI
	case 'u':
		flags = fmtFlagsU
	case 'o', 'x', 'X':
		flags = fmtFlagsX
	default:
		flags = fmtFlagsF
	}
	sp, ok := parseSpec(form, flags, verb != 'c')
	if !ok {
		return "", false
	}
	var b []byte
	switch verb {
	case 'c', 'd', 'i', 'u', 'o', 'x', 'X':
		b = appendInt(nil, &sp, a.i)
	case 'a', 'A':
		b = appendHexFloat(nil, &sp, a.f)
	default:
		b = appendFloat(nil, &sp, a.f)
	}
	return string(b) + rest, true
}

// The expected strings were printed by lua5.4 (C's printf in glibc).
func TestFormatNumbers(t *testing.T) {
	tests := []struct {
		spec string
		arg  fmtArg
		want string
	}{
		{"%d", intArg(0), "0"},
		{"%d", intArg(-42), "-42"},
		{"%5d", intArg(42), "   42"},
		{"%-5d|", intArg(42), "42   |"},
		{"%05d", intArg(-42), "-0042"},
		{"%+d", intArg(42), "+42"},
		{"% d", intArg(42), " 42"},
		{"%.3d", intArg(7), "007"},
		{"%.0d", intArg(0), ""},
		{"%+.0d", intArg(0), "+"},
		{"%8.3d", intArg(-7), "    -007"},
		{"%-08.3d|", intArg(7), "007     |"},
		{"%d", intArg(math.MinInt64), "-9223372036854775808"},
		{"%u", intArg(-1), "18446744073709551615"},
		{"%o", intArg(8), "10"},
		{"%#o", intArg(8), "010"},
		{"%#o", intArg(0), "0"},
		{"%#.0o", intArg(0), "0"},
		{"%#5o", intArg(1), "   01"},
		{"%x", intArg(255), "ff"},
		{"%X", intArg(255), "FF"},
		{"%#x", intArg(255), "0xff"},
		{"%#X", intArg(255), "0XFF"},
		{"%#x", intArg(0), "0"},
		{"%#08x", intArg(255), "0x0000ff"},
		{"%-#8x|", intArg(255), "0xff    |"},
		{"%.4x", intArg(255), "00ff"},
		{"%x", intArg(-1), "ffffffffffffffff"},
		{"%c", intArg(65), "A"},
		{"%5c", intArg(65), "    A"},
		{"%-5c|", intArg(65), "A    |"},
		{"%e", floatArg(0x0p+0), "0.000000e+00"},
		{"%e", floatArg(0x1.34ap+10), "1.234500e+03"},
		{"%.2e", floatArg(0x1.34ap+10), "1.23e+03"},
		{"%E", floatArg(-0x1.a36e2eb1c432dp-14), "-1.000000E-04"},
		{"%#.0e", floatArg(0x1p+1), "2.e+00"},
		{"%+e", floatArg(0x1p+0), "+1.000000e+00"},
		{"%12.3e", floatArg(0x1.8p+0), "   1.500e+00"},
		{"%-12.3e|", floatArg(0x1.8p+0), "1.500e+00   |"},
		{"%012.3e", floatArg(-0x1.8p+0), "-001.500e+00"},
		{"%e", floatArg(0x1.7e43c8800759cp+996), "1.000000e+300"},
		{"%e", floatArg(0x0.0000000000001p-1022), "4.940656e-324"},
		{"%f", floatArg(0x1p+0), "1.000000"},
		{"%.0f", floatArg(0x1p-1), "0"},
		{"%.0f", floatArg(0x1.8p+0), "2"},
		{"%.0f", floatArg(0x1.4p+1), "2"},
		{"%#.0f", floatArg(0x1p+0), "1."},
		{"%.3f", floatArg(0x1.0010624dd2f1bp+1), "2.001"},
		{"%.2f", floatArg(0x1.5666666666666p+1), "2.67"},
		{"%10.4f", floatArg(-0x1.921fb53c8d4f1p+1), "   -3.1416"},
		{"%-10.1f|", floatArg(0x1.2p+1), "2.2       |"},
		{"% f", floatArg(0x1p+0), " 1.000000"},
		{"%+.1f", floatArg(math.Copysign(0, -1)), "-0.0"},
		{"%f", floatArg(0x1.5af1d78b58c4p+66), "100000000000000000000.000000"},
		{"%.10f", floatArg(0x1.5555555555555p-2), "0.3333333333"},
		{"%g", floatArg(0x1.86ap+16), "100000"},
		{"%g", floatArg(0x1.e848p+19), "1e+06"},
		{"%g", floatArg(0x1.a36e2eb1c432dp-14), "0.0001"},
		{"%g", floatArg(0x1.4f8b588e368f1p-17), "1e-05"},
		{"%g", floatArg(0x1.02e84fa5a8c84p-13), "0.000123457"},
		{"%g", floatArg(0x1.d6f3454p+26), "1.23457e+08"},
		{"%.0g", floatArg(0x1p-1), "0.5"},
		{"%.1g", floatArg(0x1.ep+3), "2e+01"},
		{"%#.0g", floatArg(0x1p+0), "1."},
		{"%#g", floatArg(0x1p+0), "1.00000"},
		{"%#g", floatArg(0x1.86ap+16), "100000."},
		{"%#.3g", floatArg(0x1.2a05f2p+33), "1.00e+10"},
		{"%G", floatArg(0x1.b7cdfd9d7bdbbp-34), "1E-10"},
		{"%g", floatArg(0x0p+0), "0"},
		{"%g", floatArg(math.Copysign(0, -1)), "-0"},
		{"%#g", floatArg(0x0p+0), "0.00000"},
		{"%.17g", floatArg(0x1.999999999999ap-4), "0.10000000000000001"},
		{"%g", floatArg(0x1p+63), "9.22337e+18"},
		{"%10.3g|", floatArg(0x1.8p+1), "         3|"},
		{"%-10g|", floatArg(0x1.249ad2594c37dp+332), "1e+100    |"},
		{"%a", floatArg(0x1p+0), "0x1p+0"},
		{"%a", floatArg(0x1p-1), "0x1p-1"},
		{"%A", floatArg(0x1.8p+1), "0X1.8P+1"},
		{"%a", floatArg(0x1.999999999999ap-4), "0x1.999999999999ap-4"},
		{"%a", floatArg(0x0p+0), "0x0p+0"},
		{"%a", floatArg(math.Copysign(0, -1)), "-0x0p+0"},
		{"%a", floatArg(0x0.0000000000001p-1022), "0x0.0000000000001p-1022"},
		{"%a", floatArg(0x1p-1022), "0x1p-1022"},
		{"%a", floatArg(0x0.8p-1022), "0x0.8p-1022"},
		{"%a", floatArg(0x1.fffffffffffffp+1023), "0x1.fffffffffffffp+1023"},
		{"%.1a", floatArg(0x1.f8p+0), "0x2.0p+0"},
		{"%.2a", floatArg(0x1.ffbe76c8b4396p+0), "0x2.00p+0"},
		{"%.0a", floatArg(0x1.8p+0), "0x2p+0"},
		{"%.0a", floatArg(0x1.4p+1), "0x1p+1"},
		{"%.0a", floatArg(0x1.cp+1), "0x2p+1"},
		{"%.13a", floatArg(0x1.5555555555555p-2), "0x1.5555555555555p-2"},
		{"%.20a", floatArg(0x1.5555555555555p-2), "0x1.55555555555550000000p-2"},
		{"%.1a", floatArg(0x1.08p+0), "0x1.0p+0"},
		{"%.1a", floatArg(0x1.18p+0), "0x1.2p+0"},
		{"%.0a", floatArg(0x0.8p-1022), "0x0p-1022"},
		{"%.0a", floatArg(0x1.8p-1022), "0x2p-1022"},
		{"%.0a", floatArg(0x0.fp-1022), "0x1p-1022"},
		{"%+a", floatArg(0x1p+0), "+0x1p+0"},
		{"% a", floatArg(0x1p+0), " 0x1p+0"},
		{"%010a", floatArg(0x1p+0), "0x00001p+0"},
		{"%-10a|", floatArg(0x1p+0), "0x1p+0    |"},
		{"%#.0a", floatArg(0x1p+1), "0x1.p+1"},
		{"%#a", floatArg(0x1p+0), "0x1.p+0"},
		{"%A", floatArg(0x1.ffp+7), "0X1.FFP+7"},
		{"%e", floatArg(math.Inf(1)), "inf"},
		{"%f", floatArg(math.Inf(-1)), "-inf"},
		{"%g", floatArg(math.Copysign(math.NaN(), -1)), "-nan"},
		{"%a", floatArg(math.Inf(1)), "inf"},
		{"%A", floatArg(math.Inf(-1)), "-INF"},
		{"%E", floatArg(math.Inf(1)), "INF"},
		{"%05.1f", floatArg(math.Inf(1)), "  inf"},
		{"%-6f|", floatArg(math.Inf(1)), "inf   |"},
		{"%+f", floatArg(math.Inf(1)), "+inf"},
		{"% f", floatArg(math.Inf(1)), " inf"},
	}
	for _, tt := range tests {
		got, ok := formatOne(tt.spec, tt.arg)
		if !ok || got != tt.want {
			t.Errorf("format(%q, %v) = %q, %v; want %q", tt.spec, tt.arg, got, ok, tt.want)
		}
	}
}

func TestScanSpec(t *testing.T) {
	tests := []struct {
		in      string
		form    string
		verb    byte
		rest    string
		tooLong bool
	}{
		{"%d", "%d", 'd', "", false},
		{"%5.2fxyz", "%5.2f", 'f', "xyz", false},
		{"%-+ #0123.45s", "%-+ #0123.45s", 's', "", false},
		{"%", "%", 0, "", false},
		{"%12", "%12", 0, "", false},
		{"%1$d", "%1$", '$', "d", false},
		{"%--------------------d", "%--------------------d", 'd', "", false},
		{"%---------------------d", "", 0, "", true},
	}
	for _, tt := range tests {
		form, verb, rest, tooLong := scanSpec(tt.in)
		if form != tt.form || verb != tt.verb || rest != tt.rest || tooLong != tt.tooLong {
			t.Errorf("scanSpec(%q) = %q %q %q %v", tt.in, form, verb, rest, tooLong)
		}
	}
}

func TestParseSpec(t *testing.T) {
	tests := []struct {
		form      string
		flags     string
		precision bool
		ok        bool
		width     int
		prec      int
	}{
		{"%d", fmtFlagsI, true, true, -1, -1},
		{"%99d", fmtFlagsI, true, true, 99, -1},
		{"%100d", fmtFlagsI, true, false, 0, 0},
		{"%.99d", fmtFlagsI, true, true, -1, 99},
		{"%.100d", fmtFlagsI, true, false, 0, 0},
		{"%10.100d", fmtFlagsI, true, false, 0, 0},
		{"%5.d", fmtFlagsI, true, true, 5, 0},
		{"%#d", fmtFlagsI, true, false, 0, 0},
		{"%#x", fmtFlagsX, true, true, -1, -1},
		{"%+x", fmtFlagsX, true, false, 0, 0},
		{"%.3c", fmtFlagsC, false, false, 0, 0},
		{"%05c", fmtFlagsC, false, false, 0, 0},
		{"%-5c", fmtFlagsC, false, true, 5, -1},
		{"%0-10d", fmtFlagsI, true, true, 10, -1},
		{"%1.2.3d", fmtFlagsI, true, false, 0, 0},
		{"%-+ #0f", fmtFlagsF, true, true, -1, -1},
	}
	for _, tt := range tests {
		sp, ok := parseSpec(tt.form, tt.flags, tt.precision)
		if ok != tt.ok || ok && (sp.width != tt.width || sp.prec != tt.prec) {
			t.Errorf("parseSpec(%q) = %+v, %v", tt.form, sp, ok)
		}
	}
}

func TestQuoted(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"line\nbreak", "\"line\\\nbreak\""},
		{"cr\rlf", `"cr\13lf"`},
		{"\x00", `"\0"`},
		{"\x001", `"\0001"`},
		{"\x01\x029", `"\1\0029"`},
		{"\x7f\x80\xff", "\"\\127\x80\xff\""},
	}
	for _, tt := range tests {
		if got := string(appendQuoted(nil, tt.in)); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	floats := []struct {
		f    float64
		want string
	}{
		{1, "0x1p+0"}, {0.1, "0x1.999999999999ap-4"}, {math.Inf(1), "1e9999"},
		{math.Inf(-1), "-1e9999"}, {math.NaN(), "(0/0)"}, {-0.0, "0x0p+0"},
		{math.Copysign(0, -1), "-0x0p+0"}, {0x1p63, "0x1p+63"},
	}
	for _, tt := range floats {
		if got := string(appendQuotedFloat(nil, tt.f)); got != tt.want {
			t.Errorf("quote(%v) = %s, want %s", tt.f, got, tt.want)
		}
		if tt.f == tt.f && !math.IsInf(tt.f, 0) {
			// The hexadecimal form reads back as the same float.
			back, err := strconv.ParseFloat(tt.want, 64)
			if err != nil || back != tt.f {
				t.Errorf("%s reads back as %v (%v)", tt.want, back, err)
			}
		}
	}
	if got := string(appendQuotedInt(nil, math.MinInt64)); got != "0x8000000000000000" {
		t.Errorf("mininteger: %s", got)
	}
	if got := string(appendQuotedInt(nil, -5)); got != "-5" {
		t.Errorf("-5: %s", got)
	}
}

// TestHexFloatRoundTrip checks %a against strconv on many values: the
// output without a precision must read back exactly.
func TestHexFloatRoundTrip(t *testing.T) {
	sp := fmtSpec{width: -1, prec: -1, verb: 'a'}
	vals := []float64{1, -1, 0.1, 1e-310, 5e-324, math.MaxFloat64, math.SmallestNonzeroFloat64, 2.5e-308, 123456.789}
	for i := 0; i < 2000; i++ {
		vals = append(vals, math.Float64frombits(uint64(i)*0x9E3779B97F4A7C15))
	}
	for _, f := range vals {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		s := string(appendHexFloat(nil, &sp, f))
		back, err := strconv.ParseFloat(s, 64)
		if err != nil || back != f {
			t.Fatalf("%v -> %s -> %v (%v)", f, s, back, err)
		}
	}
}
