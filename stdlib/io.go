package stdlib

import (
	"fmt"
	"io"
	"os"
	"weak"

	"github.com/lunar-lua/lunar"
)

// ioLib is the per-state part of the io library: the metatable of file
// handles, the default input and output files, and the open files (to
// flush them when the process exits).
type ioLib struct {
	s      *lunar.State
	mt     *lunar.Table
	input  lunar.Value
	output lunar.Value
	files  []weak.Pointer[ioFile]
	pruned int // len(files) after the last pruning
}

// ioKey finds a state's ioLib (lunar.State.Data).
var ioKey = lunar.NewDataKey()

// ioFileHandle is the name of the metatable of file handles in the
// registry, and their type name in messages.
const ioFileHandle = "FILE*"

// OpenIO opens the io library (§6.8 of the manual) in s, as global io
// and package.loaded.io, with the metatable of file handles registered
// as "FILE*".
//
// io.stdout and io.stderr write straight through to the state's writers
// (s.Stdout() and s.Stderr()), unbuffered, so that their output and
// print's interleave as written; io.stdin reads the process's standard
// input. Other files are buffered like C streams; FlushFiles writes what
// they hold.
func OpenIO(s *lunar.State) {
	lib := &ioLib{s: s}
	mt, _ := s.NewMetatable(ioFileHandle)
	lib.mt = mt
	methods := lunar.NewTable(0, 8)
	for name, fn := range map[string]lunar.GoFunction{
		"close":   ioFileClose,
		"flush":   ioFileFlush,
		"lines":   ioFileLines,
		"read":    ioFileRead,
		"seek":    ioFileSeek,
		"setvbuf": ioFileSetvbuf,
		"write":   ioFileWrite,
	} {
		methods.SetStr(name, lunar.NewFunction("", fn))
	}
	mt.SetStr("__index", lunar.TableValue(methods))
	gc := lunar.NewFunction("", ioFileGC)
	mt.SetStr("__gc", gc)
	mt.SetStr("__close", gc)
	mt.SetStr("__tostring", lunar.NewFunction("", ioFileToString))

	// The functions that need the library's per-state data find it in the
	// state (lunar.State.Data), so that a state copied from a template
	// (see lunar.Libraries) uses its own.
	lt := lunar.NewTable(0, 16)
	for name, m := range map[string]func(*ioLib, *lunar.Thread, []lunar.Value) (int, error){
		"close":   (*ioLib).close,
		"flush":   (*ioLib).flush,
		"input":   (*ioLib).inputFn,
		"lines":   (*ioLib).lines,
		"open":    (*ioLib).open,
		"output":  (*ioLib).outputFn,
		"popen":   (*ioLib).popen,
		"read":    (*ioLib).read,
		"tmpfile": (*ioLib).tmpfile,
		"write":   (*ioLib).write,
	} {
		lt.SetStr(name, lunar.NewFunction("io."+name, func(t *lunar.Thread, args []lunar.Value) (int, error) {
			lib := ioGetLib(t.State())
			if lib == nil {
				return 0, t.Errorf("io library not open in this state")
			}
			return m(lib, t, args)
		}))
	}
	lt.SetStr("type", lunar.NewFunction("io.type", ioType))
	s.SetGlobal("io", lunar.TableValue(lt))
	s.Loaded().SetStr("io", lunar.TableValue(lt))
	lib.input = lunar.UserdataValue(lunar.NewUserdata(ioNewStdFile(s, ioStdin), mt))
	lib.output = lunar.UserdataValue(lunar.NewUserdata(ioNewStdFile(s, ioStdout), mt))
	lt.SetStr("stdin", lib.input)
	lt.SetStr("stdout", lib.output)
	lt.SetStr("stderr", lunar.UserdataValue(lunar.NewUserdata(ioNewStdFile(s, ioStderr), mt)))
	s.SetData(ioKey, lib)
}

// The standard files, as ioFile.std tells them apart.
const (
	ioStdin = iota + 1
	ioStdout
	ioStderr
)

// ioNewStdFile makes one of the standard files of state s.
func ioNewStdFile(s *lunar.State, which int) *ioFile {
	var f *ioFile
	switch which {
	case ioStdin:
		// The read buffer is made on first read (prepareRead).
		f = &ioFile{file: os.Stdin, kind: ioKindStd, bufSize: ioDefaultBufSize}
	case ioStdout:
		f = &ioFile{w: s.Stdout(), kind: ioKindStd, bufMode: ioBufNo}
		f.file, _ = s.Stdout().(*os.File)
	default:
		f = &ioFile{w: s.Stderr(), kind: ioKindStd, bufMode: ioBufNo}
		f.file, _ = s.Stderr().(*os.File)
	}
	f.std = which
	return f
}

