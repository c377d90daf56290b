package stdlib_test

import (
	"context"
	"errors"
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

// A long match charges its work to the run's budget: an instruction limit
// stops it with the limit error, which pcall cannot catch, long before
// the match reaches its own "pattern too complex" bound (2^26 steps).
func TestMatchChargesBudget(t *testing.T) {
	p, err := lunar.Compile("match", []byte(`
		local s = string.rep("a", 20000)
		return pcall(string.find, s, ".-.-.-.-b")`))
	if err != nil {
		t.Fatal(err)
	}
	s := lunar.NewState(lunar.WithLibraries(stdlib.All), lunar.WithLimits(lunar.Limits{Instructions: 200000}))
	_, err = s.Run(context.Background(), p)
	var le *lunar.LimitError
	if !errors.As(err, &le) || le.Limit != "instructions" {
		t.Fatalf("got %v, want the instructions limit", err)
	}
}
