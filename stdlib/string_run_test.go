package stdlib_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// TestRunFile runs the Lua file named by $LUNAR_RUN (a development aid for
// comparing with lua5.4 by hand); skipped when the variable is unset.
func TestRunFile(t *testing.T) {
	name := os.Getenv("LUNAR_RUN")
	if name == "" {
		t.Skip("LUNAR_RUN not set")
	}
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s := lunar.NewState()
	stdlib.OpenAll(s)
	if _, err := s.DoString("@"+filepath.Base(name), string(src)); err != nil {
		t.Fatal(err)
	}
}
