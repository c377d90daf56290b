// Command lunar runs Lua 5.4 programs. It behaves like the standard lua
// command (§7 of the reference manual):
//
//	lunar [options] [script [args]]
//
// with the options -e, -i, -l, -v, -E, -W, -- and -, the global arg,
// LUA_INIT_5_4 and LUA_INIT, errors with tracebacks on stderr and the
// same exit statuses. Without a script it runs an interactive loop (a
// REPL with line editing and history) when stdin is a terminal, and the
// program on stdin otherwise.
//
// Lunar's own tools are subcommands: "lunar disasm", "lunar compile",
// "lunar version" and "lunar help". A script named like one of them runs
// as "lunar ./name" or "lunar -- name".
package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"strings"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
	"golang.org/x/term"
)

const versionText = "Lua 5.4.7 (Lunar)  Copyright (C) 1994-2024 Lua.org, PUC-Rio; Lunar in Go"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// interp is one run of the standalone interpreter: its state, its
// streams and how far it got.
type interp struct {
	// progname prefixes error messages: the command's name as invoked
	// (argv[0], as lua does), or "" while in the REPL.
	progname string
	s        *lunar.State
	stdin    io.Reader
	out      *bufio.Writer // stdout, buffered; flushed before stderr output
	stderr   io.Writer
	// status is the exit status so far: 0, 1 after an error, or the code
	// given to os.exit.
	status int
	// exit is os.exit's request, once a script made it.
	exit *lunar.ExitError
	// closing is set while finish closes the state.
	closing bool
	// interrupts makes Ctrl-C stop the running chunk.
	interrupts *interrupts
}

// run is the command: args as os.Args. It returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) >= 2 {
		if tool, ok := tools[args[1]]; ok {
			return tool(args[2:], stdout, stderr)
		}
	}
	progname := "lunar"
	if len(args) > 0 && args[0] != "" {
		progname = args[0]
	}
	opts := collectArgs(args)
	if opts.bad > 0 {
		printUsage(stderr, progname, args[opts.bad])
		return 1
	}
	out := bufio.NewWriterSize(stdout, 16<<10)
	it := &interp{progname: progname, stdin: stdin, out: out, stderr: stderr, interrupts: sigint()}
	if opts.version {
		it.printVersion()
	}
	// A terminal sees each write at once (C's stdout is line-buffered
	// there, and a prompt written with io.write must show before io.read);
	// a pipe or file gets full buffers.
	it.s = lunar.NewState(
		lunar.WithStdout(flushWriter{w: out, always: isTerminal(stdout)}),
		lunar.WithStderr(stderr),
		lunar.WithGenerationalGC())
	if opts.noEnv {
		// Tells the package library to ignore LUA_PATH_5_4 and LUA_PATH,
		// as lua.c does for -E.
		it.s.Registry().SetStr("LUA_NOENV", lunar.True)
	}
	stdlib.OpenAll(it.s)
	stdlib.SetExitHook(it.s, func(code int, close bool) error {
		if it.closing {
			// A finalizer run by the final close called os.exit: lua.c
			// then exits with that status (the other finalizers still
			// run, as its nested lua_close runs them).
			it.status = code
		}
		return &lunar.ExitError{Code: code, Close: close}
	})
	it.main(args, opts)
	return it.finish()
}

// main does what lua.c's pmain does once the options are known; it stops
// at the first error.
func (it *interp) main(args []string, opts options) {
	it.createArgTable(args, opts.script)
	if !opts.noEnv && !it.runInit() {
		return
	}
	for _, o := range optionArgs(args, opts.script) {
		ok := true
		switch o[0] {
		case "e":
			ok = it.doString(o[1], "=(command line)")
		case "l":
			ok = it.doLibrary(o[1])
		case "W":
			it.warningsOn()
		}
		if !ok {
			return
		}
	}
	if opts.script < len(args) && !it.handleScript(args, opts.script) {
		return
	}
	switch {
	case opts.interactive:
		it.repl()
	case opts.script == len(args) && !opts.exec && !opts.version:
		if isTerminal(it.stdin) {
			it.printVersion()
			it.repl()
		} else {
			it.doFile("") // the program on stdin
		}
	}
}

// finish closes the state as lua_close does (pending __gc metamethods run
// and open files are flushed), unless os.exit asked to leave without
// closing, and returns the exit status.
func (it *interp) finish() int {
	if it.exit == nil || it.exit.Close {
		it.closing = true
		it.s.Close()
	}
	stdlib.FlushFiles(it.s)
	it.flush()
	return it.status
}

