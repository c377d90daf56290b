package stdlib

import (
	"strconv"
	"strings"

	"github.com/lunar-lua/lunar"
)

// string.find, match, gmatch and gsub: the Lua side of the matcher in
// pattern.go.

// string.find (s, pattern [, init [, plain]])
func strFind(t *lunar.Thread, args []lunar.Value) (int, error) {
	return strFindAux(t, args, true)
}

// string.match (s, pattern [, init])
func strMatch(t *lunar.Thread, args []lunar.Value) (int, error) {
	return strFindAux(t, args, false)
}

// strPatternArgs reads the (s, pattern [, init]) arguments that find,
// match and gmatch share; init is 0-based, not yet clipped to s.
func strPatternArgs(t *lunar.Thread, args []lunar.Value) (s, p string, init int64, err error) {
	if s, err = t.CheckString(args, 1); err != nil {
		return
	}
	if p, err = t.CheckString(args, 2); err != nil {
		return
	}
	i, err := t.OptInteger(args, 3, 1)
	if err != nil {
		return
	}
	return s, p, posrelatI(i, len(s)) - 1, nil
}

func strFindAux(t *lunar.Thread, args []lunar.Value, find bool) (int, error) {
	s, p, init, err := strPatternArgs(t, args)
	if err != nil {
		return 0, err
	}
	if init > int64(len(s)) { // starts after the end: nothing to find
		t.Push(lunar.Nil)
		return 1, nil
	}
	if find && (lunar.Arg(args, 4).Truthy() || !hasSpecials(p)) {
		if k := strings.Index(s[init:], p); k >= 0 {
			start := int(init) + k
			t.Push(lunar.Int(int64(start + 1)))
			t.Push(lunar.Int(int64(start + len(p))))
			return 2, nil
		}
	} else {
		anchor := len(p) > 0 && p[0] == '^'
		if anchor {
			p = p[1:]
		}
		var m matcher
		m.reset(s, p)
		m.th = t
		start, end := m.find(int(init), anchor)
		if m.err != "" {
			return 0, m.error(t)
		}
		if start >= 0 {
			if find {
				t.Push(lunar.Int(int64(start + 1)))
				t.Push(lunar.Int(int64(end)))
				n, err := pushCaptures(t, &m, -1, -1, false)
				return n + 2, err
			}
			return pushCaptures(t, &m, start, end, true)
		}
	}
	t.Push(lunar.Nil)
	return 1, nil
}

// captureValue returns capture i of a match of src[s:e] as a Lua value.
func captureValue(t *lunar.Thread, m *matcher, i, s, e int) (lunar.Value, error) {
	text, pos, msg := m.getCapture(i, s, e)
	if msg != "" {
		return lunar.Nil, t.Errorf("%s", msg)
	}
	if pos > 0 {
		return lunar.Int(int64(pos)), nil
	}
	return lunar.String(text), nil
}

// pushCaptures pushes the captures of a match of src[s:e] (the whole match
// when there are none and wholeIfNone is set).
func pushCaptures(t *lunar.Thread, m *matcher, s, e int, wholeIfNone bool) (int, error) {
	n := m.captureCount(wholeIfNone)
	for i := 0; i < n; i++ {
		v, err := captureValue(t, m, i, s, e)
		if err != nil {
			return 0, err
		}
		t.Push(v)
	}
	return n, nil
}

// gmatchState is the state of one string.gmatch iterator.
type gmatchState struct {
	m         matcher
	src, pat  string
	pos       int  // where the next match attempt starts
	lastMatch int  // end of the last match, or -1
	tried     bool // a match has been attempted
}

// string.gmatch (s, pattern [, init])
func strGmatch(t *lunar.Thread, args []lunar.Value) (int, error) {
	s, p, init, err := strPatternArgs(t, args)
	if err != nil {
		return 0, err
	}
	if init > int64(len(s)) {
		init = int64(len(s)) + 1
	}
	g := &gmatchState{src: s, pat: p, pos: int(init), lastMatch: -1}
	t.Push(lunar.NewFunction("", g.next))
	return 1, nil
}

func (g *gmatchState) next(t *lunar.Thread, _ []lunar.Value) (int, error) {
	m := &g.m
	m.reset(g.src, g.pat)
	m.th = t
	first, skip := firstByte(g.pat)
	for s := g.pos; s <= len(g.src); s++ {
		if skip && g.tried {
			k := strings.IndexByte(g.src[s:], first)
			if k < 0 {
				break
			}
			s += k
		}
		g.tried = true
		m.prepare()
		e := m.match(s, 0)
		if m.err != "" {
			return 0, m.error(t)
		}
		if e >= 0 && e != g.lastMatch {
			g.pos, g.lastMatch = e, e
			return pushCaptures(t, m, s, e, true)
		}
	}
	g.pos = len(g.src) + 1
	return 0, nil
}

