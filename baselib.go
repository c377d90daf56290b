package lunar

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"runtime"
	"strings"
)

// The base library (§6.1). It lives in package lunar because pcall, error,
// load and the metatable functions need the VM's internals.

func openBase(s *State) {
	g := s.globals
	reg := func(name string, fn GoFunction) { g.SetStr(name, NewFunction(name, fn)) }
	g.SetStr("_G", TableValue(g))
	g.SetStr("_VERSION", String("Lua 5.4"))
	reg("assert", baseAssert)
	reg("collectgarbage", baseCollectGarbage)
	reg("dofile", baseDoFile)
	reg("error", baseError)
	reg("getmetatable", baseGetMetatable)
	reg("ipairs", baseIPairs)
	reg("load", baseLoad)
	reg("loadfile", baseLoadFile)
	// pairs returns this same function, as the reference's pairs returns
	// next: they compare equal and a traceback names it 'next'.
	g.SetStr("next", nextFunction)
	reg("pairs", basePairs)
	reg("pcall", basePCall)
	reg("print", basePrint)
	reg("rawequal", baseRawEqual)
	reg("rawget", baseRawGet)
	reg("rawlen", baseRawLen)
	reg("rawset", baseRawSet)
	reg("select", baseSelect)
	reg("setmetatable", baseSetMetatable)
	reg("tonumber", baseToNumber)
	reg("tostring", baseToString)
	reg("type", baseType)
	reg("warn", baseWarn)
	reg("xpcall", baseXPCall)
	g.GetStr("pcall").asGoFunction().yieldable = true
	g.GetStr("xpcall").asGoFunction().yieldable = true
	g.GetStr("dofile").asGoFunction().yieldable = true
	// __pairs may yield: the reference calls it with lua_callk.
	g.GetStr("pairs").asGoFunction().yieldable = true
	s.Loaded().SetStr("_G", TableValue(g))
}

var ipairsIter = NewFunction("ipairs_iterator", func(t *Thread, args []Value) (int, error) {
	i, _ := Arg(args, 2).ToInteger()
	i++
	obj := Arg(args, 1)
	var v Value
	if tb := obj.AsTable(); tb != nil && tb.meta == nil {
		v = tb.GetInt(i)
	} else {
		var err error
		v, err = t.index(obj, Int(i))
		if err != nil {
			return 0, err
		}
	}
	if v.IsNil() {
		t.Push(Nil)
		return 1, nil
	}
	t.Push(Int(i))
	t.Push(v)
	return 2, nil
})

var nextFunction = NewFunction("next", baseNext)

func baseAssert(t *Thread, args []Value) (int, error) {
	if len(args) == 0 {
		return 0, t.ArgError(1, "value expected")
	}
	if args[0].Truthy() {
		return len(args), nil // the arguments are the top values
	}
	if len(args) < 2 {
		return 0, t.Errorf("assertion failed!")
	}
	// The reference's assert ends in error's code: a string message gets
	// the position of assert's caller, as error(msg) would.
	return baseError(t, args[1:2])
}

func baseError(t *Thread, args []Value) (int, error) {
	v := Arg(args, 1)
	level, err := t.OptInteger(args, 2, 1)
	if err != nil {
		return 0, err
	}
	if v.IsString() && level > 0 {
		v = String(t.where(int(level)) + v.AsString())
	}
	return 0, NewError(v)
}

func baseGetMetatable(t *Thread, args []Value) (int, error) {
	if err := t.CheckAny(args, 1); err != nil {
		return 0, err
	}
	mt := t.state.metatable(args[0])
	if mt == nil {
		t.Push(Nil)
		return 1, nil
	}
	if p := mt.GetStr("__metatable"); !p.IsNil() {
		t.Push(p)
		return 1, nil
	}
	t.Push(TableValue(mt))
	return 1, nil
}

func baseSetMetatable(t *Thread, args []Value) (int, error) {
	tb, err := t.CheckTable(args, 1)
	if err != nil {
		return 0, err
	}
	mv := Arg(args, 2)
	if !mv.IsNil() && !mv.IsTable() || len(args) < 2 {
		return 0, t.TypeError(args, 2, "nil or table")
	}
	if tb.meta != nil && !tb.meta.GetStr("__metatable").IsNil() {
		return 0, t.Errorf("cannot change a protected metatable")
	}
	tb.SetMetatable(mv.AsTable())
	if tb.weak != 0 {
		t.state.trackWeak(tb)
	}
	if tb.meta != nil && !tb.meta.GetStr("__gc").IsNil() {
		t.state.registerFinalizer(TableValue(tb))
	}
	t.Push(args[0])
	return 1, nil
}

