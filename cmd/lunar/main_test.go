package main

import (
	"flag"
	"os"
	"testing"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script/*.txtar")

// TestMain makes the test binary double as the lunar command: testscript
// puts a copy named "lunar" on PATH and runs main when invoked by that name.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"lunar": main})
}

// TestScript drives the command as a user would, from the scripts in
// testdata/script: each one runs lunar with files, arguments, stdin and
// environment, and checks stdout, stderr and the exit status.
//
// Conditions available to the scripts: [package] holds when the package
// library (require, package.path) is open in the states lunar makes.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *update,
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "package":
				return hasPackageLibrary(), nil
			}
			return false, os.ErrNotExist
		},
	})
}

// hasPackageLibrary reports whether stdlib opens the package library.
func hasPackageLibrary() bool {
	s := lunar.NewState()
	stdlib.OpenAll(s)
	return s.GetGlobal("package").IsTable()
}
