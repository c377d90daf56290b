package stdlib

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/lunar-lua/lunar"
)

// The package library (§6.3 of the manual): require and the package
// table, as the reference's loadlib.c builds them in an interpreter
// compiled without dynamic libraries (no dlopen): the C searchers look
// along package.cpath, but a C library they find fails to load with the
// reference's message, and package.loadlib always fails.

// Default paths, the reference's LUA_PATH_DEFAULT and LUA_CPATH_DEFAULT
// for LUA_ROOT "/usr/local/".
const (
	pkgDefaultPath = "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;" +
		"/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;" +
		"./?.lua;./?/init.lua"
	pkgDefaultCPath = "/usr/local/lib/lua/5.4/?.so;/usr/local/lib/lua/5.4/loadall.so;./?.so"

	// pkgConfig is package.config: the directory separator, the path
	// separator, the substitution mark, the executable-directory mark
	// and the mark that ends a C library's open-function name.
	pkgConfig = "/\n;\n?\n!\n-\n"

	// pkgNoDynLib is the reference's DLMSG, the error of every attempt
	// to load a C library.
	pkgNoDynLib = "dynamic libraries not enabled; check your Lua installation"
)

// PackageOptions configures the package library that OpenPackage opens.
// The zero value gives the reference's behaviour.
type PackageOptions struct {
	// FS is the file tree that require and package.searchpath look in.
	// When nil, they use the host's file system as the reference does:
	// names are opened as written, relative ones from the working
	// directory. When set, every name is cleaned into an fs.FS path
	// first: leading slashes and "./" are dropped and "a/../b" becomes
	// "b", so "/lib/x.lua" and "./x.lua" name "lib/x.lua" and "x.lua" in
	// FS; a name that would leave the tree ("../x.lua") is not found.
	// Messages and chunk names show the names as written. States that
	// run on different goroutines may share an FS that is safe for
	// concurrent use (fstest.MapFS and os.DirFS are).
	FS fs.FS

	// Path and CPath are the initial package.path and package.cpath. An
	// empty one means the default: the LUA_PATH_5_4 or LUA_PATH (for
	// CPath, LUA_CPATH_5_4 or LUA_CPATH) environment variable, else the
	// reference's default path. A ";;" in a path given here or in the
	// environment is replaced by the default path, as the reference does.
	Path, CPath string

	// IgnoreEnv leaves the environment variables out, as `lua -E` does
	// (which sets the registry field "LUA_NOENV"; that field is honoured
	// too).
	IgnoreEnv bool
}

// OpenPackage opens the package library (§6.3 of the manual) in s: the
// global function require and the global table package (also
// package.loaded.package). package.loaded is the registry's "_LOADED"
// table and package.preload its "_PRELOAD" table.
//
// Lua modules are read through opts.FS (see PackageOptions; at most one
// options value is used). C libraries cannot be loaded: the C searchers
// report each file they look for, and one they find fails to load with
// "dynamic libraries not enabled; check your Lua installation", as in a
// reference interpreter built without dlopen.
func OpenPackage(s *lunar.State, opts ...PackageOptions) {
	var o PackageOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	reg := s.Registry()
	noEnv := o.IgnoreEnv || reg.GetStr("LUA_NOENV").Truthy()

	p := &pkgLib{pkg: lunar.NewTable(0, 10), open: pkgOSOpen}
	if o.FS != nil {
		fsys := o.FS
		p.open = func(name string) (fs.File, error) { return pkgFSOpen(fsys, name) }
	}
	pkg := p.pkg
	// Functions that use the package table find it in the state
	// (lunar.State.Data), so that a state copied from a template uses its
	// own (lunar.Libraries).
	s.SetData(pkgKey, p)
	bound := func(name string, m func(*pkgLib, *lunar.Thread, []lunar.Value) (int, error)) lunar.Value {
		return lunar.NewFunction(name, func(t *lunar.Thread, args []lunar.Value) (int, error) {
			p, _ := t.State().Data(pkgKey).(*pkgLib)
			if p == nil {
				return 0, t.Errorf("package library not open in this state")
			}
			return m(p, t, args)
		})
	}
	pkg.SetStr("loadlib", lunar.NewFunction("package.loadlib", pkgLoadLib))
	pkg.SetStr("searchpath", bound("package.searchpath", (*pkgLib).searchPathFn))

	searchers := lunar.NewTable(4, 0)
	searchers.SetInt(1, lunar.NewFunction("", pkgSearcherPreload))
	searchers.SetInt(2, bound("", (*pkgLib).searcherLua))
	searchers.SetInt(3, bound("", (*pkgLib).searcherC))
	searchers.SetInt(4, bound("", (*pkgLib).searcherCRoot))
	pkg.SetStr("searchers", lunar.TableValue(searchers))

	pkg.SetStr("path", lunar.String(pkgInitPath(o.Path, "LUA_PATH", pkgDefaultPath, noEnv)))
	pkg.SetStr("cpath", lunar.String(pkgInitPath(o.CPath, "LUA_CPATH", pkgDefaultCPath, noEnv)))
	pkg.SetStr("config", lunar.String(pkgConfig))

	pkg.SetStr("loaded", lunar.TableValue(pkgSubTable(reg, "_LOADED")))
	pkg.SetStr("preload", lunar.TableValue(pkgSubTable(reg, "_PRELOAD")))

	s.SetGlobal("require", bound("require", (*pkgLib).require))
	s.SetGlobal("package", lunar.TableValue(pkg))
	s.Loaded().SetStr("package", lunar.TableValue(pkg))
}

