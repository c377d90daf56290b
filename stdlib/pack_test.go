package stdlib

import (
	"math"
	"strconv"
	"testing"
)

// readOptions reads a whole format and describes each option as
// "kind:size:pad", or the error.
func readOptions(f string) []string {
	pf := newPackFormat(f)
	var out []string
	total := 0
	for pf.more() {
		kind, size, pad, err := pf.details(total)
		if err != nil {
			return append(out, "error: "+err.msg)
		}
		out = append(out, string("iIfndcszxX "[kind])+":"+strconv.Itoa(size)+":"+strconv.Itoa(pad))
		total += pad + size
	}
	return out
}

func TestPackOptions(t *testing.T) {
	tests := []struct {
		f    string
		want []string
	}{
		{"", nil},
		{"b B h H i I l L j J T", []string{"i:1:0", " :0:0", "I:1:0", " :0:0", "i:2:0", " :0:0", "I:2:0", " :0:0",
			"i:4:0", " :0:0", "I:4:0", " :0:0", "i:8:0", " :0:0", "I:8:0", " :0:0", "i:8:0", " :0:0", "I:8:0", " :0:0", "I:8:0"}},
		{"f d n", []string{"f:4:0", " :0:0", "d:8:0", " :0:0", "n:8:0"}},
		{"i1i16I3", []string{"i:1:0", "i:16:0", "I:3:0"}},
		{"i0", []string{"error: integral size (0) out of limits [1,16]"}},
		{"i17", []string{"error: integral size (17) out of limits [1,16]"}},
		{"i100000000000000000000", []string{"error: integral size (1000000000) out of limits [1,16]"}},
		{"c", []string{"error: missing size for format option 'c'"}},
		{"c10c0", []string{"c:10:0", "c:0:0"}},
		{"z s s1 s16", []string{"z:0:0", " :0:0", "s:8:0", " :0:0", "s:1:0", " :0:0", "s:16:0"}},
		{"y", []string{"error: invalid format option 'y'"}},
		{"<>=", []string{" :0:0", " :0:0", " :0:0"}},
		{"!8 b i8", []string{" :0:0", " :0:0", "i:1:0", " :0:0", "i:8:7"}},
		{"!4 b i8", []string{" :0:0", " :0:0", "i:1:0", " :0:0", "i:8:3"}},
		{"b i8", []string{"i:1:0", " :0:0", "i:8:0"}},
		{"!3 b i3", []string{" :0:0", " :0:0", "i:1:0", " :0:0", "error: format asks for alignment not power of 2"}},
		{"!17", []string{"error: integral size (17) out of limits [1,16]"}},
		{"!8 b Xi8 b", []string{" :0:0", " :0:0", "i:1:0", " :0:0", "X:0:7", " :0:0", "i:1:0"}},
		{"X", []string{"error: invalid next option for option 'X'"}},
		{"Xc1", []string{"error: invalid next option for option 'X'"}},
		{"Xz", []string{"error: invalid next option for option 'X'"}},
		{"Xy", []string{"error: invalid format option 'y'"}},
		{"x", []string{"x:1:0"}},
		{"b\x00i", []string{"i:1:0"}}, // the format ends at a zero byte
	}
	for _, tt := range tests {
		got := readOptions(tt.f)
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %q, want %q", tt.f, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: got %q, want %q", tt.f, got, tt.want)
				break
			}
		}
	}
}

func TestPackInt(t *testing.T) {
	tests := []struct {
		n      int64
		size   int
		little bool
		want   string
	}{
		{1, 4, true, "\x01\x00\x00\x00"},
		{1, 4, false, "\x00\x00\x00\x01"},
		{-2, 2, true, "\xfe\xff"},
		{-2, 12, true, "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"},
		{-2, 12, false, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe"},
		{5, 16, false, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05"},
		{0x010203, 3, false, "\x01\x02\x03"},
	}
	for _, tt := range tests {
		got := string(appendPackInt(nil, uint64(tt.n), tt.little, tt.size, tt.n < 0))
		if got != tt.want {
			t.Errorf("pack %d/%d/%v = %q, want %q", tt.n, tt.size, tt.little, got, tt.want)
		}
		back, ok := unpackInt(got, tt.little, tt.size, true)
		if !ok || back != tt.n {
			t.Errorf("unpack %q = %d, %v", got, back, ok)
		}
	}
	// Sign extension and overflow checks of wide integers.
	if v, ok := unpackInt("\xff\xff\xff", true, 3, true); !ok || v != -1 {
		t.Errorf("i3 -1: %d %v", v, ok)
	}
	if v, ok := unpackInt("\xff\xff\xff", true, 3, false); !ok || v != 0xffffff {
		t.Errorf("I3: %d %v", v, ok)
	}
	if _, ok := unpackInt("\x00\x00\x00\x00\x00\x00\x00\x00\x01", true, 9, true); ok {
		t.Error("9-byte integer with a high byte fits")
	}
	if _, ok := unpackInt("\xff\xff\xff\xff\xff\xff\xff\xff\x00", true, 9, true); ok {
		t.Error("negative 9-byte integer without sign extension fits")
	}
	if v, ok := unpackInt("\xff\xff\xff\xff\xff\xff\xff\xff\x00", true, 9, false); !ok || v != -1 {
		t.Errorf("I9: %d %v", v, ok)
	}
	if v := math.Float64frombits(unpackBits(string(appendPackBits(nil, math.Float64bits(1.5), 8, false)), 8, false)); v != 1.5 {
		t.Errorf("double round trip: %v", v)
	}
	if v := math.Float32frombits(uint32(unpackBits(string(appendPackBits(nil, uint64(math.Float32bits(-2.5)), 4, true)), 4, true))); v != -2.5 {
		t.Errorf("float round trip: %v", v)
	}
}
