package main

import (
	"slices"
	"strings"

	"github.com/lunar-lua/lunar"
)

// Tab completion in the REPL: the name before the cursor is completed
// from the globals and keywords ("pri" → "print"), or, after '.' or ':',
// from the fields of the value named before it, its metatable's __index
// tables included ("string.fo" → "string.format", "s:up" → "s:upper"
// when s is a string). Values are looked up with raw accesses only: no
// metamethod runs while completing.

var keywords = []string{
	"and", "break", "do", "else", "elseif", "end", "false", "for", "function",
	"goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
	"true", "until", "while",
}

// complete implements liner.WordCompleter for state s: pos counts runes.
func complete(s *lunar.State, line string, pos int) (head string, completions []string, tail string) {
	runes := []rune(line)
	if pos > len(runes) {
		pos = len(runes)
	}
	before, tail := string(runes[:pos]), string(runes[pos:])
	start := len(before)
	for start > 0 && isNameByte(before[start-1]) {
		start--
	}
	head, word := before[:start], before[start:]
	if word != "" && word[0] >= '0' && word[0] <= '9' {
		return before, nil, tail // a number
	}
	var candidates []string
	prefix, base := word, ""
	if i := strings.LastIndexAny(word, ".:"); i >= 0 {
		path := word[:i]
		if strings.ContainsRune(path, ':') {
			return before, nil, tail
		}
		v, ok := lookup(s, path)
		if !ok {
			return before, nil, tail
		}
		prefix, base = word[i+1:], word[:i+1]
		candidates = fieldNames(s, v)
	} else {
		candidates = append(fieldNames(s, lunar.TableValue(s.Globals())), keywords...)
	}
	for _, c := range candidates {
		if strings.HasPrefix(c, prefix) {
			completions = append(completions, base+c)
		}
	}
	if len(completions) == 0 {
		return before, nil, tail
	}
	slices.Sort(completions)
	return head, slices.Compact(completions), tail
}

// lookup finds the value of a dotted name ("string", "a.b.c") from the
// globals, with raw accesses.
func lookup(s *lunar.State, path string) (lunar.Value, bool) {
	v := lunar.TableValue(s.Globals())
	for _, name := range strings.Split(path, ".") {
		t := v.AsTable()
		if t == nil || name == "" {
			return lunar.Nil, false
		}
		v = t.GetStr(name)
	}
	return v, !v.IsNil()
}

// fieldNames lists the string keys of v that are names, and those of the
// tables its metatables give as __index.
func fieldNames(s *lunar.State, v lunar.Value) []string {
	var names []string
	th := s.MainThread()
	for depth := 0; depth < 8 && !v.IsNil(); depth++ {
		if t := v.AsTable(); t != nil {
			k := lunar.Nil
			for {
				nk, _, ok, err := t.Next(k)
				if !ok || err != nil {
					break
				}
				k = nk
				if name, isStr := nk.ToString(); isStr && nk.IsString() && isName(name) {
					names = append(names, name)
				}
			}
		}
		mt := th.Metatable(v)
		if mt == nil {
			break
		}
		v = mt.GetStr("__index")
	}
	return names
}

func isNameByte(c byte) bool {
	return c == '_' || c == '.' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isName reports whether s is a Lua name (an identifier, not a keyword).
func isName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	_, kw := slices.BinarySearch(keywords, s)
	return !kw
}