// pkgLib is one opened package library: its functions share the package
// table (the upvalue of the reference's require and searchers, which
// read package.path and package.searchers from it, not from the global
// package) and the way files are opened.
type pkgLib struct {
	pkg  *lunar.Table
	open func(name string) (fs.File, error)
}

// pkgKey finds a state's pkgLib (lunar.State.Data).
var pkgKey = lunar.NewDataKey()

// CloneFor gives a state copied from a template its own package table
// (lunar.StateData).
func (p *pkgLib) CloneFor(c *lunar.Cloner) any {
	return &pkgLib{pkg: c.Value(lunar.TableValue(p.pkg)).AsTable(), open: p.open}
}

// pkgSubTable returns the registry's table under key, creating it when
// absent (luaL_getsubtable).
func pkgSubTable(reg *lunar.Table, key string) *lunar.Table {
	if t := reg.GetStr(key).AsTable(); t != nil {
		return t
	}
	t := lunar.NewTable(0, 4)
	reg.SetStr(key, lunar.TableValue(t))
	return t
}

// pkgInitPath returns the initial value of a path: given (with ";;"
// expanded) when not empty, else the environment's ENV_5_4 or ENV (with
// ";;" expanded) unless noEnv, else dft.
func pkgInitPath(given, env, dft string, noEnv bool) string {
	if given != "" {
		return pkgExpandDefault(given, dft)
	}
	if noEnv {
		return dft
	}
	v, ok := os.LookupEnv(env + "_5_4")
	if !ok {
		v, ok = os.LookupEnv(env)
	}
	if !ok {
		return dft
	}
	return pkgExpandDefault(v, dft)
}

// pkgExpandDefault replaces the first ";;" in p by ";"+dft+";" (without
// the separators at either end), as the reference's setpath.
func pkgExpandDefault(p, dft string) string {
	i := strings.Index(p, ";;")
	if i < 0 {
		return p
	}
	var b strings.Builder
	if i > 0 {
		b.WriteString(p[:i])
		b.WriteByte(';')
	}
	b.WriteString(dft)
	if i+2 < len(p) {
		b.WriteByte(';')
		b.WriteString(p[i+2:])
	}
	return b.String()
}

// pkgOSOpen opens a file of the host's file system by the name as
// written.
func pkgOSOpen(name string) (fs.File, error) { return os.Open(name) }

// pkgFSOpen opens name in fsys after cleaning it into an fs.FS path (see
// PackageOptions.FS).
func pkgFSOpen(fsys fs.FS, name string) (fs.File, error) {
	clean := path.Clean(strings.TrimLeft(name, "/"))
	if name == "" || clean == ".." || strings.HasPrefix(clean, "../") || !fs.ValidPath(clean) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return fsys.Open(clean)
}

