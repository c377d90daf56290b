package stdlib

import (
	"strconv"
	"strings"
	"testing"
)

// findAll runs the matcher as string.find does and describes the result:
// "start end cap1 cap2 ..." (1-based, position captures as numbers), "nil"
// for no match, or "error: msg".
func findAll(subject, pattern string, init int) string {
	anchor := strings.HasPrefix(pattern, "^")
	if anchor {
		pattern = pattern[1:]
	}
	var m matcher
	m.reset(subject, pattern)
	start, end := m.find(init, anchor)
	if m.err != "" {
		return "error: " + m.err
	}
	if start < 0 {
		return "nil"
	}
	out := []string{strconv.Itoa(start + 1), strconv.Itoa(end)}
	for i := 0; i < m.captureCount(false); i++ {
		text, pos, msg := m.getCapture(i, start, end)
		switch {
		case msg != "":
			return "error: " + msg
		case pos > 0:
			out = append(out, strconv.Itoa(pos))
		default:
			out = append(out, "<"+text+">")
		}
	}
	return strings.Join(out, " ")
}

func TestMatcher(t *testing.T) {
	tests := []struct {
		s, p string
		init int
		want string
	}{
		{"hello world", "o", 0, "5 5"},
		{"hello world", "o", 5, "8 8"},
		{"hello world", "xyz", 0, "nil"},
		{"hello", "", 0, "1 0"},
		{"hello", "", 5, "6 5"},
		{"hello", "^h", 0, "1 1"},
		{"hello", "^e", 0, "nil"},
		{"hello", "o$", 0, "5 5"},
		{"hello", "l$", 0, "nil"},
		{"a$b", "$b", 0, "2 3"},
		{"hello", "^$", 0, "nil"},
		{"", "^$", 0, "1 0"},
		{"hello", ".", 0, "1 1"},
		{"hello", "l+", 0, "3 4"},
		{"hello", "l*", 0, "1 0"},
		{"hello", "el*", 0, "2 4"},
		{"hello", "el-", 0, "2 2"},
		{"hello", "el-o", 0, "2 5"},
		{"hello", "x?h", 0, "1 1"},
		{"hello", "he?llo", 0, "1 5"},
		{"hello", "hx?ello", 0, "1 5"},
		{"abc123def", "%d+", 0, "4 6"},
		{"abc123def", "%D+", 3, "7 9"},
		{"  x  ", "%s*(%S+)%s*", 0, "1 5 <x>"},
		{"key = value", "(%w+)%s*=%s*(%w+)", 0, "1 11 <key> <value>"},
		{"THE (quick) fox", "%((%a+)%)", 0, "5 11 <quick>"},
		{"f(a(b)c)d", "%b()", 0, "2 8"},
		{"f(a(b)c", "%b()", 0, "4 6"},
		{"abba", "%bab", 0, "1 2"},
		{"aabb", "%bab", 0, "1 4"},
		{"aab", "%bab", 0, "2 3"},
		{"xx", "%bxx", 0, "1 2"},
		{"THE (quick) fox", "%f[%a]%a+", 5, "6 10"},
		{"hello world", "%f[%w]%w+$", 0, "7 11"},
		{"abc", "%f[%z]", 0, "4 3"},
		{"abc", "%f[^%z]", 0, "1 0"},
		{"abcabc", "(abc)%1", 0, "1 6 <abc>"},
		{"abcabd", "(abc)%1", 0, "nil"},
		{"aaa", "()a()", 0, "1 1 1 2"},
		{"aaa", "(()a)", 0, "1 1 <a> 1"},
		{"aaa", "()%1", 0, "nil"}, // a position capture never matches as text
		{"[]]", "[]]", 0, "2 2"},
		{"a-b", "[a-]+", 0, "1 2"},
		{"a-b", "[%a-]+", 0, "1 3"},
		{"x]", "[%]]", 0, "2 2"},
		{"Hello", "[^%l]", 0, "1 1"},
		{"hello", "[^%l]", 0, "nil"},
		{"0x1F", "%x+", 2, "3 4"},
		{"a.b", "%.", 0, "2 2"},
		{"a%b", "%%", 0, "2 2"},
		{"\x00a", "%z", 0, "1 1"},
		{"\x00a\x00", "[%z]+", 1, "3 3"},
		{"\x80\xff", "[\x80-\xff]+", 0, "1 2"},
		{"aXb", "%u", 0, "2 2"},
		{"a,b", "%p", 0, "2 2"},
		{"a\tb", "%c", 0, "2 2"},
		{"a b", "%g+", 1, "3 3"},
		{"ab", "(a)(b)", 0, "1 2 <a> <b>"},
		{"ab", "((a)(b))", 0, "1 2 <ab> <a> <b>"},
		{"ab", "(a", 0, "error: unfinished capture"},
		{"ab", "a)", 0, "error: invalid pattern capture"},
		{"ab", "%", 0, "error: malformed pattern (ends with '%')"},
		{"ab", "[a", 0, "error: malformed pattern (missing ']')"},
		{"ab", "[a%", 0, "error: malformed pattern (missing ']')"},
		{"ab", "[]", 0, "error: malformed pattern (missing ']')"},
		{"ab", "%b", 0, "error: malformed pattern (missing arguments to '%b')"},
		{"ab", "%ba", 0, "error: malformed pattern (missing arguments to '%b')"},
		{"ab", "%f", 0, "error: missing '[' after '%f' in pattern"},
		{"ab", "%fa", 0, "error: missing '[' after '%f' in pattern"},
		{"ab", "%1", 0, "error: invalid capture index %1"},
		{"ab", "(a%1)", 0, "error: invalid capture index %1"},
		{"ab", "(a)%0", 0, "error: invalid capture index %0"},
		{"ab", "(a)%2", 0, "error: invalid capture index %2"},
		{"ab", strings.Repeat("()", 32), 0, "1 0" + strings.Repeat(" 1", 32)},
		{"ab", strings.Repeat("()", 33), 0, "error: too many captures"},
		{"ab", strings.Repeat("(", 33), 0, "error: too many captures"},
		{strings.Repeat("a", 300), strings.Repeat("a?", 300), 0, "error: pattern too complex"},
		{strings.Repeat("a", 300), strings.Repeat(".-", 300) + "b", 0, "error: pattern too complex"},
		{strings.Repeat("a", 100000), "^a*.?$", 0, "1 100000"},
		{strings.Repeat("a", 100000), "^a-b", 0, "nil"},
	}
	for _, tt := range tests {
		if got := findAll(tt.s, tt.p, tt.init); got != tt.want {
			t.Errorf("find(%.20q, %.40q, %d) = %q, want %q", tt.s, tt.p, tt.init+1, got, tt.want)
		}
	}
}

