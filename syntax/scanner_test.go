package syntax

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// scanAll scans src to the end and describes each token as "kind" or
// "kind:value".
func scanAll(t *testing.T, src string) []string {
	t.Helper()
	s := NewScanner("=test", []byte(src))
	var out []string
	for i := 0; ; i++ {
		if i > len(src)+1 {
			t.Fatalf("scanner does not stop on %q", src)
		}
		tok := s.Scan()
		switch tok.Kind {
		case TokEOF:
			return out
		case TokIllegal:
			out = append(out, "illegal:"+s.Err().Msg)
		default:
			out = append(out, describe(tok))
		}
	}
}

func describe(tok Token) string {
	switch tok.Kind {
	case TokName:
		return "name:" + tok.Str
	case TokString:
		return "string:" + strconv.Quote(tok.Str)
	case TokInt:
		return "int:" + strconv.FormatInt(tok.Int, 10)
	case TokFloat:
		return "float:" + strconv.FormatFloat(tok.Float, 'g', -1, 64)
	case TokChar:
		return "char:" + strconv.Itoa(int(tok.Char))
	}
	return tok.Kind.String()
}

func TestScanTokens(t *testing.T) {
	tests := []struct {
		src  string
		want string // tokens separated by spaces
	}{
		{"", ""},
		{"  \t\f\v\n\r ", ""},
		{"and break do else elseif end false for function goto if in local nil not or repeat return then true until while",
			"and break do else elseif end false for function goto if in local nil not or repeat return then true until while"},
		{"+ - * / // % ^ # & ~ | << >> .. ... == ~= < <= > >= = ( ) { } [ ] :: ; : , .",
			"+ - * / // % ^ # & ~ | << >> .. ... == ~= < <= > >= = ( ) { } [ ] :: ; : , ."},
		{"a//b>>c<<d~=e::f...g..h.i", "name:a // name:b >> name:c << name:d ~= name:e :: name:f ... name:g .. name:h . name:i"},
		{"<<=>>=", "<< = >> ="},
		{"....", "... ."},
		{"~~=", "~ ~="},
		{"===", "== ="},
		{":::", ":: :"},
		{"///", "// /"},
		{"x _y Z9 _ __init__ andx And", "name:x name:_y name:Z9 name:_ name:__init__ name:andx name:And"},
		{"@ $ ! ` ? \\ \x01 \x7f \x80 \xff", "char:64 char:36 char:33 char:96 char:63 char:92 char:1 char:127 char:128 char:255"},
		{"caf\xc3\xa9", "name:caf char:195 char:169"},
		{"a--comment\nb", "name:a name:b"},
		{"a--[[long\ncomment]]b", "name:a name:b"},
		{"a--[==[long]]\n]=]]==]b", "name:a name:b"},
		{"a--[=x\nb", "name:a name:b"},
		{"a--[\nb", "name:a name:b"},
		{"a -- comment", "name:a"},
		{"a - -b", "name:a - - name:b"},
		{"'a' \"b\"", `string:"a" string:"b"`},
		{"[[a]] [=[b]=] [==[c]=]]==]", `string:"a" string:"b" string:"c]=]"`},
		{"[x", "[ name:x"},
		{"[ [", "[ ["},
		{"[=x", "illegal:invalid long string delimiter near '[=' name:x"},
		{"t[1]", "name:t [ int:1 ]"},
	}
	for _, tt := range tests {
		got := strings.Join(scanAll(t, tt.src), " ")
		if got != tt.want {
			t.Errorf("scan %q:\n got  %s\n want %s", tt.src, got, tt.want)
		}
	}
}

