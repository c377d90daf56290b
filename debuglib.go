package lunar

import (
	"os"
	"unsafe"
)

// The debug library (§6.10). It lives in package lunar because it reads
// frames, locals and upvalues directly.

// OpenDebug opens the debug library in s.
func OpenDebug(s *State) {
	d := NewTable(0, 16)
	reg := func(name string, fn GoFunction) { d.SetStr(name, NewFunction("debug."+name, fn)) }
	reg("traceback", dbTraceback)
	reg("getinfo", dbGetInfo)
	reg("getlocal", dbGetLocal)
	reg("setlocal", dbSetLocal)
	reg("getupvalue", dbGetUpvalue)
	reg("setupvalue", dbSetUpvalue)
	reg("upvalueid", dbUpvalueID)
	reg("upvaluejoin", dbUpvalueJoin)
	reg("sethook", dbSetHook)
	reg("gethook", dbGetHook)
	reg("getmetatable", dbGetMetatable)
	reg("setmetatable", dbSetMetatable)
	reg("getregistry", dbGetRegistry)
	reg("getuservalue", dbGetUserValue)
	reg("setuservalue", dbSetUserValue)
	reg("debug", dbDebug)
	s.globals.SetStr("debug", TableValue(d))
	s.Loaded().SetStr("debug", TableValue(d))
}

// dbDebug is debug.debug: it runs each line read from the standard input
// until a line "cont" (or end of file), prompting with "lua_debug> " and
// reporting errors on the state's stderr, as the reference's db_debug does.
func dbDebug(t *Thread, args []Value) (int, error) {
	w := t.state.stderr
	for {
		w.Write([]byte("lua_debug> "))
		line, ok := readStdinLine()
		if !ok || line == "cont\n" {
			return 0, nil
		}
		fn, err := t.Load([]byte(line), "=(debug command)", Nil, false)
		if err == nil {
			_, err = t.PCall(fn)
		}
		if err != nil {
			if isUncatchable(err) {
				return 0, err
			}
			msg, merr := t.ToStringMeta(errorValue(err))
			if merr != nil {
				msg = merr.Error()
			}
			w.Write([]byte(msg + "\n"))
		}
	}
}

// readStdinLine reads one line (with its newline) from the process's
// standard input a byte at a time, so that no input past the line is
// consumed: what follows stays for the program or the interpreter.
func readStdinLine() (string, bool) {
	var line []byte
	var b [1]byte
	for {
		n, err := os.Stdin.Read(b[:])
		if n == 1 {
			line = append(line, b[0])
			if b[0] == '\n' {
				return string(line), true
			}
			continue
		}
		if err != nil {
			return string(line), len(line) > 0
		}
	}
}

// threadArg handles the optional thread first argument of debug functions.
func threadArg(t *Thread, args []Value) (*Thread, []Value, int) {
	if co := Arg(args, 1).AsThread(); co != nil {
		return co, args[1:], 1
	}
	return t, args, 0
}

func dbTraceback(t *Thread, args []Value) (int, error) {
	th, rest, _ := threadArg(t, args)
	msg := Arg(rest, 1)
	if !msg.IsNil() && !msg.IsString() && !msg.IsNumber() {
		t.Push(msg)
		return 1, nil
	}
	level := int64(1)
	if th != t {
		level = 0
	}
	if !IsNoneOrNil(rest, 2) {
		l, ok := rest[1].ToInteger()
		if !ok {
			return 0, t.TypeError(args, len(args)-len(rest)+2, "number")
		}
		level = l
	}
	s, _ := msg.ToString()
	t.Push(String(th.Traceback(s, int(level))))
	return 1, nil
}

