package compile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

var update = flag.Bool("update", false, "rewrite the .golden files of testdata/disasm")

// TestDisasmGolden compiles each testdata/disasm/*.lua and compares its
// full listing with the .golden file beside it (go test -update rewrites
// them). TestLuacListings checks the same files against luac.
func TestDisasmGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/disasm/*.lua")
	if err != nil || len(files) == 0 {
		t.Fatal("no test files", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			chunk, err := syntax.Parse("@"+filepath.Base(file), src)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Compile(chunk)
			if err != nil {
				t.Fatal(err)
			}
			if err := checkProto(p); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := bytecode.Disassemble(&b, p, true); err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(file, ".lua") + ".golden"
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if d := firstDiff(string(want), b.String()); d != "" {
				t.Errorf("listing differs from %s at %s", golden, d)
			}
		})
	}
}
