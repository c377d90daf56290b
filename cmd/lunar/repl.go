package main

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/lunar-lua/lunar"
)

// The REPL is lua.c's doREPL: a line is first compiled as an expression
// ("return <line>;") and its values printed; otherwise as a statement,
// with more lines read (prompt ">> ") while the compiler says the chunk
// ends too early: its syntax error ends in "<eof>".

const (
	prompt1 = "> "
	prompt2 = ">> "
	// eofMark ends the syntax errors of incomplete chunks.
	eofMark = "<eof>"
)

// repl runs the interactive loop until the end of input (Ctrl-D) or
// os.exit. Errors are reported without the program name, as lua does.
func (it *interp) repl() {
	in := it.newLineReader()
	defer in.close()
	it.interrupts.inREPL.Store(true)
	defer it.interrupts.inREPL.Store(false)
	saved := it.progname
	it.progname = ""
	defer func() { it.progname = saved }()
	for {
		fn, err := it.loadLine(in)
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errAborted) {
			continue
		}
		if err != nil {
			it.report(err)
			continue
		}
		in.beforeRun()
		if res, ok := it.docall(fn); ok {
			it.printValues(res)
		}
		in.afterRun()
		if it.exit != nil {
			return
		}
	}
	// A run error in the REPL does not make the command fail.
	it.status = 0
	it.out.WriteString("\n")
	it.flush()
}

// loadLine reads a line, and the lines continuing it, and compiles them.
// It returns io.EOF at the end of input and errAborted when the user
// discarded the input with Ctrl-C.
func (it *interp) loadLine(in lineReader) (lunar.Value, error) {
	line, err := it.readLine(in, true)
	if err != nil {
		return lunar.Nil, err
	}
	if rest, ok := strings.CutPrefix(line, "="); ok {
		line = "return " + rest // as Lua 5.2 did
	}
	if fn, err := it.loadChunk([]byte("return "+line+";"), "=stdin"); err == nil {
		return fn, nil
	}
	for {
		fn, err := it.loadChunk([]byte(line), "=stdin")
		if err == nil {
			return fn, nil
		}
		msg := err.Error()
		if !strings.HasSuffix(msg, eofMark) {
			return lunar.Nil, &loadError{msg}
		}
		more, rerr := it.readLine(in, false)
		if errors.Is(rerr, errAborted) {
			return lunar.Nil, rerr
		}
		if rerr != nil {
			// No more input: the chunk stays incomplete.
			return lunar.Nil, &loadError{msg}
		}
		line += "\n" + more
	}
}

// readLine shows the prompt (the globals _PROMPT and _PROMPT2 when set)
// and reads a line.
func (it *interp) readLine(in lineReader, first bool) (string, error) {
	prompt, global := prompt1, "_PROMPT"
	if !first {
		prompt, global = prompt2, "_PROMPT2"
	}
	if v := it.s.GetGlobal(global); !v.IsNil() {
		prompt = it.toString(v)
	}
	it.flush()
	return in.readLine(prompt)
}

// toString converts v as tostring does, or returns "?" if that fails.
func (it *interp) toString(v lunar.Value) string {
	if s, ok := v.ToString(); ok {
		return s
	}
	res, err := it.s.Call(context.Background(), it.s.GetGlobal("tostring"), v)
	if err != nil || len(res) == 0 {
		return "?"
	}
	s, _ := res[0].ToString()
	return s
}

// printValues prints the values of an expression through the global
// print, as lua.c's l_print: tab-separated, converted by tostring.
func (it *interp) printValues(vals []lunar.Value) {
	if len(vals) == 0 {
		return
	}
	var err error
	it.interrupts.run(it.s, func() {
		_, err = it.s.Call(context.Background(), it.s.GetGlobal("print"), vals...)
	})
	var exit *lunar.ExitError
	switch {
	case errors.As(err, &exit):
		it.report(err) // os.exit in a print function
	case err != nil:
		it.message("error calling 'print' (" + err.Error() + ")")
	}
}