func dbGetInfo(t *Thread, args []Value) (int, error) {
	th, rest, off := threadArg(t, args)
	what, err := t.OptString(rest, 2, "flnSrtu")
	if err != nil {
		return 0, err
	}
	target := Arg(rest, 1)
	info := NewTable(0, 16)
	var f *callFrame
	var fn Value
	level := -1
	if target.IsFunction() {
		fn = target
	} else {
		l, ok := target.ToInteger()
		if !ok {
			return 0, t.TypeError(args, off+1, "number")
		}
		f = th.frameAt(int(l))
		if f == nil {
			// Any level out of range, negative ones included, gives
			// nil (lua_getstack fails).
			t.Push(Nil)
			return 1, nil
		}
		level = int(l)
		if f.cl != nil {
			fn = f.cl.value()
		} else {
			fn = objectValue(unsafe.Pointer(f.gf), tagGoFunction)
		}
	}
	cl := fn.asLuaClosure()
	for _, c := range what {
		switch c {
		case 'S':
			if cl != nil {
				p := cl.proto
				info.SetStr("source", String(p.Source))
				info.SetStr("short_src", String(chunkID(p.Source)))
				info.SetStr("linedefined", Int(int64(p.LineDefined)))
				info.SetStr("lastlinedefined", Int(int64(p.LastLineDefined)))
				if p.LineDefined == 0 {
					info.SetStr("what", String("main"))
				} else {
					info.SetStr("what", String("Lua"))
				}
			} else {
				info.SetStr("source", String("=[C]"))
				info.SetStr("short_src", String("[C]"))
				info.SetStr("linedefined", Int(-1))
				info.SetStr("lastlinedefined", Int(-1))
				info.SetStr("what", String("C"))
			}
		case 'l':
			line := int64(-1)
			if f != nil && f.cl != nil {
				line = int64(f.currentLine())
			}
			info.SetStr("currentline", Int(line))
		case 'u':
			if cl != nil {
				info.SetStr("nups", Int(int64(len(cl.upvals))))
				info.SetStr("nparams", Int(int64(cl.proto.NumParams)))
				info.SetStr("isvararg", Bool(cl.proto.IsVararg))
			} else {
				info.SetStr("nups", Int(0))
				info.SetStr("nparams", Int(0))
				info.SetStr("isvararg", True)
			}
		case 'n':
			if level >= 0 {
				kind, name := th.funcNameFromCall(level)
				if kind != "" {
					if kind == "for iterator" {
						kind = "for iterator"
					}
					info.SetStr("name", String(name))
					info.SetStr("namewhat", String(kind))
				} else {
					info.SetStr("namewhat", String(""))
				}
			} else {
				info.SetStr("namewhat", String(""))
			}
		case 't':
			info.SetStr("istailcall", Bool(f != nil && f.tail))
		case 'r':
			ft, nt := 0, 0
			if f != nil {
				ft, nt = th.transferOf(f)
			}
			info.SetStr("ftransfer", Int(int64(ft)))
			info.SetStr("ntransfer", Int(int64(nt)))
		case 'L':
			if cl != nil {
				lines := NewTable(0, len(cl.proto.LineInfo))
				for i, l := range cl.proto.LineInfo {
					if i == 0 && cl.proto.IsVararg {
						continue
					}
					lines.SetInt(int64(l), True)
				}
				info.SetStr("activelines", TableValue(lines))
			}
		case 'f':
			info.SetStr("func", fn)
		default:
			return 0, t.ArgError(off+2, "invalid option '"+string(c)+"'")
		}
	}
	t.Push(TableValue(info))
	return 1, nil
}

// localSlot finds local n of the frame at level: its name and stack
// index. Unnamed slots below the next frame (or the top) are temporaries.
func (th *Thread) localSlot(level, n int) (string, int) {
	f := th.frameAt(level)
	limit := th.top
	if next := th.frameAt(level - 1); next != nil {
		limit = next.fn
	}
	if f.cl == nil {
		if n > 0 && f.base+n-1 < limit {
			return "(C temporary)", f.base + n - 1
		}
		return "", -1
	}
	if n < 0 {
		// Varargs.
		if -n <= f.nextra {
			return "(vararg)", f.fn - f.nextra + (-n - 1)
		}
		return "", -1
	}
	// A frame whose call hook runs has not started (pc 0): its
	// parameters are active already, as the reference's hook sees them.
	if name := localName(f.cl.proto, n, max(f.pc-1, 0)); name != "" {
		return name, f.base + n - 1
	}
	if n > 0 && f.base+n-1 < limit {
		return "(temporary)", f.base + n - 1
	}
	return "", -1
}

func dbGetLocal(t *Thread, args []Value) (int, error) {
	th, rest, off := threadArg(t, args)
	n, err := t.CheckInteger(rest, 2)
	if err != nil {
		return 0, err
	}
	if fv := Arg(rest, 1); fv.IsFunction() {
		// Parameter names of a function.
		if cl := fv.asLuaClosure(); cl != nil {
			if name := localName(cl.proto, int(n), 0); name != "" {
				t.Push(String(name))
				return 1, nil
			}
		}
		t.Push(Nil)
		return 1, nil
	}
	level, err := t.CheckInteger(rest, 1)
	if err != nil {
		return 0, err
	}
	f := th.frameAt(int(level))
	if f == nil {
		return 0, t.ArgError(off+1, "level out of range")
	}
	name, idx := th.localSlot(int(level), int(n))
	if idx < 0 {
		t.Push(Nil)
		return 1, nil
	}
	t.Push(String(name))
	t.Push(th.stack[idx])
	return 2, nil
}

func dbSetLocal(t *Thread, args []Value) (int, error) {
	th, rest, off := threadArg(t, args)
	level, err := t.CheckInteger(rest, 1)
	if err != nil {
		return 0, err
	}
	n, err := t.CheckInteger(rest, 2)
	if err != nil {
		return 0, err
	}
	if err := t.CheckAny(rest, 3); err != nil {
		return 0, err
	}
	f := th.frameAt(int(level))
	if f == nil {
		return 0, t.ArgError(off+1, "level out of range")
	}
	name, idx := th.localSlot(int(level), int(n))
	if idx < 0 {
		t.Push(Nil)
		return 1, nil
	}
	th.stack[idx] = rest[2]
	t.Push(String(name))
	return 1, nil
}

