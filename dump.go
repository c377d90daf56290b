package lunar

import "github.com/lunar-lua/lunar/bytecode"

// Binary chunks: string.dump and the loading of precompiled code. The
// format and its checks are in package bytecode (Dump, Undump, Verify).

// Dump returns the binary chunk of a Lua function, as string.dump does;
// with strip, debug information is left out. Go functions cannot be
// dumped ("unable to dump given function"). The loaded function gets
// fresh upvalues (the first one set to the globals), as in the reference.
func (th *Thread) Dump(fn Value, strip bool) ([]byte, error) {
	cl := fn.asLuaClosure()
	if cl == nil {
		return nil, th.Errorf("unable to dump given function")
	}
	return bytecode.Dump(cl.proto.Proto, strip), nil
}

// Undump loads a binary chunk made by Dump as a function whose first
// upvalue (its _ENV) is the state's globals: the loader that
// State.SetUndump installs for load, loadfile and dofile. A chunk that is
// not Lunar's, or damaged, fails with the reference's message, such as
// "name: bad binary format (truncated chunk)".
func Undump(th *Thread, src []byte, chunkname string) (Value, error) {
	p, err := bytecode.Undump(src, chunkname)
	if err != nil {
		return Nil, &Error{Value: String(err.Error())}
	}
	prog := &Program{proto: newFuncProto(p)}
	return prog.closure(TableValue(th.state.globals)).value(), nil
}