func (it *interp) printVersion() {
	it.out.WriteString(versionText + "\n")
	it.flush()
}

func (it *interp) flush() { it.out.Flush() }

// createArgTable makes the global arg: the script name at index 0, its
// arguments at 1, 2, ..., and the interpreter and its options at negative
// indices. Without a script, the interpreter's name is at 0.
func (it *interp) createArgTable(args []string, script int) {
	if script == len(args) {
		script = 0
	}
	t := lunar.NewTable(max(len(args)-script-1, 0), script+1)
	for i, a := range args {
		t.SetInt(int64(i-script), lunar.String(a))
	}
	it.s.SetGlobal("arg", lunar.TableValue(t))
}

// runInit runs LUA_INIT_5_4, or LUA_INIT when that is not set: Lua code,
// or "@file" for a file to run.
func (it *interp) runInit() bool {
	name := "LUA_INIT_5_4"
	code, ok := os.LookupEnv(name)
	if !ok {
		name = "LUA_INIT"
		if code, ok = os.LookupEnv(name); !ok {
			return true
		}
	}
	if file, ok := strings.CutPrefix(code, "@"); ok {
		return it.doFile(file)
	}
	return it.doString(code, "="+name)
}

// doString runs a chunk of source text.
func (it *interp) doString(src, chunkname string) bool {
	fn, err := it.loadChunk([]byte(src), chunkname)
	if err != nil {
		it.report(err)
		return false
	}
	_, ok := it.docall(fn)
	return ok
}

// doFile runs a file; name "" is stdin.
func (it *interp) doFile(name string) bool {
	fn, err := it.loadFile(name)
	if err != nil {
		it.report(err)
		return false
	}
	_, ok := it.docall(fn)
	return ok
}

// doLibrary runs "g = require(mod)" for -l g=mod, or "mod = require(mod)"
// for -l mod.
func (it *interp) doLibrary(spec string) bool {
	global, mod := spec, spec
	if g, m, ok := strings.Cut(spec, "="); ok {
		global, mod = g, m
	}
	res, ok := it.docall(it.s.GetGlobal("require"), lunar.String(mod))
	if !ok {
		return false
	}
	v := lunar.Nil
	if len(res) > 0 {
		v = res[0]
	}
	it.s.SetGlobal(global, v)
	return true
}

// warningsOn turns warnings on for -W, as lua_warning(L, "@on", 0).
func (it *interp) warningsOn() { it.s.SetWarnings(true) }

// handleScript runs the script at args[script] with the positive entries
// of the global arg as its arguments ('...').
func (it *interp) handleScript(args []string, script int) bool {
	name := args[script]
	if name == "-" && args[script-1] != "--" {
		name = "" // stdin
	}
	fn, err := it.loadFile(name)
	if err != nil {
		it.report(err)
		return false
	}
	argt := it.s.GetGlobal("arg").AsTable()
	if argt == nil {
		it.report(&loadError{"'arg' is not a table"})
		return false
	}
	n := argt.Length()
	sargs := make([]lunar.Value, n)
	for i := range sargs {
		sargs[i] = argt.GetInt(int64(i) + 1)
	}
	_, ok := it.docall(fn, sargs...)
	return ok
}

// docall calls fn as lua.c's docall does: protected, with Ctrl-C
// (SIGINT) interrupting it; an error is reported.
func (it *interp) docall(fn lunar.Value, args ...lunar.Value) ([]lunar.Value, bool) {
	var res []lunar.Value
	var err error
	it.interrupts.run(it.s, func() { res, err = it.s.Call(context.Background(), fn, args...) })
	if err != nil {
		it.report(err)
		return nil, false
	}
	return res, true
}

// isTerminal reports whether f is a terminal.
func isTerminal(f any) bool {
	if f, ok := f.(*os.File); ok {
		return term.IsTerminal(int(f.Fd()))
	}
	return false
}

// flushWriter is the state's stdout (print, io.write): a bufio.Writer,
// flushed after every write when always is set (a terminal), and by the
// command before it writes to stderr or prompts.
type flushWriter struct {
	w      *bufio.Writer
	always bool
}

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil && f.always {
		err = f.w.Flush()
	}
	return n, err
}

// Flush writes the buffered output (os.exit without the exit hook, and
// io.popen, call it).
func (f flushWriter) Flush() error { return f.w.Flush() }