func baseIPairs(t *Thread, args []Value) (int, error) {
	if err := t.CheckAny(args, 1); err != nil {
		return 0, err
	}
	t.Push(ipairsIter)
	t.Push(args[0])
	t.Push(Int(0))
	return 3, nil
}

func basePairs(t *Thread, args []Value) (int, error) {
	if err := t.CheckAny(args, 1); err != nil {
		return 0, err
	}
	if h := t.MetaField(args[0], "__pairs"); !h.IsNil() {
		return t.CallPush(h, 3, args[0])
	}
	t.Push(nextFunction)
	t.Push(args[0])
	t.Push(Nil)
	return 3, nil
}

func baseNext(t *Thread, args []Value) (int, error) {
	tb, err := t.CheckTable(args, 1)
	if err != nil {
		return 0, err
	}
	k, v, ok, err := tb.Next(Arg(args, 2))
	if err != nil {
		return 0, NewError(String(err.Error())) // no position, as the reference
	}
	if !ok {
		t.Push(Nil)
		return 1, nil
	}
	t.Push(k)
	t.Push(v)
	return 2, nil
}

func basePCall(t *Thread, args []Value) (int, error) {
	if err := t.CheckAny(args, 1); err != nil {
		return 0, err
	}
	return t.pcallResults(t.frameAt(0).base, Nil)
}

// pcallResults calls the function at stack index fn (the first argument
// of pcall or xpcall) with the values above it, protected, and leaves
// pcall's results: true and the function's results, or false and the
// error value.
func (t *Thread) pcallResults(fn int, handler Value) (int, error) {
	if err := t.protectedCall(fn, -1, handler); err != nil {
		if isUncatchable(err) {
			return 0, err
		}
		t.top = fn
		t.Push(False)
		t.Push(errorValue(err))
		return 2, nil
	}
	// Results are at fn..top; put true just below them, in the slot of
	// pcall itself.
	t.stack[fn-1] = True
	return t.top - fn + 1, nil
}

func baseXPCall(t *Thread, args []Value) (int, error) {
	if len(args) < 2 || !args[1].IsFunction() {
		return 0, t.TypeError(args, 2, "function")
	}
	f := t.frameAt(0)
	fn := f.base
	handler := args[1]
	// Remove the handler from between the function and its arguments.
	copy(t.stack[fn+1:t.top-1], t.stack[fn+2:t.top])
	t.top--
	return t.pcallResults(fn, handler)
}

func basePrint(t *Thread, args []Value) (int, error) {
	var sb strings.Builder
	for i, v := range args {
		if i > 0 {
			sb.WriteByte('\t')
		}
		if v.IsString() && t.state.typeMeta[TypeString] == nil {
			sb.WriteString(v.AsString())
			continue
		}
		s, err := t.ToStringMeta(v)
		if err != nil {
			return 0, err
		}
		sb.WriteString(s)
	}
	sb.WriteByte('\n')
	io.WriteString(t.state.stdout, sb.String())
	// The reference's print ends with fflush(stdout) (lua_writeline), so
	// that a reader at the other end of a pipe gets each line at once; a
	// host's buffered stdout says it can be flushed with a Flush method.
	if f, ok := t.state.stdout.(interface{ Flush() error }); ok {
		f.Flush()
	}
	return 0, nil
}

func baseRawEqual(t *Thread, args []Value) (int, error) {
	if len(args) < 2 {
		return 0, t.ArgError(len(args)+1, "value expected")
	}
	t.Push(Bool(RawEqual(args[0], args[1])))
	return 1, nil
}

func baseRawLen(t *Thread, args []Value) (int, error) {
	v := Arg(args, 1)
	if tb := v.AsTable(); tb != nil {
		t.Push(Int(tb.Length()))
		return 1, nil
	}
	if v.IsString() {
		t.Push(Int(int64(v.strLen())))
		return 1, nil
	}
	return 0, t.TypeError(args, 1, "table or string")
}

