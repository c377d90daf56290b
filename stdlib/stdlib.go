package stdlib

import (
	"io/fs"

	"github.com/lunar-lua/lunar"
)

// OpenAll opens every standard library in s (the base and coroutine
// libraries are always open; debug comes from package lunar, which owns
// the frames it inspects).
func OpenAll(s *lunar.State) {
	OpenPackage(s)
	OpenString(s)
	OpenUTF8(s)
	OpenTable(s)
	OpenMath(s)
	OpenIO(s)
	OpenOS(s)
	lunar.OpenDebug(s)
}

// newLib builds a library table from Go functions, names them
// "<lib>.<name>" for error messages, and sets it as global lib and in
// package.loaded.
func newLib(s *lunar.State, lib string, funcs map[string]lunar.GoFunction) *lunar.Table {
	t := lunar.NewTable(0, len(funcs))
	for name, fn := range funcs {
		t.SetStr(name, lunar.NewFunction(lib+"."+name, fn))
	}
	s.SetGlobal(lib, lunar.TableValue(t))
	s.Loaded().SetStr(lib, lunar.TableValue(t))
	return t
}

// OpenSafe opens the libraries that give a script no access to the host:
// string, utf8, table, math, and the part of os that only reads the
// clock (clock, date, difftime, time). Left out: io, the rest of os
// (execute, exit, getenv, remove, rename, tmpname, setlocale), package
// (require and package.loadlib: an embedder that wants modules opens
// package with an fs.FS of its own, see OpenPackage), debug, and load of
// binary chunks.
func OpenSafe(s *lunar.State) {
	OpenString(s)
	OpenUTF8(s)
	OpenTable(s)
	OpenMath(s)
	OpenOS(s)
	if os := s.GetGlobal("os").AsTable(); os != nil {
		for _, name := range []string{"execute", "exit", "getenv", "remove", "rename", "tmpname", "setlocale"} {
			os.SetStr(name, lunar.Nil)
		}
	}
	s.SetUndump(nil)
}

// All opens every standard library (OpenAll) into new states made with
// lunar.WithLibraries(stdlib.All): the libraries are built once, and each
// state starts as a copy of them.
var All = lunar.NewLibraries(OpenAll)

// Safe is the library set of OpenSafe, for lunar.WithLibraries.
var Safe = lunar.NewLibraries(OpenSafe)

// WithModules returns a library set for lunar.WithLibraries: every library
// of OpenAll, with require loading Lua modules from fsys only (see
// PackageOptions.FS) along path ("./?.lua;./?/init.lua" when empty), and
// the environment's LUA_PATH ignored. Make it once and share it: its
// template is built on first use.
func WithModules(fsys fs.FS, path string) *lunar.Libraries {
	if path == "" {
		path = "./?.lua;./?/init.lua"
	}
	return lunar.NewLibraries(func(s *lunar.State) {
		OpenAll(s)
		OpenPackage(s, PackageOptions{FS: fsys, Path: path, CPath: "", IgnoreEnv: true})
	})
}

// SafeWithModules is WithModules on top of the safe set (OpenSafe): the
// only way a script reaches outside is require, into fsys.
func SafeWithModules(fsys fs.FS, path string) *lunar.Libraries {
	if path == "" {
		path = "./?.lua;./?/init.lua"
	}
	return lunar.NewLibraries(func(s *lunar.State) {
		OpenSafe(s)
		OpenPackage(s, PackageOptions{FS: fsys, Path: path, IgnoreEnv: true})
		// No C modules in the safe set.
		if pkg := s.GetGlobal("package").AsTable(); pkg != nil {
			pkg.SetStr("loadlib", lunar.Nil)
		}
	})
}
