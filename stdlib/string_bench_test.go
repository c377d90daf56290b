package stdlib_test

import (
	"context"
	"testing"

	"github.com/lunar-lua/lunar"
)

// benchLua runs body b.N times inside one Lua loop, so that ns/op and
// allocs/op are those of one execution of body (the run's own overhead is
// amortised). setup runs once before the loop.
func benchLua(b *testing.B, setup, body string) {
	b.Helper()
	s := newState(b)
	p, err := lunar.Compile("=bench", []byte(setup+"\nlocal n = ...\nfor i = 1, n do\n"+body+"\nend"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	// Warm up (first-call allocations, table growth).
	if _, err := s.Run(ctx, p, lunar.Int(10)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := s.Run(ctx, p, lunar.Int(int64(b.N))); err != nil {
		b.Fatal(err)
	}
}

const benchText = `local text = string.rep("The quick brown fox jumps over the lazy dog. ", 20)`

func BenchmarkFind(b *testing.B) {
	b.Run("plain", func(b *testing.B) {
		benchLua(b, benchText, `local x, y = text:find("lazy cat", 1, true)`)
	})
	b.Run("nospecials", func(b *testing.B) {
		benchLua(b, benchText, `local x, y = text:find("dog")`)
	})
	b.Run("class", func(b *testing.B) {
		benchLua(b, benchText, `local x, y = text:find("%u%l+")`)
	})
	b.Run("captures", func(b *testing.B) {
		benchLua(b, `local line = "  key_name = some value  "`, `local k, v = line:match("^%s*([%w_]+)%s*=%s*(.-)%s*$")`)
	})
	b.Run("anchored-miss", func(b *testing.B) {
		benchLua(b, benchText, `local x = text:find("^fox")`)
	})
}

func BenchmarkGsub(b *testing.B) {
	b.Run("string", func(b *testing.B) {
		benchLua(b, benchText, `local r, n = text:gsub("o", "0")`)
	})
	b.Run("captures", func(b *testing.B) {
		benchLua(b, benchText, `local r, n = text:gsub("(%w+) (%w+)", "%2 %1")`)
	})
	b.Run("function", func(b *testing.B) {
		benchLua(b, benchText+"\nlocal up = string.upper", `local r, n = text:gsub("%w+", up)`)
	})
	b.Run("table", func(b *testing.B) {
		benchLua(b, benchText+"\nlocal t = {fox = \"cat\", dog = \"cow\"}", `local r, n = text:gsub("%w+", t)`)
	})
	b.Run("nomatch", func(b *testing.B) {
		benchLua(b, benchText, `local r, n = text:gsub("xyz", "")`)
	})
}

func BenchmarkFormat(b *testing.B) {
	b.Run("int", func(b *testing.B) {
		benchLua(b, "", `local s = string.format("%d", i)`)
	})
	b.Run("mixed", func(b *testing.B) {
		benchLua(b, "", `local s = string.format("%s=%d (%5.2f%%) %x", "key", i, 3.14159, 255)`)
	})
	b.Run("float", func(b *testing.B) {
		benchLua(b, "", `local s = string.format("%.14g", i / 7)`)
	})
	b.Run("q", func(b *testing.B) {
		benchLua(b, "", `local s = string.format("%q", "line\n\"quoted\"\0")`)
	})
}

func BenchmarkByteSub(b *testing.B) {
	benchLua(b, benchText, `local c = text:byte(5) local s = text:sub(5, 10) local l = #text`)
}