func TestMatcherBudget(t *testing.T) {
	// Exponential backtracking stops with "pattern too complex" instead of
	// running for hours. (A smaller budget than the default keeps the test
	// quick; the default takes about a second to run out.)
	s := strings.Repeat("a", 40)
	p := strings.Repeat("a*", 40) + "b"
	var m matcher
	m.reset(s, p)
	if m.steps < matchStepsBase+40*matchStepsPerByte {
		t.Errorf("budget %d", m.steps)
	}
	m.steps = 1 << 20
	if start, _ := m.find(0, false); start >= 0 || m.err != "pattern too complex" {
		t.Errorf("got %d, %q", start, m.err)
	}
}

func TestMatchClass(t *testing.T) {
	classes := "acdglpsuwxz"
	for c := 0; c < 256; c++ {
		b := byte(c)
		for _, cl := range []byte(classes) {
			upper := cl - 'a' + 'A'
			if matchClass(b, cl) == matchClass(b, upper) {
				t.Fatalf("%%%c and %%%c agree on %d", cl, upper, c)
			}
		}
		isAlpha := (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
		isDigit := b >= '0' && b <= '9'
		checks := map[byte]bool{
			'a': isAlpha,
			'd': isDigit,
			'w': isAlpha || isDigit,
			's': b == ' ' || (b >= 9 && b <= 13),
			'c': b < 32 || b == 127,
			'p': b > 32 && b < 127 && !isAlpha && !isDigit,
			'g': b > 32 && b < 127,
			'l': b >= 'a' && b <= 'z',
			'u': b >= 'A' && b <= 'Z',
			'x': isDigit || (b|0x20 >= 'a' && b|0x20 <= 'f'),
			'z': b == 0,
		}
		for cl, want := range checks {
			if got := matchClass(b, cl); got != want {
				t.Errorf("%%%c on %d = %v", cl, c, got)
			}
		}
		// Any other byte after '%' stands for itself.
		if !matchClass(b, b) && !strings.ContainsRune(classes+strings.ToUpper(classes), rune(b)) {
			t.Errorf("%%%c does not match itself", b)
		}
	}
}

func TestHasSpecials(t *testing.T) {
	for _, p := range []string{"^", "$", "*", "+", "?", ".", "(", "[", "%", "-", "a.b"} {
		if !hasSpecials(p) {
			t.Errorf("hasSpecials(%q) = false", p)
		}
	}
	for _, p := range []string{"", "abc", ")", "]", "a\x00b"} {
		if hasSpecials(p) {
			t.Errorf("hasSpecials(%q) = true", p)
		}
	}
}

// FuzzPattern matches fuzzed patterns against fuzzed subjects: the matcher
// must never panic, and must stop (the work budget bounds it).
func FuzzPattern(f *testing.F) {
	for _, s := range []string{"", "hello world", "f(a(b)c)d", "aaaaaaaaaaaaaaaaaaaa", "\x00\xff"} {
		for _, p := range []string{"", "%a+", "(%w+)=(%w+)", "%b()", "%f[%w]", "(a)%1", "[^%s]-$",
			"^(.-)%s*$", "((((a))))", "a*a*a*a*b", "[%a-z]", "%", "[", "(()"} {
			f.Add(s, p, 1)
		}
	}
	f.Fuzz(func(t *testing.T, s, p string, init int) {
		if len(s) > 1<<12 || len(p) > 1<<10 {
			return
		}
		var m matcher
		m.reset(s, p)
		m.steps = 1 << 20 // keep each input quick
		if init < 0 || init > len(s) {
			init = 0
		}
		start, end := m.find(init, false)
		// The skipping search agrees with trying every position.
		var bm matcher
		bm.reset(s, p)
		bm.steps = 1 << 20
		bs, be := -1, -1
		for pos := init; pos <= len(s); pos++ {
			bm.prepare()
			if e := bm.match(pos, 0); e >= 0 || bm.err != "" {
				if bm.err == "" {
					bs, be = pos, e
				}
				break
			}
		}
		if m.err != "pattern too complex" && bm.err != "pattern too complex" &&
			(bs != start || be != end || bm.err != m.err) {
			t.Fatalf("find = %d,%d %q; every position = %d,%d %q", start, end, m.err, bs, be, bm.err)
		}
		if m.err == "" && start >= 0 {
			if start < init || end < start || end > len(s) {
				t.Fatalf("bad match %d..%d", start, end)
			}
			for i := 0; i < m.captureCount(true); i++ {
				m.getCapture(i, start, end)
			}
		}
		if m.depth != maxMatchDepth && m.err == "" {
			t.Fatalf("depth not restored: %d", m.depth)
		}
	})
}
