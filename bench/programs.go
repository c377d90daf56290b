package main

import (
	"os"
	"path/filepath"
)

// Program is one benchmark program in the programs directory.
type Program struct {
	// Name is the file name without extension: programs/NAME.lua.
	Name string
	// Size is the argument for a full run; the program's own default is
	// the same value, chosen so that lua5.4 takes roughly 0.5 to 2 seconds.
	Size int
	// QuickSize is the argument used by -quick: small, for checksum checks.
	QuickSize int
}

// programs lists the suite in the order it is run and reported.
var programs = []Program{
	{Name: "fib", Size: 36, QuickSize: 20},
	{Name: "loop", Size: 10000000, QuickSize: 100000},
	{Name: "nbody", Size: 500000, QuickSize: 1000},
	{Name: "spectral-norm", Size: 700, QuickSize: 50},
	{Name: "binary-trees", Size: 15, QuickSize: 6},
	{Name: "fannkuch", Size: 10, QuickSize: 7},
	{Name: "mandelbrot", Size: 1200, QuickSize: 67},
	{Name: "strings", Size: 150000, QuickSize: 2000},
	{Name: "tables", Size: 100000, QuickSize: 2000},
	{Name: "oop", Size: 600000, QuickSize: 5000},
	{Name: "closures", Size: 2000000, QuickSize: 10000},
	{Name: "coroutines", Size: 2000000, QuickSize: 10000},
	{Name: "json", Size: 4000, QuickSize: 20},
}

// Dialect names the language a program file is written in and an engine
// runs.
type Dialect string

// The dialects engines speak.
const (
	// Lua54 engines run NAME.lua.
	Lua54 Dialect = "5.4"
	// Lua51 engines run NAME_51.lua where it exists, else NAME.lua.
	Lua51 Dialect = "5.1"
	// Starlark engines run starlark/NAME.star and skip programs without one.
	Starlark Dialect = "starlark"
)

// programFile returns the file that an engine of dialect d runs for the
// program named name in dir, or "" when there is none for that dialect.
func programFile(dir, name string, d Dialect) string {
	var candidates []string
	switch d {
	case Lua54:
		candidates = []string{name + ".lua"}
	case Lua51:
		candidates = []string{name + "_51.lua", name + ".lua"}
	case Starlark:
		candidates = []string{filepath.Join("starlark", name+".star")}
	}
	for _, c := range candidates {
		p := filepath.Join(dir, c)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// selectPrograms returns the programs named in names (all when names is
// empty) and the names that matched no program.
func selectPrograms(names []string) ([]Program, []string) {
	if len(names) == 0 {
		return programs, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []Program
	for _, p := range programs {
		if want[p.Name] {
			out = append(out, p)
			delete(want, p.Name)
		}
	}
	var unknown []string
	for _, n := range names {
		if want[n] {
			unknown = append(unknown, n)
			delete(want, n)
		}
	}
	return out, unknown
}
