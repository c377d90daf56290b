// Command lunar runs Lua 5.4 programs. It behaves like the standard lua
// command (§7 of the reference manual): lunar [options] [script [args]],
// and adds subcommands for Lunar's own tools (disasm, version, help).
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/stdlib"
	"github.com/lunar-lua/lunar/syntax"
)

const progName = "lunar"

const versionText = "Lua 5.4.7 (Lunar)  Copyright (C) 1994-2024 Lua.org, PUC-Rio; Lunar in Go"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// subcommands are Lunar's own tools; a script with one of these names
// still runs as "lunar ./name" or "lunar -- name".
var subcommands = map[string]func(args []string, stdout, stderr io.Writer) int{
	"disasm":  cmdDisasm,
	"version": func([]string, io.Writer, io.Writer) int { fmt.Println(versionText); return 0 },
	"help":    cmdHelp,
}

func cmdHelp(_ []string, stdout, _ io.Writer) int {
	fmt.Fprintf(stdout, `usage: %[1]s [options] [script [args]]
Available options are:
  -e stat   execute string 'stat'
  -i        enter interactive mode after executing 'script'
  -l mod    require library 'mod' into global 'mod'
  -l g=mod  require library 'mod' into global 'g'
  -v        show version information
  -E        ignore environment variables
  -W        turn warnings on
  --        stop handling options
  -         stop handling options and execute stdin

Subcommands:
  %[1]s disasm file.lua   list the bytecode of every function (like luac -l -l)
  %[1]s version           print the version
  %[1]s help              this text
`, progName)
	return 0
}

func cmdDisasm(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintf(stderr, "usage: %s disasm file.lua\n", progName)
		return 1
	}
	src, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "%s: cannot open %s\n", progName, args[0])
		return 1
	}
	prog, err := lunar.Compile(args[0], skipShebang(src))
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", progName, firstError(err))
		return 1
	}
	bytecode.Disassemble(stdout, prog.Proto(), true)
	return 0
}

func skipShebang(src []byte) []byte {
	if len(src) > 0 && src[0] == '#' {
		if i := strings.IndexByte(string(src), '\n'); i >= 0 {
			return src[i:]
		}
		return nil
	}
	return src
}

// firstError returns the message of a compile error as lua prints it.
func firstError(err error) string {
	var list syntax.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return list[0].Error()
	}
	return err.Error()
}

type options struct {
	execs     []string // -e and -l in order, tagged
	interact  bool
	version   bool
	noEnv     bool
	warnings  bool
	script    int // index of the script in args, or -1
	stdinMode bool
}

// parseArgs reads lua-style options. It returns the index of the script
// (or len(args) if none) and an error message for bad usage.
func parseArgs(args []string) (options, string) {
	o := options{script: -1}
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if a == "-" {
			o.stdinMode = true
			break
		}
		if !strings.HasPrefix(a, "-") {
			break
		}
		switch {
		case a == "-i":
			o.interact = true
			o.version = true
		case a == "-v":
			o.version = true
		case a == "-E":
			o.noEnv = true
		case a == "-W":
			o.warnings = true
		case strings.HasPrefix(a, "-e"):
			code := a[2:]
			if code == "" {
				i++
				if i >= len(args) {
					return o, "'-e' needs argument"
				}
				code = args[i]
			}
			o.execs = append(o.execs, "e"+code)
		case strings.HasPrefix(a, "-l"):
			mod := a[2:]
			if mod == "" {
				i++
				if i >= len(args) {
					return o, "'-l' needs argument"
				}
				mod = args[i]
			}
			o.execs = append(o.execs, "l"+mod)
		default:
			return o, fmt.Sprintf("unrecognized option '%s'", a)
		}
	}
	if i < len(args) {
		o.script = i
	}
	return o, ""
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) >= 2 {
		if cmd, ok := subcommands[args[1]]; ok {
			return cmd(args[2:], stdout, stderr)
		}
	}
	opts, bad := parseArgs(args)
	if bad != "" {
		fmt.Fprintf(stderr, "%s: %s\n", progName, bad)
		cmdUsage(stderr)
		return 1
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	s := lunar.NewState(lunar.WithStdout(flushWriter{out}), lunar.WithStderr(stderr))
	stdlib.OpenAll(s)
	if opts.warnings {
		s.DoString("=(warn)", "warn('@on')")
	}
	// The arg table: script at 0, interpreter and options below.
	argt := lunar.NewTable(len(args), 2)
	scriptIdx := opts.script
	if scriptIdx < 0 {
		scriptIdx = len(args)
	}
	for i, a := range args {
		argt.SetInt(int64(i-scriptIdx), lunar.String(a))
	}
	s.SetGlobal("arg", lunar.TableValue(argt))
	if opts.version {
		fmt.Fprintln(out, versionText)
	}
	if !opts.noEnv {
		if code := initCode(); code != "" {
			if st := runInit(s, code, stderr, out); st != 0 {
				return st
			}
		}
	}
	for _, e := range opts.execs {
		var status int
		if e[0] == 'e' {
			status = runChunk(s, "=(command line)", []byte(e[1:]), nil, stderr, out)
		} else {
			status = requireModule(s, e[1:], stderr, out)
		}
		if status != 0 {
			return status
		}
	}
	if opts.script >= 0 {
		name := args[opts.script]
		var src []byte
		var err error
		chunk := "@" + name
		if name == "-" && args[opts.script-1] != "--" {
			src, err = io.ReadAll(stdin)
			chunk = "=stdin"
		} else {
			src, err = os.ReadFile(name)
		}
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "%s: cannot open %s\n", progName, name)
			return 1
		}
		var sargs []lunar.Value
		for _, a := range args[opts.script+1:] {
			sargs = append(sargs, lunar.String(a))
		}
		if st := runChunk(s, chunk, skipShebang(src), sargs, stderr, out); st != 0 {
			return st
		}
	} else if opts.stdinMode {
		src, _ := io.ReadAll(stdin)
		if st := runChunk(s, "=stdin", skipShebang(src), nil, stderr, out); st != 0 {
			return st
		}
	}
	if opts.interact || (opts.script < 0 && !opts.stdinMode && len(opts.execs) == 0 && !opts.version) {
		if opts.script < 0 && !opts.interact && !isTerminal(stdin) {
			src, _ := io.ReadAll(stdin)
			return runChunk(s, "=stdin", src, nil, stderr, out)
		}
		if !opts.version {
			fmt.Fprintln(out, versionText)
		}
		return repl(s, stdin, out, stderr)
	}
	return 0
}

func cmdUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s [options] [script [args]]\n", progName)
}

func initCode() string {
	for _, name := range []string{"LUA_INIT_5_4", "LUA_INIT"} {
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
	}
	return ""
}

func runInit(s *lunar.State, code string, stderr io.Writer, out *bufio.Writer) int {
	if strings.HasPrefix(code, "@") {
		src, err := os.ReadFile(code[1:])
		if err != nil {
			fmt.Fprintf(stderr, "%s: cannot open %s\n", progName, code[1:])
			return 1
		}
		return runChunk(s, code, src, nil, stderr, out)
	}
	name := "=LUA_INIT_5_4"
	if _, ok := os.LookupEnv("LUA_INIT_5_4"); !ok {
		name = "=LUA_INIT"
	}
	return runChunk(s, name, []byte(code), nil, stderr, out)
}

func requireModule(s *lunar.State, spec string, stderr io.Writer, out *bufio.Writer) int {
	global, mod := spec, spec
	if i := strings.IndexByte(spec, '='); i >= 0 {
		global, mod = spec[:i], spec[i+1:]
	}
	req := s.GetGlobal("require")
	if req.IsNil() {
		fmt.Fprintf(stderr, "%s: module '%s' not found (require is not available)\n", progName, mod)
		return 1
	}
	res, err := s.Call(context.Background(), req, lunar.String(mod))
	if err != nil {
		return reportError(s, err, stderr, out)
	}
	if len(res) > 0 {
		s.SetGlobal(global, res[0])
	}
	return 0
}

// runChunk compiles and runs one chunk, reporting errors as lua does.
func runChunk(s *lunar.State, chunkname string, src []byte, args []lunar.Value, stderr io.Writer, out *bufio.Writer) int {
	prog, err := compileRaw(chunkname, src)
	if err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "%s: %s\n", progName, firstError(err))
		return 1
	}
	_, err = s.Run(context.Background(), prog, args...)
	if err != nil {
		return reportError(s, err, stderr, out)
	}
	return 0
}

func compileRaw(chunkname string, src []byte) (*lunar.Program, error) {
	return lunar.Compile(chunkname, src)
}

// reportError prints an uncaught error and its traceback to stderr.
func reportError(s *lunar.State, err error, stderr io.Writer, out *bufio.Writer) int {
	out.Flush()
	var exit *lunar.ExitError
	if errors.As(err, &exit) {
		return exit.Code
	}
	var le *lunar.Error
	if errors.As(err, &le) {
		msg := errorMessage(s, le.Value)
		fmt.Fprintf(stderr, "%s: %s\n%s\n", progName, msg, le.TracebackString())
		return 1
	}
	fmt.Fprintf(stderr, "%s: %s\n", progName, err)
	return 1
}

// errorMessage converts an error object to text like lua.c's msghandler.
func errorMessage(s *lunar.State, v lunar.Value) string {
	if str, ok := v.ToString(); ok {
		return str
	}
	th := s.MainThread()
	if h := th.MetaField(v, "__tostring"); !h.IsNil() {
		if str, err := th.ToStringMeta(v); err == nil {
			return str
		}
	}
	return fmt.Sprintf("(error object is a %s value)", v.TypeName())
}

// flushWriter writes through a bufio.Writer; stderr output flushes it
// first so that the two streams interleave as in lua.
type flushWriter struct{ w *bufio.Writer }

func (f flushWriter) Write(p []byte) (int, error) { return f.w.Write(p) }

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil {
		return false
	}
	return st.Mode()&os.ModeCharDevice != 0
}

// Flush flushes buffered output (os.exit calls it before leaving).
func (f flushWriter) Flush() error { return f.w.Flush() }
