package compile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lunar-lua/lunar/syntax"
)

// BenchmarkCompile compiles the parsed conformance scripts of the
// repository (parsing is not measured).
func BenchmarkCompile(b *testing.B) {
	files, _ := filepath.Glob("../testdata/lua/*.lua")
	if len(files) == 0 {
		b.Skip("no scripts")
	}
	var chunks []*syntax.Chunk
	size := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		chunk, err := syntax.Parse("@"+filepath.Base(f), src)
		if err != nil {
			continue
		}
		chunks = append(chunks, chunk)
		size += len(src)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range chunks {
			if _, err := Compile(c); err != nil {
				b.Fatal(err)
			}
		}
	}
}