func upvalueAt(fn Value, n int64) (*luaClosure, int, string) {
	cl := fn.asLuaClosure()
	if cl == nil || n < 1 || n > int64(len(cl.upvals)) {
		return nil, -1, ""
	}
	name := cl.proto.Upvalues[n-1].Name
	if name == "" {
		name = "(no name)"
	}
	return cl, int(n - 1), name
}

func dbGetUpvalue(t *Thread, args []Value) (int, error) {
	fn, err := t.CheckFunction(args, 1)
	if err != nil {
		return 0, err
	}
	n, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	cl, i, name := upvalueAt(fn, n)
	if cl == nil {
		return 0, nil
	}
	t.Push(String(name))
	t.Push(cl.upvals[i].get())
	return 2, nil
}

func dbSetUpvalue(t *Thread, args []Value) (int, error) {
	fn, err := t.CheckFunction(args, 1)
	if err != nil {
		return 0, err
	}
	n, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	if err := t.CheckAny(args, 3); err != nil {
		return 0, err
	}
	cl, i, name := upvalueAt(fn, n)
	if cl == nil {
		return 0, nil
	}
	cl.upvals[i].set(args[2])
	t.Push(String(name))
	return 1, nil
}

func dbUpvalueID(t *Thread, args []Value) (int, error) {
	fn, err := t.CheckFunction(args, 1)
	if err != nil {
		return 0, err
	}
	n, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	cl, i, _ := upvalueAt(fn, n)
	if cl == nil {
		t.Push(Nil)
		return 1, nil
	}
	t.Push(LightUserdata(unsafe.Pointer(cl.upvals[i])))
	return 1, nil
}

func dbUpvalueJoin(t *Thread, args []Value) (int, error) {
	f1, err := t.CheckFunction(args, 1)
	if err != nil {
		return 0, err
	}
	n1, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	f2, err := t.CheckFunction(args, 3)
	if err != nil {
		return 0, err
	}
	n2, err := t.CheckInteger(args, 4)
	if err != nil {
		return 0, err
	}
	c1, i1, _ := upvalueAt(f1, n1)
	if c1 == nil {
		return 0, t.ArgError(2, "invalid upvalue index")
	}
	c2, i2, _ := upvalueAt(f2, n2)
	if c2 == nil {
		return 0, t.ArgError(4, "invalid upvalue index")
	}
	c1.upvals[i1] = c2.upvals[i2]
	return 0, nil
}

func dbSetHook(t *Thread, args []Value) (int, error) {
	th, rest, _ := threadArg(t, args)
	fn := Arg(rest, 1)
	if fn.IsNil() {
		th.SetHook(Nil, "", 0)
		return 0, nil
	}
	mask, err := t.CheckString(rest, 2)
	if err != nil {
		return 0, err
	}
	count, err := t.OptInteger(rest, 3, 0)
	if err != nil {
		return 0, err
	}
	th.SetHook(fn, mask, int(count))
	return 0, nil
}

func dbGetHook(t *Thread, args []Value) (int, error) {
	th, _, _ := threadArg(t, args)
	fn, mask, count := th.Hook()
	if th.hook == nil {
		t.Push(Nil)
		return 1, nil
	}
	t.Push(fn)
	t.Push(String(mask))
	t.Push(Int(int64(count)))
	return 3, nil
}

func dbGetMetatable(t *Thread, args []Value) (int, error) {
	if err := t.CheckAny(args, 1); err != nil {
		return 0, err
	}
	t.Push(TableValue(t.state.metatable(args[0])))
	return 1, nil
}

func dbSetMetatable(t *Thread, args []Value) (int, error) {
	mv := Arg(args, 2)
	if !mv.IsNil() && !mv.IsTable() {
		return 0, t.TypeError(args, 2, "nil or table")
	}
	v := Arg(args, 1)
	mt := mv.AsTable()
	switch {
	case v.IsTable():
		v.AsTable().SetMetatable(mt)
	case v.AsUserdata() != nil:
		v.AsUserdata().meta = mt
	default:
		t.state.typeMeta[v.Type()] = mt
	}
	t.Push(v)
	return 1, nil
}

func dbGetRegistry(t *Thread, args []Value) (int, error) {
	t.Push(TableValue(t.state.registry))
	return 1, nil
}

func dbGetUserValue(t *Thread, args []Value) (int, error) {
	u := Arg(args, 1).AsUserdata()
	n, err := t.OptInteger(args, 2, 1)
	if err != nil {
		return 0, err
	}
	if u == nil || n != 1 {
		t.Push(Nil) // only fail, as the reference returns
		return 1, nil
	}
	t.Push(u.User)
	t.Push(True)
	return 2, nil
}

func dbSetUserValue(t *Thread, args []Value) (int, error) {
	u := Arg(args, 1).AsUserdata()
	if u == nil {
		return 0, t.TypeError(args, 1, "userdata")
	}
	if err := t.CheckAny(args, 2); err != nil {
		return 0, err
	}
	n, err := t.OptInteger(args, 3, 1)
	if err != nil {
		return 0, err
	}
	if n != 1 {
		t.Push(Nil)
		return 1, nil
	}
	u.User = args[1]
	t.Push(args[0])
	return 1, nil
}
