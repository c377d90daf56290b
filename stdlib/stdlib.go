package stdlib

import "github.com/lunar-lua/lunar"

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