func baseRawGet(t *Thread, args []Value) (int, error) {
	tb, err := t.CheckTable(args, 1)
	if err != nil {
		return 0, err
	}
	if err := t.CheckAny(args, 2); err != nil {
		return 0, err
	}
	t.Push(tb.Get(args[1]))
	return 1, nil
}

func baseRawSet(t *Thread, args []Value) (int, error) {
	tb, err := t.CheckTable(args, 1)
	if err != nil {
		return 0, err
	}
	if err := t.CheckAny(args, 2); err != nil {
		return 0, err
	}
	if err := t.CheckAny(args, 3); err != nil {
		return 0, err
	}
	if err := tb.Set(args[1], args[2]); err != nil {
		return 0, NewError(String(err.Error())) // no position, as the reference
	}
	t.Push(args[0])
	return 1, nil
}

func baseSelect(t *Thread, args []Value) (int, error) {
	n := len(args)
	if v := Arg(args, 1); v.IsString() && v.AsString() == "#" {
		t.Push(Int(int64(n - 1)))
		return 1, nil
	}
	i, err := t.CheckInteger(args, 1)
	if err != nil {
		return 0, err
	}
	if i < 0 {
		i = int64(n) + i
	} else if i > int64(n) {
		i = int64(n)
	}
	if i < 1 {
		return 0, t.ArgError(1, "index out of range")
	}
	// The selected arguments are the top values of the stack.
	return n - int(i), nil
}

func baseToNumber(t *Thread, args []Value) (int, error) {
	if IsNoneOrNil(args, 2) {
		if err := t.CheckAny(args, 1); err != nil {
			return 0, err
		}
		v := args[0]
		if v.IsNumber() {
			t.Push(v)
			return 1, nil
		}
		if v.IsString() {
			if n, ok := StringToNumber(v.AsString()); ok {
				t.Push(n)
				return 1, nil
			}
		}
		t.Push(Nil)
		return 1, nil
	}
	base, err := t.CheckInteger(args, 2)
	if err != nil {
		return 0, err
	}
	v := Arg(args, 1)
	if !v.IsString() {
		return 0, t.TypeError(args, 1, "string")
	}
	if base < 2 || base > 36 {
		return 0, t.ArgError(2, "base out of range")
	}
	s := strings.TrimFunc(v.AsString(), isLuaSpace)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg = true
		s = s[1:]
	} else if strings.HasPrefix(s, "+") { // an explicit plus sign is allowed too
		s = s[1:]
	}
	if s == "" {
		t.Push(Nil)
		return 1, nil
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d int64
		switch {
		case c >= '0' && c <= '9':
			d = int64(c - '0')
		case c >= 'a' && c <= 'z':
			d = int64(c-'a') + 10
		case c >= 'A' && c <= 'Z':
			d = int64(c-'A') + 10
		default:
			t.Push(Nil)
			return 1, nil
		}
		if d >= base {
			t.Push(Nil)
			return 1, nil
		}
		n = n*base + d
	}
	if neg {
		n = -n
	}
	t.Push(Int(n))
	return 1, nil
}

func baseToString(t *Thread, args []Value) (int, error) {
	if err := t.CheckAny(args, 1); err != nil {
		return 0, err
	}
	s, err := t.ToStringMeta(args[0])
	if err != nil {
		return 0, err
	}
	t.Push(String(s))
	return 1, nil
}

func baseType(t *Thread, args []Value) (int, error) {
	if len(args) == 0 {
		return 0, t.ArgError(1, "value expected")
	}
	t.Push(String(args[0].TypeName()))
	return 1, nil
}

func baseWarn(t *Thread, args []Value) (int, error) {
	if len(args) == 0 {
		return 0, t.TypeError(args, 1, "string")
	}
	var sb strings.Builder
	for i := range args {
		s, err := t.CheckString(args, i+1)
		if err != nil {
			return 0, err
		}
		sb.WriteString(s)
	}
	msg := sb.String()
	s := t.state
	if len(args) == 1 && !s.warnCont && strings.HasPrefix(msg, "@") {
		switch msg {
		case "@on":
			s.warnOn = true
		case "@off":
			s.warnOn = false
		}
		return 0, nil
	}
	if s.warnOn {
		io.WriteString(s.stderr, "Lua warning: "+msg+"\n")
	}
	return 0, nil
}

