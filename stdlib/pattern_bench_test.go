package stdlib

import (
	"strings"
	"testing"
)

// Benchmarks of the matcher alone, without the VM.

func benchMatcher(b *testing.B, subject, pattern string) {
	b.ReportAllocs()
	anchor := strings.HasPrefix(pattern, "^")
	if anchor {
		pattern = pattern[1:]
	}
	var m matcher
	for i := 0; i < b.N; i++ {
		m.reset(subject, pattern)
		m.find(0, anchor)
	}
}

func BenchmarkMatcher(b *testing.B) {
	text := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 20)
	b.Run("literal-miss", func(b *testing.B) { benchMatcher(b, text, "lazy cat") })
	b.Run("class-run", func(b *testing.B) { benchMatcher(b, text, "%u%l+") })
	b.Run("trim", func(b *testing.B) { benchMatcher(b, "   some text here   ", "^%s*(.-)%s*$") })
	b.Run("kv", func(b *testing.B) { benchMatcher(b, "key_name = value", "^([%w_]+)%s*=%s*(.*)$") })
	b.Run("balanced", func(b *testing.B) { benchMatcher(b, "f(a(b(c)d)e)g", "%b()") })
}