// CloneFor gives a state copied from a template its own io library data
// (lunar.StateData).
func (lib *ioLib) CloneFor(c *lunar.Cloner) any {
	return &ioLib{
		s:      c.State(),
		mt:     c.Value(lunar.TableValue(lib.mt)).AsTable(),
		input:  c.Value(lib.input),
		output: c.Value(lib.output),
	}
}

// CloneFor gives a state copied from a template its own standard files;
// other files are never part of a template.
func (f *ioFile) CloneFor(c *lunar.Cloner) any {
	if f.std != 0 {
		return ioNewStdFile(c.State(), f.std)
	}
	return f
}

// ioGetLib returns the io library state of s, or nil when io is not open.
func ioGetLib(s *lunar.State) *ioLib {
	lib, _ := s.Data(ioKey).(*ioLib)
	return lib
}

// FlushFiles writes the output buffered in the open files of s's io
// library, as C's exit does for the reference interpreter. os.exit calls
// it; a host that ends the process some other way after running scripts
// that may leave files open should call it first. It returns the first
// error met.
func FlushFiles(s *lunar.State) error {
	lib := ioGetLib(s)
	if lib == nil {
		return nil
	}
	var first error
	for _, wp := range lib.files {
		if f := wp.Value(); f != nil && !f.closed {
			if err := f.flush(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// ioFlushAll is FlushFiles for os.exit.
func ioFlushAll(s *lunar.State) { FlushFiles(s) }

// newFile wraps f in a file handle, with a finalizer that closes it.
func (lib *ioLib) newFile(f *ioFile) lunar.Value {
	v := lunar.UserdataValue(lunar.NewUserdata(f, lib.mt))
	lib.s.SetFinalizer(v)
	if len(lib.files) >= 2*lib.pruned+16 {
		live := lib.files[:0]
		for _, wp := range lib.files {
			if g := wp.Value(); g != nil && !g.closed {
				live = append(live, wp)
			}
		}
		clear(lib.files[len(live):])
		lib.files = live
		lib.pruned = len(live)
	}
	lib.files = append(lib.files, weak.Make(f))
	return v
}

// ioCheckFile returns the file handle that is argument 1, which must be
// open ("attempt to use a closed file").
func ioCheckFile(t *lunar.Thread, args []lunar.Value) (*ioFile, error) {
	u, err := t.CheckUserdata(args, 1, ioFileHandle)
	if err != nil {
		return nil, err
	}
	f, ok := u.Data.(*ioFile)
	if !ok {
		return nil, t.TypeError(args, 1, ioFileHandle)
	}
	if f.closed {
		return nil, t.Errorf("attempt to use a closed file")
	}
	return f, nil
}

// ioHandle returns the ioFile of a file handle value known to be one.
func ioHandle(v lunar.Value) *ioFile { return v.AsUserdata().Data.(*ioFile) }

// defaultFile returns the default input (output false) or output file,
// which must be open.
func (lib *ioLib) defaultFile(t *lunar.Thread, output bool) (*ioFile, lunar.Value, error) {
	v, what := lib.input, "input"
	if output {
		v, what = lib.output, "output"
	}
	f := ioHandle(v)
	if f.closed {
		return nil, v, t.Errorf("default %s file is closed", what)
	}
	return f, v, nil
}

// ioClose closes f as the reference's aux_close and pushes its results.
func ioClose(t *lunar.Thread, f *ioFile) int {
	switch f.kind {
	case ioKindStd:
		t.Push(lunar.Nil)
		t.Push(lunar.String("cannot close standard file"))
		return 2
	case ioKindPipe:
		err, state := f.close()
		if err != nil && state == nil {
			return osPushError(t, err, "", false)
		}
		return osPushExecResult(t, state)
	}
	err, _ := f.close()
	return osPushResult(t, err, "", false)
}

// file:close()
func ioFileClose(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := ioCheckFile(t, args)
	if err != nil {
		return 0, err
	}
	return ioClose(t, f), nil
}

// __gc and __close: close the file unless already closed.
func ioFileGC(t *lunar.Thread, args []lunar.Value) (int, error) {
	u, err := t.CheckUserdata(args, 1, ioFileHandle)
	if err != nil {
		return 0, err
	}
	if f, ok := u.Data.(*ioFile); ok && !f.closed && f.kind != ioKindStd {
		ioClose(t, f)
	}
	return 0, nil
}

// __tostring
func ioFileToString(t *lunar.Thread, args []lunar.Value) (int, error) {
	u, err := t.CheckUserdata(args, 1, ioFileHandle)
	if err != nil {
		return 0, err
	}
	if f, ok := u.Data.(*ioFile); ok && f.closed {
		t.Push(lunar.String("file (closed)"))
	} else {
		t.Push(lunar.String(fmt.Sprintf("file (%p)", u.Data)))
	}
	return 1, nil
}

// file:flush()
func ioFileFlush(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := ioCheckFile(t, args)
	if err != nil {
		return 0, err
	}
	return osPushResult(t, f.flush(), "", false), nil
}

// file:seek([whence [, offset]])
func ioFileSeek(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := ioCheckFile(t, args)
	if err != nil {
		return 0, err
	}
	whence, err := t.CheckOption(args, 2, "cur", []string{"set", "cur", "end"})
	if err != nil {
		return 0, err
	}
	offset, err := t.OptInteger(args, 3, 0)
	if err != nil {
		return 0, err
	}
	// "set", "cur", "end" are io.SeekStart, io.SeekCurrent, io.SeekEnd.
	pos, err := f.seek(offset, whence)
	if err != nil {
		return osPushError(t, err, "", false), nil
	}
	t.Push(lunar.Int(pos))
	return 1, nil
}

// file:setvbuf(mode [, size])
func ioFileSetvbuf(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := ioCheckFile(t, args)
	if err != nil {
		return 0, err
	}
	mode, err := t.CheckOption(args, 2, "", []string{"no", "full", "line"})
	if err != nil {
		return 0, err
	}
	if _, err := t.OptInteger(args, 3, ioDefaultBufSize); err != nil {
		return 0, err
	}
	bufMode := [...]int{ioBufNo, ioBufFull, ioBufLine}[mode]
	return osPushResult(t, f.setvbuf(bufMode), "", false), nil
}

// file:write(...)
func ioFileWrite(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := ioCheckFile(t, args)
	if err != nil {
		return 0, err
	}
	return ioWrite(t, f, args[0], args, 2)
}

// ioWrite writes args from index first (1-based) to f as the
// reference's g_write and pushes its results: the file handle fv, or
// the failure triple.
func ioWrite(t *lunar.Thread, f *ioFile, fv lunar.Value, args []lunar.Value, first int) (int, error) {
	var werr error
	for k := first; k <= len(args); k++ {
		v := args[k-1]
		var err error
		switch {
		case v.IsString():
			err = f.writeString(v.AsString())
		case v.IsInt():
			err = f.writeInt(v.AsInt())
		case v.IsFloat():
			err = f.writeString(lunar.FormatG(v.AsFloat(), 14, false)) // "%.14g"
		default:
			if _, err := t.CheckString(args, k); err != nil {
				return 0, err
			}
		}
		if err != nil && werr == nil {
			werr = err
		}
	}
	if werr != nil {
		return osPushError(t, werr, "", false), nil
	}
	t.Push(fv)
	return 1, nil
}

// file:read(...)
func ioFileRead(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, err := ioCheckFile(t, args)
	if err != nil {
		return 0, err
	}
	res, err := ioRead(t, f, args, 2)
	return res.n, err
}

// ioReadResult describes what ioRead pushed.
type ioReadResult struct {
	n      int         // number of results pushed
	first  lunar.Value // the first result
	errMsg string      // the message, after a read error
}

// ioRead reads from f with the formats in args from index first (1-based)
// as the reference's g_read and pushes the results: one value per format
// up to the first that fails (which gives nil), or nil, message, errno
// after a read error.
func ioRead(t *lunar.Thread, f *ioFile, args []lunar.Value, first int) (ioReadResult, error) {
	var res ioReadResult
	readErr := f.prepareRead()
	push := func(v lunar.Value) {
		if res.n == 0 {
			res.first = v
		}
		t.Push(v)
		res.n++
	}
	if first > len(args) { // no format: read a line
		v := lunar.Nil
		if readErr == nil {
			var s string
			var ok bool
			if s, ok, readErr = f.readLine(true); ok {
				v = lunar.String(s)
			}
		}
		push(v)
	}
	for k := first; k <= len(args); k++ {
		fv := args[k-1]
		var v lunar.Value
		var ok bool
		if fv.IsNumber() {
			n, isInt := fv.ToInteger()
			if !isInt {
				return res, t.ArgError(k, "number has no integer representation")
			}
			if readErr == nil {
				var s string
				if n == 0 {
					ok, readErr = f.testEOF()
				} else {
					s, ok, readErr = f.readChars(uint64(n))
				}
				v = lunar.String(s)
			}
		} else {
			p, err := t.CheckString(args, k)
			if err != nil {
				return res, err
			}
			if len(p) > 0 && p[0] == '*' {
				p = p[1:] // for compatibility
			}
			c := byte(0)
			if p != "" {
				c = p[0]
			}
			if c != 'n' && c != 'l' && c != 'L' && c != 'a' {
				return res, t.ArgError(k, "invalid format")
			}
			if readErr == nil {
				var s string
				switch c {
				case 'n':
					v, ok, readErr = ioReadNumber(f.r)
				case 'l', 'L':
					s, ok, readErr = f.readLine(c == 'l')
					v = lunar.String(s)
				case 'a':
					s, readErr = f.readAll()
					v, ok = lunar.String(s), true
				}
			}
		}
		if !ok {
			push(lunar.Nil)
			break
		}
		push(v)
	}
	if readErr != nil {
		n := osPushError(t, readErr, "", false)
		res = ioReadResult{n: n, errMsg: ioErrorMessage(readErr)}
	}
	return res, nil
}

// ioErrorMessage is the C library's message for err.
func ioErrorMessage(err error) string {
	msg, _ := osErrorInfo(err)
	return msg
}

// file:lines(...)
func ioFileLines(t *lunar.Thread, args []lunar.Value) (int, error) {
	if _, err := ioCheckFile(t, args); err != nil {
		return 0, err
	}
	it, err := ioLinesIterator(t, args, false)
	if err != nil {
		return 0, err
	}
	t.Push(it)
	return 1, nil
}

// ioMaxLinesArgs is the most formats lines accepts (MAXARGLINE).
const ioMaxLinesArgs = 250

// ioLinesIterator returns the iterator of lines for the file handle in
// args[0] with the formats that follow it; toClose closes the file when
// the iteration ends.
func ioLinesIterator(t *lunar.Thread, args []lunar.Value, toClose bool) (lunar.Value, error) {
	if len(args)-1 > ioMaxLinesArgs {
		return lunar.Nil, t.ArgError(ioMaxLinesArgs+2, "too many arguments")
	}
	saved := make([]lunar.Value, len(args)) // the file, then the formats
	copy(saved, args)
	return lunar.NewFunction("", func(t *lunar.Thread, _ []lunar.Value) (int, error) {
		f := ioHandle(saved[0])
		if f.closed {
			return 0, t.Errorf("file is already closed")
		}
		res, err := ioRead(t, f, saved, 2)
		if err != nil {
			return 0, err
		}
		if res.first.Truthy() {
			return res.n, nil
		}
		if res.n > 1 { // a read error
			return 0, t.Errorf("%s", res.errMsg)
		}
		if toClose {
			ioClose(t, f)
		}
		return 0, nil
	}), nil
}

// io.close([file])
func (lib *ioLib) close(t *lunar.Thread, args []lunar.Value) (int, error) {
	if len(args) == 0 {
		f := ioHandle(lib.output)
		if f.closed {
			return 0, t.Errorf("attempt to use a closed file")
		}
		return ioClose(t, f), nil
	}
	return ioFileClose(t, args)
}

// io.flush()
func (lib *ioLib) flush(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, _, err := lib.defaultFile(t, true)
	if err != nil {
		return 0, err
	}
	return osPushResult(t, f.flush(), "", false), nil
}

// setDefault implements io.input and io.output.
func (lib *ioLib) setDefault(t *lunar.Thread, args []lunar.Value, output bool) (int, error) {
	cur, mode := &lib.input, "r"
	if output {
		cur, mode = &lib.output, "w"
	}
	if !lunar.IsNoneOrNil(args, 1) {
		if name, ok := args[0].ToString(); ok {
			f, err := ioOpenFile(name, mode)
			if err != nil {
				return 0, t.Errorf("cannot open file '%s' (%s)", name, ioErrorMessage(err))
			}
			*cur = lib.newFile(f)
		} else {
			if _, err := ioCheckFile(t, args); err != nil {
				return 0, err
			}
			*cur = args[0]
		}
	}
	t.Push(*cur)
	return 1, nil
}

// io.input([file])
func (lib *ioLib) inputFn(t *lunar.Thread, args []lunar.Value) (int, error) {
	return lib.setDefault(t, args, false)
}

// io.output([file])
func (lib *ioLib) outputFn(t *lunar.Thread, args []lunar.Value) (int, error) {
	return lib.setDefault(t, args, true)
}

// io.lines([filename, ...])
func (lib *ioLib) lines(t *lunar.Thread, args []lunar.Value) (int, error) {
	if lunar.IsNoneOrNil(args, 1) {
		if ioHandle(lib.input).closed {
			return 0, t.Errorf("attempt to use a closed file")
		}
		all := make([]lunar.Value, max(len(args), 1))
		copy(all, args)
		all[0] = lib.input
		it, err := ioLinesIterator(t, all, false)
		if err != nil {
			return 0, err
		}
		t.Push(it)
		return 1, nil
	}
	name, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	f, err := ioOpenFile(name, "r")
	if err != nil {
		return 0, t.Errorf("cannot open file '%s' (%s)", name, ioErrorMessage(err))
	}
	fv := lib.newFile(f)
	all := make([]lunar.Value, len(args))
	copy(all, args)
	all[0] = fv
	it, err := ioLinesIterator(t, all, true)
	if err != nil {
		return 0, err
	}
	t.Push(it)
	t.Push(lunar.Nil)
	t.Push(lunar.Nil)
	t.Push(fv) // to-be-closed variable of a generic for
	return 4, nil
}

// io.open(filename [, mode])
func (lib *ioLib) open(t *lunar.Thread, args []lunar.Value) (int, error) {
	name, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	mode, err := t.OptString(args, 2, "r")
	if err != nil {
		return 0, err
	}
	if !ioCheckMode(mode) {
		return 0, t.ArgError(2, "invalid mode")
	}
	f, err := ioOpenFile(name, mode)
	if err != nil {
		return osPushError(t, err, name, true), nil
	}
	if f.appendOnly {
		f.file.Seek(0, io.SeekEnd)
	}
	t.Push(lib.newFile(f))
	return 1, nil
}

// io.popen(prog [, mode])
func (lib *ioLib) popen(t *lunar.Thread, args []lunar.Value) (int, error) {
	prog, err := t.CheckString(args, 1)
	if err != nil {
		return 0, err
	}
	mode, err := t.OptString(args, 2, "r")
	if err != nil {
		return 0, err
	}
	if mode != "r" && mode != "w" {
		return 0, t.ArgError(2, "invalid mode")
	}
	// The reference flushes every stream before starting the command.
	FlushFiles(lib.s)
	if fl, ok := lib.s.Stdout().(interface{ Flush() error }); ok {
		fl.Flush()
	}
	f, err := ioPopen(prog, mode, lib.s.Stdout(), lib.s.Stderr())
	if err != nil {
		return osPushError(t, err, prog, true), nil
	}
	t.Push(lib.newFile(f))
	return 1, nil
}

// io.read(...)
func (lib *ioLib) read(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, _, err := lib.defaultFile(t, false)
	if err != nil {
		return 0, err
	}
	res, err := ioRead(t, f, args, 1)
	return res.n, err
}

// io.tmpfile()
func (lib *ioLib) tmpfile(t *lunar.Thread, args []lunar.Value) (int, error) {
	file, err := os.CreateTemp("", "lua_")
	if err != nil {
		return osPushError(t, err, "", false), nil
	}
	os.Remove(file.Name()) // removed when closed, as C's tmpfile
	t.Push(lib.newFile(ioNewFile(file, true, true)))
	return 1, nil
}

// io.type(obj)
func ioType(t *lunar.Thread, args []lunar.Value) (int, error) {
	if err := t.CheckAny(args, 1); err != nil {
		return 0, err
	}
	u := args[0].AsUserdata()
	f, ok := (*ioFile)(nil), false
	if u != nil && u.Metatable() != nil && u.Metatable() == t.State().Registry().GetStr(ioFileHandle).AsTable() {
		f, ok = u.Data.(*ioFile)
	}
	switch {
	case !ok:
		t.Push(lunar.Nil)
	case f.closed:
		t.Push(lunar.String("closed file"))
	default:
		t.Push(lunar.String("file"))
	}
	return 1, nil
}

// io.write(...)
func (lib *ioLib) write(t *lunar.Thread, args []lunar.Value) (int, error) {
	f, v, err := lib.defaultFile(t, true)
	if err != nil {
		return 0, err
	}
	return ioWrite(t, f, v, args, 1)
}