func TestScanStrings(t *testing.T) {
	tests := []struct{ src, want string }{
		{`"abc"`, "abc"},
		{`'it''s'`, "it"}, // then another string
		{`"a'b"`, "a'b"},
		{`'a"b'`, `a"b`},
		{`"\a\b\f\n\r\t\v\\\"\'"`, "\a\b\f\n\r\t\v\\\"'"},
		{"\"a\\\nb\"", "a\nb"},
		{"\"a\\\r\nb\"", "a\nb"},
		{"\"a\\\n\rb\"", "a\nb"},
		{"\"a\\\rb\"", "a\nb"},
		{"\"a\\z  \n\t \r\n b\"", "ab"},
		{`"a\zb"`, "ab"},
		{`"\x41\x4a\x4B\xff\x00"`, "AJK\xff\x00"},
		{`"\65\066\0677\0\00\000\255"`, "AB\x437\x00\x00\x00\xff"},
		{`"\1a"`, "\x01a"},
		{`"\u{41}\u{0}\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"`,
			"A\x00\x7f\u0080\u07ff\u0800\uffff\U00010000\U0010ffff"},
		{`"\u{D800}"`, "\xed\xa0\x80"},
		{`"\u{110000}"`, "\xf4\x90\x80\x80"},
		{`"\u{1FFFFF}"`, "\xf7\xbf\xbf\xbf"},
		{`"\u{200000}"`, "\xf8\x88\x80\x80\x80"},
		{`"\u{3FFFFFF}"`, "\xfb\xbf\xbf\xbf\xbf"},
		{`"\u{4000000}"`, "\xfc\x84\x80\x80\x80\x80"},
		{`"\u{7FFFFFFF}"`, "\xfd\xbf\xbf\xbf\xbf\xbf"},
		{`"\u{00000000041}"`, "A"},
		{"[[\nabc]]", "abc"},
		{"[[\r\nabc]]", "abc"},
		{"[[\n\rabc]]", "abc"},
		{"[[\n\nabc]]", "\nabc"},
		{"[[a\r\nb\n\rc\rd\ne]]", "a\nb\nc\nd\ne"},
		{"[==[a]]b]=]c]===]d]==]", "a]]b]=]c]===]d"},
		{"[[a\\n]]", "a\\n"},
		{"[[]]", ""},
		{"''", ""},
	}
	for _, tt := range tests {
		s := NewScanner("=test", []byte(tt.src))
		tok := s.Scan()
		if tok.Kind != TokString {
			t.Errorf("scan %q: got %v (%v)", tt.src, tok.Kind, s.Err())
			continue
		}
		if tok.Str != tt.want {
			t.Errorf("scan %q: got %q, want %q", tt.src, tok.Str, tt.want)
		}
	}
}

func TestScanNumbers(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		src   string
		isInt bool
		i     int64
		f     float64
	}{
		{"0", true, 0, 0},
		{"3", true, 3, 0},
		{"00012", true, 12, 0},
		{"0x7fffffffffffffff", true, math.MaxInt64, 0},
		{"9223372036854775807", true, math.MaxInt64, 0},
		{"9223372036854775808", false, 0, 9223372036854775808},
		{"18446744073709551616", false, 0, 18446744073709551616},
		{"0xffffffffffffffff", true, -1, 0},
		{"0x8000000000000000", true, math.MinInt64, 0},
		{"0x10000000000000000", true, 0, 0},
		{"0x123456789abcdef0123", true, 0x56789abcdef0123 | 0x4<<60, 0},
		{"0XA", true, 10, 0},
		{"0xa", true, 10, 0},
		{"0x1e2", true, 0x1e2, 0},
		{"1e309", false, 0, inf},
		{"1e400000000000000000", false, 0, inf},
		{"1e-400", false, 0, 0},
		{".5", false, 0, 0.5},
		{"3.", false, 0, 3},
		{"3.0", false, 0, 3},
		{"3.14159265358979323846264338327950288", false, 0, math.Pi},
		{"1E2", false, 0, 100},
		{"1e+2", false, 0, 100},
		{"1e-2", false, 0, 0.01},
		{"1.e2", false, 0, 100},
		{".5e1", false, 0, 5},
		{"0x.1p4", false, 0, 1},
		{"0x.8", false, 0, 0.5},
		{"0xA.", false, 0, 10},
		{"0x1p-4", false, 0, 0.0625},
		{"0x1P+4", false, 0, 16},
		{"0xep1", false, 0, 28},
		{"0x1.8", false, 0, 1.5},
		{"0x1.fffffffffffffffffp0", false, 0, 2},
		{"0x1p-1074", false, 0, 5e-324},
		{"0x1p-1075", false, 0, 0},
		{"0x1.8p-1074", false, 0, 1e-323},
		{"0x1p1024", false, 0, inf},
		{"4.9e-324", false, 0, 5e-324},
	}
	for _, tt := range tests {
		s := NewScanner("=test", []byte(tt.src))
		tok := s.Scan()
		if tt.isInt {
			if tok.Kind != TokInt || tok.Int != tt.i {
				t.Errorf("scan %s: got %s, want int %d", tt.src, describe(tok), tt.i)
			}
		} else if tok.Kind != TokFloat || tok.Float != tt.f || math.Signbit(tok.Float) {
			t.Errorf("scan %s: got %s, want float %g", tt.src, describe(tok), tt.f)
		}
		if tok.End != len(tt.src) {
			t.Errorf("scan %s: token ends at %d", tt.src, tok.End)
		}
		if next := s.Scan(); next.Kind != TokEOF {
			t.Errorf("scan %s: then %s", tt.src, describe(next))
		}
	}
}

