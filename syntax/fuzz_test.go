package syntax

import (
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds the .lua files under testdata to f's corpus.
func addSeeds(f *testing.F) {
	for _, pattern := range []string{"testdata/errors/*.lua", "testdata/parse/*.lua", "../testdata/lua/*.lua"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if src, err := os.ReadFile(file); err == nil {
				f.Add(src)
			}
		}
	}
}

// FuzzScan checks that the scanner ends on any input, always moves
// forward, and keeps tokens inside the source.
func FuzzScan(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		s := NewScanner("=fuzz", src)
		last := 0
		for i := 0; ; i++ {
			if i > len(src)+1 {
				t.Fatalf("no end after %d tokens", i)
			}
			tok := s.Scan()
			if tok.Off < last || tok.End < tok.Off || tok.End > len(src) {
				t.Fatalf("token %v at [%d:%d] after offset %d", tok.Kind, tok.Off, tok.End, last)
			}
			if tok.EndLine < tok.Pos.Line || tok.Pos.Line < 1 || tok.Pos.Col < 1 {
				t.Fatalf("token %v at %v to line %d", tok.Kind, tok.Pos, tok.EndLine)
			}
			if tok.Kind == TokIllegal && (s.Err() == nil || s.Err().Msg == "") {
				t.Fatalf("illegal token without error")
			}
			if tok.Kind == TokEOF {
				if tok.Off != len(src) {
					t.Fatalf("EOF at %d of %d", tok.Off, len(src))
				}
				return
			}
			if tok.End == tok.Off && tok.Kind != TokIllegal {
				t.Fatalf("empty token %v at %d", tok.Kind, tok.Off)
			}
			last = tok.End
		}
	})
}

// FuzzParse checks that the parser never panics, returns either a tree or
// errors, and that the trees it returns can be walked.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		chunk, err := ParseMode("=fuzz", src, 0)
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 || len(list) > maxErrors {
				t.Fatalf("error %T with %v", err, err)
			}
			if chunk != nil {
				t.Fatal("chunk returned with errors")
			}
			for _, e := range list {
				if e.Msg == "" {
					t.Fatal("error without message")
				}
			}
			return
		}
		if chunk == nil || chunk.Block == nil {
			t.Fatal("no chunk and no error")
		}
		_ = Dump(chunk)
	})
}
