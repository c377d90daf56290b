package stdlib_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// os.setlocale knows the locales of a system with none installed but the
// C library's own ("C", "POSIX", "C.UTF-8"), reads "" from the
// environment per category, and names mixed categories as glibc does.
// setlocale.golden is lua5.4's output of setlocale.lua under each
// environment.
func TestSetlocale(t *testing.T) {
	src, err := os.ReadFile("testdata/setlocale.lua")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/setlocale.golden")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	for _, env := range []string{"LANG=", "LANG=C.utf8", "LC_ALL=C.UTF-8 LANG=xx",
		"LANG=C.UTF-8 LC_NUMERIC=POSIX", "LANG=C.UTF-8 LC_TIME=xx"} {
		for _, v := range []string{"LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES", "LANG"} {
			t.Setenv(v, "")
		}
		for _, kv := range strings.Fields(env) {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
		}
		got.WriteString("== " + env + "\n")
		s := lunar.NewState(lunar.WithLibraries(stdlib.All), lunar.WithStdout(&got))
		if _, err := s.DoString("@setlocale.lua", string(src)); err != nil {
			t.Fatal(err)
		}
	}
	if got.String() != string(want) {
		t.Errorf("got:\n%s\nwant:\n%s", got.String(), want)
	}
}