// TestScanErrors checks lexical error messages; each was produced by
// lua5.4 with load(src, "=input").
func TestScanErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"3x", "input:1: malformed number near '3x'"},
		{"3abcx", "input:1: malformed number near '3abcx'"},
		{"0x", "input:1: malformed number near '0x'"},
		{"0x.", "input:1: malformed number near '0x.'"},
		{"0x.p1", "input:1: malformed number near '0x.p1'"},
		{"0X1p", "input:1: malformed number near '0X1p'"},
		{"1e", "input:1: malformed number near '1e'"},
		{"1.5e", "input:1: malformed number near '1.5e'"},
		{"1..2", "input:1: malformed number near '1..2'"},
		{"0xg", "input:1: malformed number near '0xg'"},
		{"3_", "input:1: malformed number near '3_'"},
		{`"abc`, "input:1: unfinished string near <eof>"},
		{"\"abc\ny\"", `input:1: unfinished string near '"abc'`},
		{"'abc\\", "input:1: unfinished string near <eof>"},
		{"'abc\\z   \n  \n", "input:3: unfinished string near <eof>"},
		{"x = [[abc", "input:1: unfinished long string (starting at line 1) near <eof>"},
		{"\n[==[abc\n]=]\n", "input:4: unfinished long string (starting at line 2) near <eof>"},
		{"--[[abc", "input:1: unfinished long comment (starting at line 1) near <eof>"},
		{`"a\qb"`, `input:1: invalid escape sequence near '"a\q'`},
		{"\"a\\\x00b\"", `input:1: invalid escape sequence near '"a\'`},
		{`"a\300b"`, `input:1: decimal escape too large near '"a\300b'`},
		{`"a\256"`, `input:1: decimal escape too large near '"a\256"'`},
		{`"a\u{80000000}"`, `input:1: UTF-8 value too large near '"a\u{80000000'`},
		{`"a\u80"`, `input:1: missing '{' near '"a\u8'`},
		{`"\u{12x"`, `input:1: missing '}' near '"\u{12x'`},
		{`"\u{}"`, `input:1: hexadecimal digit expected near '"\u{}'`},
		{`"a\xg"`, `input:1: hexadecimal digit expected near '"a\xg'`},
		{`"a\x4"`, `input:1: hexadecimal digit expected near '"a\x4"'`},
		{`"a\x`, `input:1: hexadecimal digit expected near '"a\x'`},
		{`"\t\65\x\"`, "input:1: hexadecimal digit expected near '\"\tA\\x\\'"},
		{"[=", "input:1: invalid long string delimiter near '[='"},
		{"[==x", "input:1: invalid long string delimiter near '[=='"},
	}
	for _, tt := range tests {
		s := NewScanner("=input", []byte(tt.src))
		var err *Error
		for i := 0; i < 10; i++ {
			tok := s.Scan()
			if tok.Kind == TokIllegal {
				err = s.Err()
				break
			}
			if tok.Kind == TokEOF {
				break
			}
		}
		if err == nil {
			t.Errorf("scan %q: no error, want %s", tt.src, tt.want)
		} else if err.Error() != tt.want {
			t.Errorf("scan %q:\n got  %s\n want %s", tt.src, err, tt.want)
		}
	}
}

