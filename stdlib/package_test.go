package stdlib

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lunar-lua/lunar"
)

// pkgState returns a state with the package library opened with opts
// (and the string library, for the scripts' convenience).
func pkgState(opts PackageOptions) *lunar.State {
	s := lunar.NewState()
	OpenPackage(s, opts)
	OpenString(s)
	return s
}

// pkgRun runs src in s and returns its results, converted with
// tostring and joined with "|".
func pkgRun(t *testing.T, s *lunar.State, src string) string {
	t.Helper()
	res, err := s.DoString("=test", src)
	if err != nil {
		t.Fatalf("%s:\n%v", src, err)
	}
	th := s.MainThread()
	parts := make([]string, len(res))
	for i, v := range res {
		parts[i], _ = th.ToStringMeta(v)
	}
	return strings.Join(parts, "|")
}

// pkgRunError runs src in s, which must fail, and returns the error
// message.
func pkgRunError(t *testing.T, s *lunar.State, src string) string {
	t.Helper()
	_, err := s.DoString("=test", src)
	if err == nil {
		t.Fatalf("%s: no error", src)
	}
	return err.Error()
}

var pkgTestFS = fstest.MapFS{
	"m.lua":            {Data: []byte("local name, file = ...\nreturn {name = name, file = file}\n")},
	"lib/deep/mod.lua": {Data: []byte("return 'deep ' .. select(1, ...)\n")},
	"pkg/init.lua":     {Data: []byte("return 'init of ' .. ...\n")},
	"abs/a.lua":        {Data: []byte("return 'absolute'\n")},
	"none.lua":         {Data: []byte("x_loaded = (x_loaded or 0) + 1\n")},
	"self.lua":         {Data: []byte("package.loaded[...] = 'set by itself'\n")},
	"false.lua":        {Data: []byte("return false\n")},
	"bad.lua":          {Data: []byte("local x = = 1\n")},
	"shebang.lua":      {Data: []byte("#!/usr/bin/env lua\n\nerror('line three')\n")},
	"bomsh.lua":        {Data: []byte("\xEF\xBB\xBF# comment\nreturn 'bom', debug_line\n")},
	"onlyshebang.lua":  {Data: []byte("#!/usr/bin/env lua")},
	"dir.lua/x":        {Data: []byte("")},
	"clib.so":          {Data: []byte("\x7fELF")},
	"runtime.lua":      {Data: []byte("local t = nil\nreturn t.x\n")},
}

