package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/bytecode"
)

// A tool is a subcommand: it gets the arguments after its name and returns
// the exit status.
type tool func(args []string, stdout, stderr io.Writer) int

// tools are Lunar's own subcommands. They take the place of a script of
// the same name, which still runs as "lunar ./name" or "lunar -- name".
var tools = map[string]tool{
	"compile": cmdCompile,
	"disasm":  cmdDisasm,
	"help":    cmdHelp,
	"version": cmdVersion,
}

const helpText = `Lunar runs Lua 5.4 programs; it is a drop-in for the lua command.

usage: lunar [options] [script [args]]
       lunar <command> [arguments]

Options (as lua's):
  -e stat   execute string 'stat'
  -i        enter interactive mode after executing 'script'
  -l mod    require library 'mod' into global 'mod'
  -l g=mod  require library 'mod' into global 'g'
  -v        show version information
  -E        ignore environment variables
  -W        turn warnings on
  --        stop handling options
  -         stop handling options and execute stdin

The script gets its arguments as '...' and in the global table arg (arg[0]
is the script, negative indices hold the interpreter and its options).
Without a script, lunar starts the interactive loop when stdin is a
terminal, and runs the program on stdin otherwise.

Commands:
  lunar compile [-o out.luac] [-s] file.lua
                      precompile a chunk to a binary chunk (default output
                      luac.out; -s strips debug information); run it with
                      lunar out.luac
  lunar disasm file.lua...
                      list the bytecode of every function, as luac -l -l
  lunar version       print the version of Lunar and of the Go toolchain
  lunar help          print this text

A script named like a command runs as "lunar ./name" or "lunar -- name".

Environment:
  LUA_INIT_5_4, LUA_INIT
                      Lua code run before the script, or @file to run a
                      file (LUA_INIT only when LUA_INIT_5_4 is not set;
                      neither under -E)
  LUA_PATH_5_4, LUA_PATH
                      search path of require (package library; not under -E)
  LUNAR_HISTORY       history file of the interactive loop (default
                      ~/.lunar_history; empty: no history)

Interactive loop: a line is run as an expression when it is one (its values
are printed: "> 1+1" prints 2; "=expr" works too), as a statement
otherwise; an incomplete statement continues on ">> " lines. On a terminal:
line editing, history (arrows, Ctrl-R) and Tab completion of names; Ctrl-C
stops a running chunk or drops the line being typed; Ctrl-D on an empty
line leaves.
`

func cmdHelp(_ []string, stdout, _ io.Writer) int {
	io.WriteString(stdout, helpText)
	return 0
}

func cmdVersion(_ []string, stdout, _ io.Writer) int {
	version := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	fmt.Fprintf(stdout, "%s\nlunar %s %s %s/%s\n", versionText, version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}

// newToolFlags makes the flag set of a subcommand, with its usage line.
func newToolFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("lunar "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: lunar %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

func cmdDisasm(args []string, stdout, stderr io.Writer) int {
	fs := newToolFlags("disasm", "file.lua...", stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	for _, name := range fs.Args() {
		prog, err := compileFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "lunar disasm: %v\n", err)
			return 1
		}
		if err := bytecode.Disassemble(stdout, prog.Proto(), true); err != nil {
			fmt.Fprintf(stderr, "lunar disasm: %v\n", err)
			return 1
		}
	}
	return 0
}

// compileFile compiles a source file for the tools; name "-" is stdin.
func compileFile(name string) (*lunar.Program, error) {
	it := &interp{stdin: os.Stdin}
	file := name
	if name == "-" {
		file = ""
	}
	src, chunkname, err := it.readChunk(file)
	if err != nil {
		return nil, err
	}
	prog, err := lunar.Compile(chunkname, src)
	if err != nil {
		return nil, &loadError{compileErrorText(err)}
	}
	return prog, nil
}