func TestScanContinuesAfterError(t *testing.T) {
	got := strings.Join(scanAll(t, "a \"b\\q c\" d \"e\nf 3x g [=h"), " ")
	want := "name:a illegal:invalid escape sequence near '\"b\\q' name:d " +
		"illegal:unfinished string near '\"e' name:f illegal:malformed number near '3x' name:g " +
		"illegal:invalid long string delimiter near '[=' name:h"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestScanPositions(t *testing.T) {
	src := "local x = [[\nab\n]] -- c\r\n  y\n\r\"s\\\nt\" \r\rz"
	type tp struct {
		kind      Kind
		line, col int32
		endLine   int32
		off, end  int
	}
	want := []tp{
		{TokLocal, 1, 1, 1, 0, 5},
		{TokName, 1, 7, 1, 6, 7},
		{TokAssign, 1, 9, 1, 8, 9},
		{TokString, 1, 11, 3, 10, 18},
		{TokName, 4, 3, 4, 27, 28},
		{TokString, 5, 1, 6, 30, 36},
		{TokName, 8, 1, 8, 39, 40},
		{TokEOF, 8, 2, 8, 40, 40},
	}
	s := NewScanner("=test", []byte(src))
	for i, w := range want {
		tok := s.Scan()
		got := tp{tok.Kind, tok.Pos.Line, tok.Pos.Col, tok.EndLine, tok.Off, tok.End}
		if got != w {
			t.Errorf("token %d: got %+v, want %+v", i, got, w)
		}
	}
}

func TestScanLineBreaks(t *testing.T) {
	// Each of \n, \r, \r\n and \n\r is one line break; \n\n and \r\r are two.
	tests := []struct {
		sep   string
		lines int32
	}{
		{"\n", 1}, {"\r", 1}, {"\r\n", 1}, {"\n\r", 1}, {"\n\n", 2}, {"\r\r", 2},
		{"\r\n\r\n", 2}, {"\n\r\n", 2}, {"\n\r\r\n", 2},
	}
	for _, tt := range tests {
		for _, form := range []string{"a%sb", "a--c%sb", "a--[[%s]]b", "a[[%s]]b", "a'\\%s'b"} {
			if tt.lines > 1 && strings.Contains(form, "'") {
				continue // only one line break may be escaped
			}
			src := strings.Replace(form, "%s", tt.sep, 1)
			s := NewScanner("=test", []byte(src))
			var last Token
			for tok := s.Scan(); tok.Kind != TokEOF; tok = s.Scan() {
				last = tok
			}
			if last.Kind != TokName || last.Pos.Line != 1+tt.lines {
				t.Errorf("%q: last token at %v, want line %d", src, last.Pos, 1+tt.lines)
			}
		}
	}
}

func TestSkipShebang(t *testing.T) {
	tests := []struct{ src, want string }{
		{"#!/usr/bin/lua\nreturn x", "return x@2"},
		{"# comment\r\nreturn x", "return x@2"},
		{"\xEF\xBB\xBF#!lua\nreturn x", "return x@2"},
		{"\xEF\xBB\xBFreturn x", "return x@1"},
		{"#", ""},
		{"return x", "return x@1"},
	}
	for _, tt := range tests {
		s := NewScanner("=test", []byte(tt.src))
		s.skipFirstLine()
		var parts []string
		line := int32(0)
		for tok := s.Scan(); tok.Kind != TokEOF; tok = s.Scan() {
			if tok.Kind == TokName {
				parts = append(parts, tok.Str)
			} else {
				parts = append(parts, tok.Kind.String())
			}
			line = tok.Pos.Line
		}
		got := strings.Join(parts, " ")
		if got != "" {
			got += "@" + strconv.Itoa(int(line))
		}
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestKindString(t *testing.T) {
	for k := Kind(0); k < numKinds; k++ {
		if k.String() == "" {
			t.Errorf("kind %d has no name", k)
		}
	}
	if got := TokEOF.quoted(); got != "<eof>" {
		t.Errorf("TokEOF.quoted() = %q", got)
	}
	if got := TokEnd.quoted(); got != "'end'" {
		t.Errorf("TokEnd.quoted() = %q", got)
	}
	n := 0
	for k := Kind(0); k < numKinds; k++ {
		if k.IsKeyword() {
			n++
			if got := keyword([]byte(k.String())); got != k {
				t.Errorf("keyword(%q) = %v", k.String(), got)
			}
		}
	}
	if n != 22 {
		t.Errorf("%d reserved words, want 22", n)
	}
	for _, w := range []string{"", "a", "And", "ands", "functions", "goto_", "whi"} {
		if got := keyword([]byte(w)); got != TokName {
			t.Errorf("keyword(%q) = %v", w, got)
		}
	}
}

func BenchmarkScan(b *testing.B) {
	src := []byte(strings.Repeat(`local function fib(n) -- comment
  if n < 2 then return n end
  local t = {x = 1.5, y = "str\n", [3] = 0x10}
  return fib(n - 1) + fib(n - 2) .. [[long]]
end
`, 100))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	s := NewScanner("=bench", src)
	for b.Loop() {
		s.Init("=bench", src)
		for tok := s.Scan(); tok.Kind != TokEOF; tok = s.Scan() {
		}
	}
}