// readable reports whether name can be opened (the reference's fopen
// test: a directory passes, and fails later when it is read).
func (p *pkgLib) readable(name string) bool {
	f, err := p.open(name)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// searchPath looks for name along path as package.searchpath does: each
// sep in name becomes dirsep, each "?" of path becomes name, and the
// first template (path is split at ";") that names a readable file wins.
// When none does, it returns "" and the reference's message listing
// every file tried ("no file 'a'\n\tno file 'b'").
func (p *pkgLib) searchPath(name, lpath, sep, dirsep string) (string, string) {
	if sep != "" && strings.IndexByte(name, sep[0]) >= 0 {
		name = strings.ReplaceAll(name, sep, dirsep)
	}
	names := strings.ReplaceAll(lpath, "?", name)
	if names != "" {
		for _, f := range strings.Split(names, ";") {
			if p.readable(f) {
				return f, ""
			}
		}
	}
	return "", "no file '" + strings.ReplaceAll(names, ";", "'\n\tno file '") + "'"
}

// findFile looks for module name along package[pname] ("path" or
// "cpath"), which must be a string.
func (p *pkgLib) findFile(t *lunar.Thread, name, pname string) (string, string, error) {
	v, err := t.Index(lunar.TableValue(p.pkg), lunar.String(pname))
	if err != nil {
		return "", "", err
	}
	lpath, ok := v.ToString()
	if !ok {
		return "", "", t.Errorf("'package.%s' must be a string", pname)
	}
	found, msg := p.searchPath(name, lpath, ".", "/")
	return found, msg, nil
}

// loadFile compiles the Lua file filename (text or binary chunk) as
// luaL_loadfile does: a UTF-8 byte-order mark and a first line starting
// with '#' are skipped (the line is kept empty, so line numbers stay
// right; a binary chunk may follow that line). The error is the
// reference's message.
func (p *pkgLib) loadFile(t *lunar.Thread, filename string) (lunar.Value, string) {
	f, err := p.open(filename)
	if err != nil {
		msg, _ := lunar.ErrnoMessage(err)
		return lunar.Nil, "cannot open " + filename + ": " + msg
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		msg, _ := lunar.ErrnoMessage(err)
		return lunar.Nil, "cannot read " + filename + ": " + msg
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if len(data) > 0 && data[0] == '#' {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i:]
			if len(data) > 1 && data[1] == 0x1b {
				data = data[1:] // a binary chunk after the line
			}
		} else {
			data = nil
		}
	}
	chunkname := "@" + filename
	var fn lunar.Value
	if len(data) > 0 && data[0] == 0x1b {
		fn, err = lunar.Undump(t, data, chunkname)
	} else {
		fn, err = t.Load(data, chunkname, lunar.Nil, false)
	}
	if err != nil {
		return lunar.Nil, pkgLoadErrorMessage(err)
	}
	return fn, ""
}

// pkgLoadErrorMessage returns the message of a load error: the first
// syntax error of a list, as the reference reports only that one.
func pkgLoadErrorMessage(err error) string {
	type first interface{ First() error }
	if f, ok := err.(first); ok && f.First() != nil {
		return f.First().Error()
	}
	return err.Error()
}

// require(modname)
func (p *pkgLib) require(t *lunar.Thread, args []lunar.Value) (int, error) {
	name, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	key := lunar.String(name)
	loaded := t.State().Registry().GetStr("_LOADED")
	v, err := t.Index(loaded, key)
	if err != nil {
		return 0, err
	}
	if v.Truthy() {
		t.Push(v)
		return 1, nil
	}
	loader, data, err := p.findLoader(t, name)
	if err != nil {
		return 0, err
	}
	r, err := t.Call1(loader, key, data)
	if err != nil {
		return 0, err
	}
	if !r.IsNil() {
		if err := t.SetIndex(loaded, key, r); err != nil {
			return 0, err
		}
	}
	if v, err = t.Index(loaded, key); err != nil {
		return 0, err
	}
	if v.IsNil() {
		v = lunar.True
		if err := t.SetIndex(loaded, key, v); err != nil {
			return 0, err
		}
	}
	t.Push(v)
	t.Push(data)
	return 2, nil
}

// findLoader asks each of package.searchers in turn for a loader of
// module name; it fails with "module 'name' not found:" followed by what
// each searcher said, one per line.
func (p *pkgLib) findLoader(t *lunar.Thread, name string) (lunar.Value, lunar.Value, error) {
	sv, err := t.Index(lunar.TableValue(p.pkg), lunar.String("searchers"))
	if err != nil {
		return lunar.Nil, lunar.Nil, err
	}
	searchers := sv.AsTable()
	if searchers == nil {
		return lunar.Nil, lunar.Nil, t.Errorf("'package.searchers' must be a table")
	}
	var msg strings.Builder
	for i := int64(1); ; i++ {
		searcher := searchers.GetInt(i)
		if searcher.IsNil() {
			return lunar.Nil, lunar.Nil, t.Errorf("module '%s' not found:%s", name, msg.String())
		}
		res, err := t.Call(searcher, lunar.String(name))
		if err != nil {
			return lunar.Nil, lunar.Nil, err
		}
		r1, r2 := lunar.Arg(res, 1), lunar.Arg(res, 2)
		if r1.IsFunction() {
			return r1, r2, nil
		}
		if s, ok := r1.ToString(); ok {
			msg.WriteString("\n\t")
			msg.WriteString(s)
		}
	}
}