func TestPackageRequireFS(t *testing.T) {
	s := pkgState(PackageOptions{FS: pkgTestFS, Path: "./?.lua;./?/init.lua;lib/?.lua;/abs/?.lua", IgnoreEnv: true})
	tests := []struct{ src, want string }{
		{"local m, f = require('m') return m.name, m.file, f", "m|./m.lua|./m.lua"},
		// A second require returns the cached value only.
		{"local m1 = require('m') local m2, f = require('m') return m1 == m2, f", "true|nil"},
		{"return require('deep.mod')", "deep deep.mod|lib/deep/mod.lua"},
		{"return require('pkg')", "init of pkg|./pkg/init.lua"},
		{"return require('a')", "absolute|/abs/a.lua"},
		{"require('none') require('none') return require('none'), x_loaded", "true|1"},
		{"return require('self')", "set by itself|./self.lua"},
		{"return require('false')", "false|./false.lua"},
		{"return require('bomsh')", "bom|./bomsh.lua"},
		{"return require('onlyshebang')", "true|./onlyshebang.lua"},
		{"return package.loaded.m == require('m'), package.loaded.package == package", "true|true"},
		{"return package.searchpath('deep.mod', 'x/?.lua;lib/?.lua')", "lib/deep/mod.lua"},
		{"return package.searchpath('abs_a', '?.lua', '_', '/')", "abs/a.lua"},
		{"return package.searchpath('a_', '?.lua;/abs/?.lua', '_', '')", "/abs/a.lua"},
		{"return package.searchpath('m', '../?.lua;?.x')", "nil|no file '../m.lua'\n\tno file 'm.x'"},
	}
	for _, tc := range tests {
		if got := pkgRun(t, s, tc.src); got != tc.want {
			t.Errorf("%s\ngot  %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

func TestPackageRequireErrors(t *testing.T) {
	opts := PackageOptions{FS: pkgTestFS, Path: "./?.lua;lib/?.lua", CPath: "./?.so", IgnoreEnv: true}
	tests := []struct{ src, want string }{
		{"require('nope')", "test:1: module 'nope' not found:\n" +
			"\tno field package.preload['nope']\n" +
			"\tno file './nope.lua'\n\tno file 'lib/nope.lua'\n" +
			"\tno file './nope.so'"},
		{"require('no.pe')", "test:1: module 'no.pe' not found:\n" +
			"\tno field package.preload['no.pe']\n" +
			"\tno file './no/pe.lua'\n\tno file 'lib/no/pe.lua'\n" +
			"\tno file './no/pe.so'\n\tno file './no.so'"},
		{"require('bad')", "error loading module 'bad' from file './bad.lua':\n\t./bad.lua:1: unexpected symbol near '='"},
		{"require('shebang')", "./shebang.lua:3: line three"},
		{"require('runtime')", "./runtime.lua:2: attempt to index a nil value (local 't')"},
		{"require('dir')", "error loading module 'dir' from file './dir.lua':\n\tcannot read ./dir.lua: invalid argument"},
		{"require('clib')", "error loading module 'clib' from file './clib.so':\n\t" + pkgNoDynLib},
		{"require('clib.sub')", "error loading module 'clib.sub' from file './clib.so':\n\t" + pkgNoDynLib},
		{"require()", "test:1: bad argument #1 to 'require' (string expected, got no value)"},
		{"package.searchers = nil require('x')", "test:1: 'package.searchers' must be a table"},
		{"package.path = {} require('x')", "'package.path' must be a string"},
		{"package.cpath = nil require('x')", "'package.cpath' must be a string"},
		{"package.searchers = {} require('x')", "test:1: module 'x' not found:"},
		{"package.searchers = {function() return 1 end, function() end, function() return nil, 'y' end," +
			" function() return 'two' end} require('x')", "test:1: module 'x' not found:\n\t1\n\ttwo"},
		{"package.searchpath('x')", "test:1: bad argument #2 to 'searchpath' (string expected, got no value)"},
		{"package.searchpath('x', 'y', {})", "test:1: bad argument #3 to 'searchpath' (string expected, got table)"},
	}
	for _, tc := range tests {
		s := pkgState(opts)
		if got := pkgRunError(t, s, tc.src); got != tc.want {
			t.Errorf("%s\ngot  %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

func TestPackagePreloadAndSearchers(t *testing.T) {
	s := pkgState(PackageOptions{FS: fstest.MapFS{}, Path: "?.lua", CPath: "?.so", IgnoreEnv: true})
	var got []string
	preload := s.GetGlobal("package").AsTable().GetStr("preload").AsTable()
	preload.SetStr("gomod", lunar.NewFunction("gomod", func(t *lunar.Thread, args []lunar.Value) (int, error) {
		for _, a := range args {
			str, _ := a.ToString()
			got = append(got, str)
		}
		t.Push(lunar.String("from Go"))
		return 1, nil
	}))
	if r := pkgRun(t, s, "return require('gomod')"); r != "from Go|:preload:" {
		t.Errorf("require('gomod') = %q", r)
	}
	if strings.Join(got, ",") != "gomod,:preload:" {
		t.Errorf("loader arguments = %q", got)
	}
	// preload is the registry's table: replacing package.preload does not
	// change what the preload searcher sees.
	if r := pkgRun(t, s, "package.preload = {x = print} return package.searchers[1]('x')"); r != "no field package.preload['x']" {
		t.Errorf("replaced preload: %q", r)
	}

	// The searchers run in order; the first loader found wins and gets
	// the searcher's second result.
	src := `
		local trace = {}
		local s = package.searchers
		table_insert = function(t, v) t[#t + 1] = v end
		package.searchers = {
			function(n) table_insert(trace, "a:" .. n) return "not a" end,
			function(n) table_insert(trace, "b:" .. n) return function(name, data) return name .. "+" .. data end, "extra" end,
			function(n) table_insert(trace, "c:" .. n) return function() return "c" end end,
		}
		local v, data = require("mod")
		package.searchers = s
		return v, data, table.concat(trace, " ")`
	OpenTable(s)
	if r := pkgRun(t, s, src); r != "mod+extra|extra|a:mod b:mod" {
		t.Errorf("searchers order: %q", r)
	}
	// The default searchers: preload, Lua, C, all-in-one.
	if r := pkgRun(t, s, "local s = package.searchers return #s, s[1]('q'), s[2]('q'), s[3]('q'), s[4]('q.r'), select('#', s[4]('q'))"); r !=
		"4|no field package.preload['q']|no file 'q.lua'|no file 'q.so'|no file 'q.so'|0" {
		t.Errorf("default searchers: %q", r)
	}
}

func TestPackageTables(t *testing.T) {
	s := pkgState(PackageOptions{IgnoreEnv: true})
	tests := []struct{ src, want string }{
		{"return package.config", "/\n;\n?\n!\n-\n"},
		{"return package.path", pkgDefaultPath},
		{"return package.cpath", pkgDefaultCPath},
		{"return package.loadlib('x.so', 'luaopen_x')", "nil|" + pkgNoDynLib + "|absent"},
		{"return package.loaded._G == _G, package.loaded.string == string", "true|true"},
		{"return type(require), type(package.preload), type(package.searchers)", "function|table|table"},
		{"return require('string') == string", "true"},
	}
	for _, tc := range tests {
		if got := pkgRun(t, s, tc.src); got != tc.want {
			t.Errorf("%s\ngot  %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

func TestPackagePathOptions(t *testing.T) {
	t.Setenv("LUA_PATH", "env;;")
	t.Setenv("LUA_CPATH_5_4", "cenv")
	t.Setenv("LUA_CPATH", "unversioned")
	tests := []struct {
		name        string
		opts        PackageOptions
		noEnv       bool
		path, cpath string
	}{
		{"env", PackageOptions{}, false, "env;" + pkgDefaultPath, "cenv"},
		{"ignore env", PackageOptions{IgnoreEnv: true}, false, pkgDefaultPath, pkgDefaultCPath},
		{"LUA_NOENV", PackageOptions{}, true, pkgDefaultPath, pkgDefaultCPath},
		{"given", PackageOptions{Path: "a/?.lua", CPath: ";;b/?.so"}, false, "a/?.lua", pkgDefaultCPath + ";b/?.so"},
	}
	for _, tc := range tests {
		s := lunar.NewState()
		if tc.noEnv {
			s.Registry().SetStr("LUA_NOENV", lunar.True)
		}
		OpenPackage(s, tc.opts)
		if got := pkgRun(t, s, "return package.path, package.cpath"); got != tc.path+"|"+tc.cpath {
			t.Errorf("%s: got %q", tc.name, got)
		}
	}
}

func TestPackageExpandDefault(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a;b", "a;b"},
		{";;", "D"},
		{"a;;", "a;D"},
		{";;b", "D;b"},
		{"a;;b;;c", "a;D;b;;c"},
		{"a;;;b", "a;D;;b"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := pkgExpandDefault(tc.in, "D"); got != tc.want {
			t.Errorf("pkgExpandDefault(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPackageFSOpen(t *testing.T) {
	fsys := fstest.MapFS{"a/b.lua": {Data: []byte("x")}, "c.lua": {Data: []byte("y")}}
	tests := []struct {
		name string
		ok   bool
	}{
		{"a/b.lua", true},
		{"./a/b.lua", true},
		{"/a/b.lua", true},
		{"//a/./b.lua", true},
		{"a/../c.lua", true},
		{"../c.lua", false},
		{"a/../../c.lua", false},
		{"", false},
		{"a", true}, // a directory opens, as with fopen
		{"missing.lua", false},
	}
	for _, tc := range tests {
		f, err := pkgFSOpen(fsys, tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("pkgFSOpen(%q): err = %v", tc.name, err)
		}
		if err == nil {
			f.Close()
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("pkgFSOpen(%q): err = %v, want not-exist", tc.name, err)
		}
	}
}

// With no FS the host's file system is used, relative names from the
// working directory.
func TestPackageRequireOS(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hostmod.lua"), []byte("#!lua\nreturn ..., select(2, ...)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "isdir.lua"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	s := pkgState(PackageOptions{Path: "./?.lua", IgnoreEnv: true})
	if got := pkgRun(t, s, "return require('hostmod')"); got != "hostmod|./hostmod.lua" {
		t.Errorf("require('hostmod') = %q", got)
	}
	want := "error loading module 'isdir' from file './isdir.lua':\n\tcannot read ./isdir.lua: Is a directory"
	if got := pkgRunError(t, s, "require('isdir')"); got != want {
		t.Errorf("require('isdir'):\ngot  %q\nwant %q", got, want)
	}
	abs := filepath.Join(dir, "?.lua")
	if got := pkgRun(t, s, "return package.searchpath('hostmod', '"+abs+"')"); got != filepath.Join(dir, "hostmod.lua") {
		t.Errorf("searchpath = %q", got)
	}
}

// A loader that yields cannot: require is not yieldable, as in the
// reference.
func TestPackageRequireNoYield(t *testing.T) {
	s := pkgState(PackageOptions{FS: fstest.MapFS{}, IgnoreEnv: true})
	got := pkgRun(t, s, `
		package.preload.y = function() coroutine.yield(1) end
		local co = coroutine.create(function() return require("y") end)
		return coroutine.resume(co)`)
	if got != "false|attempt to yield across a C-call boundary" {
		t.Errorf("yield in loader: %q", got)
	}
}

// A precompiled chunk (string.dump) loads as a module, after a '#' line
// too.
func TestPackageRequireBinary(t *testing.T) {
	s0 := pkgState(PackageOptions{FS: fstest.MapFS{}, IgnoreEnv: true})
	res, err := s0.DoString("=dump", "return string.dump(function(name) return 'binary ' .. name end)")
	if err != nil {
		t.Fatal(err)
	}
	bin := res[0].AsString()
	fsys := fstest.MapFS{
		"bin.lua":   {Data: []byte(bin)},
		"shbin.lua": {Data: []byte("#!/usr/bin/lua\n" + bin)},
	}
	s := pkgState(PackageOptions{FS: fsys, Path: "?.lua", IgnoreEnv: true})
	if got := pkgRun(t, s, "return require('bin')"); got != "binary bin|bin.lua" {
		t.Errorf("require('bin') = %q", got)
	}
	if got := pkgRun(t, s, "return require('shbin')"); got != "binary shbin|shbin.lua" {
		t.Errorf("require('shbin') = %q", got)
	}
}
