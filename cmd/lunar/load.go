package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/lunar-lua/lunar"
)

// binarySignature starts every precompiled chunk (LUA_SIGNATURE).
const binarySignature = "\x1bLua"

// loadError is a chunk that could not be loaded: an unreadable file or a
// syntax error. Its message is reported without a traceback.
type loadError struct{ msg string }

func (e *loadError) Error() string { return e.msg }

// readChunk reads a script as luaL_loadfile does: name "" is stdin. The
// result has a first line starting with '#' (a shebang) replaced by an
// empty line, so that line numbers stay right.
func (it *interp) readChunk(name string) (src []byte, chunkname string, err error) {
	shown := name
	var r io.Reader
	if name == "" {
		shown, chunkname = "stdin", "=stdin"
		r = it.stdin
	} else {
		chunkname = "@" + name
		f, err := os.Open(name)
		if err != nil {
			return nil, "", &loadError{"cannot open " + shown + systemError(err)}
		}
		defer f.Close()
		r = f
	}
	src, err = io.ReadAll(r)
	if err != nil {
		return nil, "", &loadError{"cannot read " + shown + systemError(err)}
	}
	return skipComment(src), chunkname, nil
}

// skipComment drops a UTF-8 byte order mark and blanks a first line that
// starts with '#', keeping its newline (a precompiled chunk loses it too),
// as luaL_loadfile does.
func skipComment(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\xEF\xBB\xBF"))
	if len(src) > 0 && src[0] == '#' {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			return nil
		}
		if bytes.HasPrefix(src[i+1:], []byte(binarySignature)) {
			return src[i+1:] // a precompiled chunk after the comment
		}
		return src[i:]
	}
	return src
}

// systemError formats the reason of a failed file operation as C's
// strerror does (": No such file or directory"), or "" when there is none.
func systemError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	msg := err.Error()
	if msg == "" {
		return ""
	}
	return ": " + strings.ToUpper(msg[:1]) + msg[1:]
}

// loadFile loads a script (name "" is stdin) as a function: source text
// is compiled, a precompiled chunk (from "lunar compile") is loaded by the
// runtime's binary loader.
func (it *interp) loadFile(name string) (lunar.Value, error) {
	src, chunkname, err := it.readChunk(name)
	if err != nil {
		return lunar.Nil, err
	}
	return it.loadChunk(src, chunkname)
}

// loadChunk compiles source text, or loads a precompiled chunk, under
// chunkname, as luaL_loadbuffer does: the text is taken as it is (a first
// line starting with '#' is skipped by readChunk, for files only).
func (it *interp) loadChunk(src []byte, chunkname string) (lunar.Value, error) {
	if bytes.HasPrefix(src, []byte(binarySignature)) {
		return it.loadBinary(src, chunkname)
	}
	fn, err := it.s.MainThread().Load(src, chunkname, lunar.Nil, false)
	if err != nil {
		return lunar.Nil, &loadError{compileErrorText(err)}
	}
	return fn, nil
}

// loadBinary loads a precompiled chunk (from "lunar compile" or
// string.dump).
func (it *interp) loadBinary(src []byte, chunkname string) (lunar.Value, error) {
	fn, err := lunar.Undump(it.s.MainThread(), src, chunkname)
	if err != nil {
		return lunar.Nil, &loadError{err.Error()}
	}
	return fn, nil
}
