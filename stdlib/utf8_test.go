package stdlib

import (
	"testing"
	"unicode/utf8"
)

func TestUTF8Decode(t *testing.T) {
	tests := []struct {
		s      string
		strict bool
		code   rune
		next   int
	}{
		{"a", true, 'a', 1},
		{"\x00", true, 0, 1},
		{"\xc3\xa9", true, 0xe9, 2},
		{"\xe2\x82\xac", true, 0x20ac, 3},
		{"\xf0\x9f\x98\x80", true, 0x1f600, 4},
		{"\xf4\x8f\xbf\xbf", true, 0x10ffff, 4},
		{"\xf4\x90\x80\x80", true, 0, -1}, // above 0x10FFFF
		{"\xf4\x90\x80\x80", false, 0x110000, 4},
		{"\xed\xa0\x80", true, 0, -1}, // surrogate
		{"\xed\xa0\x80", false, 0xd800, 3},
		{"\xf8\x88\x80\x80\x80", false, 0x200000, 5},
		{"\xfd\xbf\xbf\xbf\xbf\xbf", false, 0x7fffffff, 6},
		{"\xfe\x80\x80\x80\x80\x80\x80", false, 0, -1},
		{"\xff", false, 0, -1},
		{"\x80", false, 0, -1},     // continuation byte
		{"\xc0\x80", false, 0, -1}, // overlong
		{"\xc1\xbf", false, 0, -1},
		{"\xe0\x80\x80", false, 0, -1},
		{"\xf0\x80\x80\x80", false, 0, -1},
		{"\xc3", false, 0, -1},         // truncated
		{"\xe2\x82", false, 0, -1},     // truncated
		{"\xc3\x28", false, 0, -1},     // bad continuation
		{"\xe2\x28\xa1", false, 0, -1}, // bad continuation
	}
	for _, tt := range tests {
		code, next := utf8Decode(tt.s, 0, tt.strict)
		if code != tt.code || next != tt.next {
			t.Errorf("decode(%q, %v) = %#x, %d; want %#x, %d", tt.s, tt.strict, code, next, tt.code, tt.next)
		}
	}
}

func TestUTF8Encode(t *testing.T) {
	for _, c := range []uint32{0, 0x7f, 0x80, 0x7ff, 0x800, 0xd800, 0xffff, 0x10000, 0x10ffff,
		0x110000, 0x1fffff, 0x200000, 0x3ffffff, 0x4000000, 0x7fffffff} {
		s := string(appendUTF8(nil, c))
		code, next := utf8Decode(s, 0, false)
		if uint32(code) != c || next != len(s) {
			t.Errorf("%#x: encoded %q decodes to %#x, %d", c, s, code, next)
		}
		if c <= 0x10ffff && (c < 0xd800 || c > 0xdfff) {
			if want := string(rune(c)); s != want {
				t.Errorf("%#x: %q, want %q", c, s, want)
			}
		}
	}
	// Strict decoding agrees with Go's decoder on valid text.
	for r := rune(0); r <= 0x10ffff; r += 0x101 {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		b := utf8.AppendRune(nil, r)
		code, next := utf8Decode(string(b), 0, true)
		if code != r || next != len(b) {
			t.Fatalf("%#x: %#x %d", r, code, next)
		}
	}
}

// TestUTF8CodesStray pins the 5.4.6+ handling of stray continuation bytes
// in utf8.codes: an error, where 5.4.4 (the lua5.4 the conformance scripts
// are checked against) skips them, so no golden file can hold it.
func TestUTF8CodesStray(t *testing.T) {
	tests := []struct{ s, want string }{
		{`"\127\128"`, "invalid UTF-8 code\n"},
		{`"in\x80valid"`, "1:105 invalid UTF-8 code\n"},
		{`"\u{3B1}\xBF\u{3B1}"`, "invalid UTF-8 code\n"},
		{`"\xBFabc"`, "bad argument #1 to 'codes' (invalid UTF-8 code)\n"},
		{`"\x80"`, "bad argument #1 to 'codes' (invalid UTF-8 code)\n"},
		{`"a\u{20AC}b"`, "1:97 2:8364 5:98 true\n"},
	}
	for _, tc := range tests {
		for _, lax := range []string{"false", "true"} {
			got := tableRun(t, `local ok, err = pcall(function()
			  for p, c in utf8.codes(`+tc.s+`, `+lax+`) do io.write(p, ":", c, " ") end
			end)
			print(ok or (err:gsub("^[^:]*:%d+: ", "")))`)
			if got != tc.want {
				t.Errorf("utf8.codes(%s, %s): got %q, want %q", tc.s, lax, got, tc.want)
			}
		}
	}
}