func baseCollectGarbage(t *Thread, args []Value) (int, error) {
	opts := []string{"collect", "stop", "restart", "count", "step", "setpause", "setstepmul", "isrunning", "generational", "incremental"}
	o, err := t.CheckOption(args, 1, "collect", opts)
	if err != nil {
		return 0, err
	}
	// The numeric arguments are checked before anything else, as the
	// reference's luaL_optinteger calls come before lua_gc.
	var nums [3]int64
	nargs := 0
	switch opts[o] {
	case "step", "setpause", "setstepmul":
		nargs = 1
	case "generational":
		nargs = 2
	case "incremental":
		nargs = 3
	}
	for i := range nargs {
		if nums[i], err = t.OptInteger(args, i+2, 0); err != nil {
			return 0, err
		}
	}
	if t.state.inFinalizer > 0 {
		// Every option fails inside a finalizer: the reference's lua_gc
		// returns -1 while the collector is stopped to run one.
		t.Push(Nil)
		return 1, nil
	}
	s := t.state
	switch opts[o] {
	case "collect":
		if err := t.state.collect(t); err != nil {
			return 0, err
		}
		t.Push(Int(0))
	case "count":
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Push(Float(float64(ms.HeapAlloc) / 1024))
	case "step":
		// A step finishes a whole cycle here: Go's collector cannot be
		// driven a step at a time. In generational mode the reference's
		// collector never stops at the end of a cycle, so a step never
		// reports one.
		if err := t.state.collect(t); err != nil {
			return 0, err
		}
		t.Push(Bool(!s.gcGenerational))
	case "isrunning":
		t.Push(Bool(!t.state.gcStopped))
	case "stop", "restart":
		// Go's collector is shared by the whole process: a script only
		// records its wish, as collectgarbage("isrunning") reports.
		t.state.gcStopped = opts[o] == "stop"
		t.Push(Int(0))
	case "setpause":
		t.Push(Int(s.gcPause.get()))
		s.gcPause.set(nums[0])
	case "setstepmul":
		t.Push(Int(s.gcStepMul.get()))
		s.gcStepMul.set(nums[0])
	case "generational", "incremental":
		prev := "incremental"
		if s.gcGenerational {
			prev = "generational"
		}
		s.gcGenerational = opts[o] == "generational"
		if opts[o] == "incremental" {
			// A zero keeps the current value.
			if nums[0] != 0 {
				s.gcPause.set(nums[0])
			}
			if nums[1] != 0 {
				s.gcStepMul.set(nums[1])
			}
		}
		t.Push(String(prev))
	default:
		t.Push(Int(0))
	}
	return 1, nil
}

// Load compiles a chunk from source text and returns it as a function with
// env as its _ENV (the globals when env is nil and setEnv is false).
func (th *Thread) Load(src []byte, chunkname string, env Value, setEnv bool) (Value, error) {
	p, err := compileChunk(chunkname, src, 0)
	if err != nil {
		return Nil, err
	}
	if !setEnv {
		env = TableValue(th.state.globals)
	}
	return p.closure(env).value(), nil
}

func baseLoad(t *Thread, args []Value) (int, error) {
	chunk := Arg(args, 1)
	var src []byte
	var chunkname string
	if s, ok := chunk.ToString(); ok {
		src = []byte(s)
		chunkname = s
	} else if chunk.IsFunction() {
		chunkname = "=(load)"
		var buf []byte
		for {
			// The reader runs protected: its error becomes load's
			// message, so its frames must be unwound here.
			res, err := t.PCall(chunk)
			if err != nil {
				if isUncatchable(err) {
					return 0, err
				}
				t.Push(Nil)
				t.Push(errorValue(err))
				return 2, nil
			}
			piece := Nil
			if len(res) > 0 {
				piece = res[0]
			}
			if piece.IsNil() || (piece.IsString() && piece.strLen() == 0) {
				break
			}
			if !piece.IsString() {
				t.Push(Nil)
				t.Push(String("reader function must return a string"))
				return 2, nil
			}
			buf = append(buf, piece.AsString()...)
		}
		src = buf
	} else {
		return 0, t.TypeError(args, 1, "function")
	}
	if !IsNoneOrNil(args, 2) {
		name, err := t.CheckString(args, 2)
		if err != nil {
			return 0, err
		}
		chunkname = name
	}
	mode, err := t.OptString(args, 3, "bt")
	if err != nil {
		return 0, err
	}
	isBinary := len(src) > 0 && src[0] == 0x1b
	if isBinary && !strings.Contains(mode, "b") {
		t.Push(Nil)
		t.Push(String("attempt to load a binary chunk (mode is '" + mode + "')"))
		return 2, nil
	}
	if !isBinary && !strings.Contains(mode, "t") {
		t.Push(Nil)
		t.Push(String("attempt to load a text chunk (mode is '" + mode + "')"))
		return 2, nil
	}
	var fn Value
	if isBinary {
		fn, err = t.loadBinary(src, chunkname)
	} else {
		fn, err = t.Load(src, chunkname, Arg(args, 4), len(args) >= 4)
	}
	if err != nil {
		t.Push(Nil)
		t.Push(String(loadErrorMessage(err)))
		return 2, nil
	}
	if len(args) >= 4 && isBinary {
		if cl := fn.asLuaClosure(); cl != nil && len(cl.upvals) > 0 {
			cl.upvals[0].closed = args[3]
		}
	}
	t.Push(fn)
	return 1, nil
}