// string.gsub (s, pattern, repl [, n])
func strGsub(t *lunar.Thread, args []lunar.Value) (int, error) {
	src, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	p, err := t.CheckString(args, 2)
	if err != nil {
		return 0, err
	}
	maxN, err := t.OptInteger(args, 4, int64(len(src))+1)
	if err != nil {
		return 0, err
	}
	repl := lunar.Arg(args, 3)
	var replStr string
	switch repl.Type() {
	case lunar.TypeString, lunar.TypeNumber:
		replStr, _ = repl.ToString()
	case lunar.TypeTable, lunar.TypeFunction:
	default:
		return 0, t.TypeError(args, 3, "string/function/table")
	}
	anchor := len(p) > 0 && p[0] == '^'
	if anchor {
		p = p[1:]
	}
	var m matcher
	m.reset(src, p)
	m.th = t
	var first byte
	skip := false
	if !anchor {
		first, skip = firstByte(p)
	}
	var b strings.Builder
	copied := 0 // src[copied:] has not been added to b yet
	changed := false
	n := int64(0)
	s, lastMatch := 0, -1
	for n < maxN {
		if skip && (s > 0 || lastMatch >= 0) {
			// No match can start before the next occurrence of first.
			k := strings.IndexByte(src[s:], first)
			if k < 0 {
				break
			}
			s += k
		}
		m.prepare()
		e := m.match(s, 0)
		if m.err != "" {
			return 0, m.error(t)
		}
		if e >= 0 && e != lastMatch {
			n++
			// Add the replacement of src[s:e].
			if !changed {
				b.Grow(len(src) + len(src)/8 + 16)
			}
			if repl.IsFunction() || repl.IsTable() {
				v, err := replaceValue(t, &m, repl, s, e)
				if err != nil {
					return 0, err
				}
				if v.Truthy() {
					r, ok := v.ToString()
					if !ok {
						return 0, t.Errorf("invalid replacement value (a %s)", v.TypeName())
					}
					b.WriteString(src[copied:s])
					b.WriteString(r)
					copied = e
					changed = true
				}
			} else {
				b.WriteString(src[copied:s])
				if err := writeReplacement(t, &b, &m, replStr, s, e); err != nil {
					return 0, err
				}
				copied = e
				changed = true
			}
			s, lastMatch = e, e
		} else if s < len(src) {
			s++ // no match here: keep the byte
		} else {
			break
		}
		if anchor {
			break
		}
	}
	if !changed {
		t.Push(lunar.String(src))
	} else {
		b.WriteString(src[copied:])
		if err := t.CheckStringSize(b.Len()); err != nil {
			return 0, err
		}
		t.Push(lunar.String(b.String()))
	}
	t.Push(lunar.Int(n))
	return 2, nil
}

// replaceValue calls a replacement function with the captures of a match
// of src[s:e], or indexes a replacement table with its first capture.
func replaceValue(t *lunar.Thread, m *matcher, repl lunar.Value, s, e int) (lunar.Value, error) {
	if repl.IsTable() {
		k, err := captureValue(t, m, 0, s, e)
		if err != nil {
			return lunar.Nil, err
		}
		return t.Index(repl, k)
	}
	var caps [maxCaptures]lunar.Value
	n := m.captureCount(true)
	for i := 0; i < n; i++ {
		v, err := captureValue(t, m, i, s, e)
		if err != nil {
			return lunar.Nil, err
		}
		caps[i] = v
	}
	return t.Call1(repl, caps[:n]...)
}

// writeReplacement writes a replacement string with its %0-%9 and %%
// escapes expanded for a match of src[s:e].
func writeReplacement(t *lunar.Thread, b *strings.Builder, m *matcher, repl string, s, e int) error {
	for {
		k := strings.IndexByte(repl, patternEscape)
		if k < 0 {
			b.WriteString(repl)
			return nil
		}
		b.WriteString(repl[:k])
		k++
		var c byte
		if k < len(repl) {
			c = repl[k]
		}
		switch {
		case c == patternEscape:
			b.WriteByte(c)
		case c == '0':
			b.WriteString(m.src[s:e])
		case c >= '1' && c <= '9':
			text, pos, msg := m.getCapture(int(c-'1'), s, e)
			if msg != "" {
				return t.Errorf("%s", msg)
			}
			if pos > 0 {
				var num [20]byte
				b.Write(strconv.AppendInt(num[:0], int64(pos), 10))
			} else {
				b.WriteString(text)
			}
		default:
			return t.Errorf("invalid use of '%%' in replacement string")
		}
		repl = repl[k+1:]
	}
}
