package stdlib_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

func newState(t testing.TB) *lunar.State {
	t.Helper()
	s := lunar.NewState()
	stdlib.OpenAll(s)
	return s
}

// eval runs a chunk and returns its results joined by spaces, or the
// error message.
func eval(t testing.TB, s *lunar.State, src string) string {
	t.Helper()
	res, err := s.DoString("=test", src)
	if err != nil {
		return "error: " + err.Error()
	}
	out := make([]string, len(res))
	for i, v := range res {
		str, ok := v.ToString()
		if !ok {
			str = v.TypeName()
			if v.IsBool() {
				str = "false"
				if v.AsBool() {
					str = "true"
				}
			}
		}
		out[i] = str
	}
	return strings.Join(out, " ")
}

// The expected values come from lua5.4.
func TestStringLibrary(t *testing.T) {
	s := newState(t)
	tests := []struct{ src, want string }{
		{`return ("hello"):sub(2, -2), ("hello"):sub(-100, 100), ("hello"):sub(4, 2)`, "ell hello "},
		{`return string.byte("abc", 1, -1)`, "97 98 99"},
		{`return string.byte("abc", 10)`, ""},
		{`return string.char(72, 105), pcall(string.char, 256)`, "Hi false bad argument #1 to 'string.char' (value out of range)"},
		{`return string.rep("ab", 3, "-"), string.rep("x", 0), string.rep("", 1e15)`, "ab-ab-ab  "},
		{`return pcall(string.rep, "x", 2^31)`, "false resulting string too large"},
		{`return pcall(string.rep, "x", 1e10, "yy")`, "false resulting string too large"},
		{`return select("#", string.byte(string.rep("x", 2e6), 1, -1))`, "error: test:1: stack overflow (string slice too long)"},
		{`return ("Hello"):upper(), ("Hello"):lower(), ("abc"):reverse(), #("abc"), ("abc"):len()`, "HELLO hello cba 3 3"},
		{`return ("key=val"):match("(%w+)=(%w+)")`, "key val"},
		{`return ("hello world"):find("o w")`, "5 7"},
		{`return ("a.b"):find(".", 1, true)`, "2 2"},
		{`return ("hello"):gsub("l", {l = "L"})`, "heLLo 2"},
		{`return ("hello"):gsub("(h)(e)", "%2%1%0")`, "ehhello 1"},
		{`local t = {} for k, v in ("a=1,b=2"):gmatch("(%w)=(%w)") do t[#t+1] = k .. v end return table.concat(t, ",")`, "a1,b2"},
		{`return string.format("%5.2f|%-4d|%x|%q", 3.14159, 7, 255, "a\nb")`, " 3.14|7   |ff|\"a\\\nb\""},
		{`return string.format("%s %s %s", 1, 1.0, nil)`, "1 1.0 nil"},
		{`return pcall(string.format, "%d", 1.5)`, "false bad argument #2 to 'string.format' (number has no integer representation)"},
		{`return pcall(string.format, "%10.100d", 1)`, "false invalid conversion specification: '%10.100d'"},
		{`return string.format("%q", math.mininteger), string.format("%q", 0.5), string.format("%q", 1/0)`, "0x8000000000000000 0x1p-1 1e9999"},
		{`return string.unpack("<i4", string.pack("<i4", -2))`, "-2 5"},
		{`return string.packsize("!8 b d"), pcall(string.packsize, "s")`, "16 false bad argument #1 to 'string.packsize' (variable-length format)"},
		{`return pcall(string.pack, "i17", 1)`, "false integral size (17) out of limits [1,16]"},
		{`return pcall(string.unpack, "i4", "abc")`, "false bad argument #2 to 'string.unpack' (data string too short)"},
		{`return pcall(string.unpack, "i9", ("\255"):rep(8) .. "\1")`, "false 9-byte integer does not fit into Lua Integer"},
		{`return "10" + 1, "3" * "4", 10 .. "", -"2", "7" // "2"`, "11 12 10 -2 3"},
		{`return pcall(function() return "abc" + 1 end)`, "false test:1: attempt to add a 'string' with a 'number'"},
		{`return getmetatable("").__index == string`, "true"},
		{`return load(string.dump(function(a, b) return a .. b end))("x", "y")`, "xy"},
		{`return pcall(string.dump, print)`, "false unable to dump given function"},
		{`return load(string.dump(function() end):sub(1, 20))`, "nil binary string: bad binary format (truncated chunk)"},
		{`return utf8.char(72, 228, 8364, 0x10FFFF):byte(1, -1)`, "72 195 164 226 130 172 244 143 191 191"},
		{`return utf8.len("h\195\169"), utf8.len("\255"), utf8.codepoint("\195\169")`, "2 nil 233"},
		{`return utf8.offset("h\195\169llo", 3), utf8.offset("h\195\169llo", -1)`, "4 6"},
		{`return pcall(utf8.offset, "h\195\169", 1, 3)`, "false initial position is a continuation byte"},
		{`return pcall(utf8.codepoint, "\255")`, "false invalid UTF-8 code"},
		{`return pcall(utf8.char, 0x80000000)`, "false bad argument #1 to 'utf8.char' (value out of range)"},
		{`local t = {} for p, c in utf8.codes("a\195\169") do t[#t+1] = p .. ":" .. c end return table.concat(t, " ")`, "1:97 2:233"},
	}
	for _, tt := range tests {
		if got := eval(t, s, tt.src); got != tt.want {
			t.Errorf("%s\n got: %q\nwant: %q", tt.src, got, tt.want)
		}
	}
}

// TestStringNoAlloc checks that the common calls allocate nothing.
func TestStringNoAlloc(t *testing.T) {
	s := newState(t)
	p, err := lunar.Compile("=alloc", []byte(`
		local s = "hello world"
		for i = 1, 1000 do
			local a = s:byte(1)
			local b = s:sub(2, 5)
			local c, d = s:find("wor", 1, true)
			local e = s:find("o")
			local f = s:len()
			local g = s:match("(%a+) (w)()")
		end`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := s.Run(ctx, p); err != nil {
			t.Fatal(err)
		}
	})
	// A few allocations per run come from running the chunk itself;
	// the string functions allocate nothing.
	if allocs > 10 {
		t.Errorf("%v allocations per run of 1000 iterations", allocs)
	}
}

// TestStringSizeLimit checks that the functions that build strings respect
// the state's string size limit, before allocating.
func TestStringSizeLimit(t *testing.T) {
	s := lunar.NewState(lunar.WithLimits(lunar.Limits{StringSize: 1000}))
	stdlib.OpenAll(s)
	for _, src := range []string{
		`return string.rep("x", 1001)`,
		`return string.rep("ab", 400, ",")`,
		`return string.format("%s%s", string.rep("x", 600), string.rep("y", 600))`,
		`return (string.rep("x", 600)):gsub("x", "yy")`,
		`return string.pack("c1001", "")`,
		`return utf8.char(table.unpack({` + strings.Repeat("0x10FFFF, ", 300) + `}))`,
	} {
		_, err := s.DoString("=limit", src)
		var le *lunar.LimitError
		if !errors.As(err, &le) {
			t.Errorf("%s: %v", src, err)
		}
	}
	if got := eval(t, s, `return #string.rep("x", 1000)`); got != "1000" {
		t.Errorf("rep at the limit: %s", got)
	}
}