// The preload searcher: package.preload[modname] (the registry's
// "_PRELOAD" table, whatever package.preload now holds).
func pkgSearcherPreload(t *lunar.Thread, args []lunar.Value) (int, error) {
	name, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	v, err := t.Index(t.State().Registry().GetStr("_PRELOAD"), lunar.String(name))
	if err != nil {
		return 0, err
	}
	if v.IsNil() {
		t.Push(lunar.String("no field package.preload['" + name + "']"))
		return 1, nil
	}
	t.Push(v)
	t.Push(lunar.String(":preload:"))
	return 2, nil
}

// The Lua searcher: a file along package.path, compiled; the loader data
// is the file name.
func (p *pkgLib) searcherLua(t *lunar.Thread, args []lunar.Value) (int, error) {
	name, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	filename, msg, err := p.findFile(t, name, "path")
	if err != nil {
		return 0, err
	}
	if filename == "" {
		t.Push(lunar.String(msg))
		return 1, nil
	}
	fn, lerr := p.loadFile(t, filename)
	if lerr != "" {
		return 0, pkgLoadError(t, name, filename, lerr)
	}
	t.Push(fn)
	t.Push(lunar.String(filename))
	return 2, nil
}

// pkgLoadError is the reference's checkload failure.
func pkgLoadError(t *lunar.Thread, name, filename, msg string) error {
	return t.Errorf("error loading module '%s' from file '%s':\n\t%s", name, filename, msg)
}

// The C searcher: a file along package.cpath. Finding one is an error,
// since C libraries cannot be loaded.
func (p *pkgLib) searcherC(t *lunar.Thread, args []lunar.Value) (int, error) {
	name, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	return p.searchC(t, name, name)
}

// searchC looks for a C library named lib along package.cpath for module
// name: a message of the files tried when none is there, and the
// reference's error when one is (dynamic libraries never load here).
func (p *pkgLib) searchC(t *lunar.Thread, name, lib string) (int, error) {
	filename, msg, err := p.findFile(t, lib, "cpath")
	if err != nil {
		return 0, err
	}
	if filename == "" {
		t.Push(lunar.String(msg))
		return 1, nil
	}
	return 0, pkgLoadError(t, name, filename, pkgNoDynLib)
}

// The all-in-one searcher: for "a.b.c", a C library "a" along
// package.cpath, which would hold luaopen_a_b_c. Finding one is an
// error, as for the C searcher; a name without a dot is left to the
// others (no message).
func (p *pkgLib) searcherCRoot(t *lunar.Thread, args []lunar.Value) (int, error) {
	name, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	dot := strings.IndexByte(name, '.')
	if dot < 0 {
		return 0, nil
	}
	return p.searchC(t, name, name[:dot])
}

// package.searchpath(name, path [, sep [, rep]])
func (p *pkgLib) searchPathFn(t *lunar.Thread, args []lunar.Value) (int, error) {
	// The reference's C compiler evaluates the four argument checks
	// last to first, so a bad later argument is reported first.
	dirsep, err := t.OptString(args, 4, "/")
	if err != nil {
		return 0, err
	}
	sep, err := t.OptString(args, 3, ".")
	if err != nil {
		return 0, err
	}
	lpath, err := t.CheckString(args, 2)
	if err != nil {
		return 0, err
	}
	name, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	found, msg := p.searchPath(name, lpath, sep, dirsep)
	if found == "" {
		t.Push(lunar.Nil)
		t.Push(lunar.String(msg))
		return 2, nil
	}
	t.Push(lunar.String(found))
	return 1, nil
}

// package.loadlib(libname, funcname): always fails, as in a reference
// interpreter built without dynamic libraries.
func pkgLoadLib(t *lunar.Thread, args []lunar.Value) (int, error) {
	if _, err := t.CheckString(args, 1); err != nil {
		return 0, err
	}
	if _, err := t.CheckString(args, 2); err != nil {
		return 0, err
	}
	t.Push(lunar.Nil)
	t.Push(lunar.String(pkgNoDynLib))
	t.Push(lunar.String("absent"))
	return 3, nil
}