// loadErrorMessage returns the message of a compile error: the first
// syntax error, exactly as the reference reports it.
func loadErrorMessage(err error) string {
	type first interface{ First() error }
	if f, ok := err.(first); ok && f.First() != nil {
		return f.First().Error()
	}
	return err.Error()
}

// loadBinary loads a precompiled chunk (string.dump).
func (th *Thread) loadBinary(src []byte, chunkname string) (Value, error) {
	if th.state.undump == nil {
		return Nil, &Error{Value: String(chunkID(chunkname) + ": bad binary format (binary chunks not supported)")}
	}
	return th.state.undump(th, src, chunkname)
}

func readSource(filename string) ([]byte, string, error) {
	if filename == "" {
		data, err := io.ReadAll(bufio.NewReader(os.Stdin))
		return data, "=stdin", err
	}
	data, err := os.ReadFile(filename)
	return data, "@" + filename, err
}

// skipShebang drops what luaL_loadfile skips before a chunk: a UTF-8 byte
// order mark, then a first line starting with '#' (kept as an empty line
// so line numbers stay right, unless a binary chunk follows it).
func skipShebang(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if len(data) > 0 && data[0] == '#' {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return nil
		}
		if i+1 < len(data) && data[i+1] == 0x1b {
			return data[i+1:] // a binary chunk after the line
		}
		return data[i:]
	}
	return data
}

func (th *Thread) loadFile(filename string, mode string, env Value, setEnv bool) (Value, error) {
	data, chunkname, err := readSource(filename)
	if err != nil {
		name := filename
		if name == "" {
			name = "stdin"
		}
		msg, _ := ErrnoMessage(err)
		return Nil, &Error{Value: String("cannot open " + name + ": " + msg)}
	}
	data = skipShebang(data)
	if len(data) > 0 && data[0] == 0x1b {
		if !strings.Contains(mode, "b") {
			return Nil, &Error{Value: String("attempt to load a binary chunk (mode is '" + mode + "')")}
		}
		return th.loadBinary(data, chunkname)
	}
	if !strings.Contains(mode, "t") {
		return Nil, &Error{Value: String("attempt to load a text chunk (mode is '" + mode + "')")}
	}
	fn, err := th.Load(data, chunkname, env, setEnv)
	if err != nil {
		return Nil, &Error{Value: String(loadErrorMessage(err))}
	}
	return fn, nil
}

func baseLoadFile(t *Thread, args []Value) (int, error) {
	name, err := t.OptString(args, 1, "")
	if err != nil {
		return 0, err
	}
	mode, err := t.OptString(args, 2, "bt")
	if err != nil {
		return 0, err
	}
	fn, err := t.loadFile(name, mode, Arg(args, 3), len(args) >= 3)
	if err != nil {
		t.Push(Nil)
		t.Push(errorValue(err))
		return 2, nil
	}
	t.Push(fn)
	return 1, nil
}

func baseDoFile(t *Thread, args []Value) (int, error) {
	name, err := t.OptString(args, 1, "")
	if err != nil {
		return 0, err
	}
	fn, err := t.loadFile(name, "bt", Nil, false)
	if err != nil {
		return 0, err
	}
	return t.CallPush(fn, -1)
}
