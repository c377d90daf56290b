package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Engine is one interpreter that the harness can run programs on: an
// external command or an interpreter linked into this binary.
type Engine struct {
	// Name identifies the engine in flags and reports.
	Name string
	// Dialect selects which program files the engine runs.
	Dialect Dialect
	// VM describes the dispatch model, for the register-vs-stack table.
	VM string
	// Version is a one-line version string, or "" when unknown.
	Version string
	// Skip says why the engine cannot run; "" when it is available.
	Skip string

	// label is the name shown in reports when it differs from Name.
	label string

	// argv is the command prefix of an external engine; the program file
	// and size are appended. It is nil for an in-process engine.
	argv []string
	// inproc runs a program inside this process and returns its output.
	inproc func(ctx context.Context, file string, size int) (string, error)
}

// Available reports whether the engine can run programs.
func (e *Engine) Available() bool { return e.Skip == "" }

// Label returns the name reports show for the engine.
func (e *Engine) Label() string {
	if e.label != "" {
		return e.label
	}
	return e.Name
}

// InProcess reports whether the engine runs inside the harness process.
func (e *Engine) InProcess() bool { return e.inproc != nil }

// Timing is what one run cost.
type Timing struct {
	// Wall is the elapsed real time.
	Wall time.Duration
	// CPU is user plus system CPU time: of the child process for an
	// external engine, of the whole harness process (interpreter and Go
	// runtime, garbage collector included) for an in-process one.
	CPU time.Duration
}

// Run runs file with the given size once and returns what it printed and
// what the run cost. In-process engines are timed around the whole run:
// creating the interpreter state, compiling and executing.
func (e *Engine) Run(ctx context.Context, file string, size int) (string, Timing, error) {
	if e.inproc != nil {
		runtime.GC() // start each in-process run from a collected heap
		cpu0 := processCPU()
		start := time.Now()
		out, err := e.inproc(ctx, file, size)
		t := Timing{Wall: time.Since(start), CPU: processCPU() - cpu0}
		return out, t, err
	}
	argv := e.Command(file, size)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = filepath.Dir(file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	t := Timing{Wall: time.Since(start)}
	if ps := cmd.ProcessState; ps != nil {
		t.CPU = ps.UserTime() + ps.SystemTime()
	}
	if ctx.Err() != nil {
		return stdout.String(), t, fmt.Errorf("timed out: %w", ctx.Err())
	}
	if err != nil {
		msg := firstLine(stderr.String())
		if msg == "" {
			msg = firstLine(stdout.String())
		}
		return stdout.String(), t, fmt.Errorf("%v: %s", err, msg)
	}
	return stdout.String(), t, nil
}

// processCPU returns the user plus system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Command returns the command line that runs file with size in its own
// process. For an in-process engine it re-executes this binary in its
// hidden single-run mode, which is how instruction counters measure it.
func (e *Engine) Command(file string, size int) []string {
	if e.inproc != nil {
		exe, err := os.Executable()
		if err != nil {
			exe = os.Args[0]
		}
		return []string{exe, "-inproc", e.Name, "-inproc-file", file, "-inproc-size", strconv.Itoa(size)}
	}
	argv := append([]string(nil), e.argv...)
	return append(argv, file, strconv.Itoa(size))
}

// engineOrder is the order in which engines are run and reported.
var engineOrder = []string{"lunar", "lunar-inproc", "lua5.4", "luajit", "gopher-lua", "golua", "starlark"}

// engineConfig carries what engine discovery needs from the flags.
type engineConfig struct {
	rootDir  string // repository root, where ./cmd/lunar lives
	tmpDir   string // where the lunar binary is built
	lunarBin string // prebuilt lunar binary; "" to build one
}

// discoverEngines returns every known engine, in engineOrder, with Skip
// set on those that cannot run here. Only engines whose names are in want
// are probed; want == nil means all.
func discoverEngines(cfg engineConfig, want map[string]bool) []*Engine {
	var out []*Engine
	for _, name := range engineOrder {
		if want != nil && !want[name] {
			continue
		}
		var e *Engine
		switch name {
		case "lunar":
			e = lunarEngine(cfg)
		case "lunar-inproc":
			e = &Engine{Name: name, Dialect: Lua54, VM: "under test (in-process, embedding API)",
				Version: "Lunar (this tree, linked in)", inproc: runLunarInproc}
		case "lua5.4":
			e = commandEngine("lua5.4", Lua54, "register", []string{"lua5.4"}, "-v")
		case "luajit":
			e = commandEngine("luajit", Lua51, "register (LuaJIT interpreter, JIT off)", []string{"luajit", "-joff"}, "-v")
			e.label = "luajit -joff"
		case "gopher-lua":
			e = &Engine{Name: name, Dialect: Lua51, VM: "register (Go)",
				Version: "gopher-lua " + moduleVersion("github.com/yuin/gopher-lua"), inproc: runGopherLua}
		case "golua":
			e = commandEngine("golua", Lua54, "register (Go)", []string{"golua"}, "")
			if !e.Available() {
				e.Skip = "github.com/arnodel/golua is not served by the module proxy; put a golua command on PATH to include it"
			}
		case "starlark":
			e = &Engine{Name: name, Dialect: Starlark, VM: "stack (Go)",
				Version: "starlark-go " + moduleVersion("go.starlark.net"), inproc: runStarlark}
		}
		out = append(out, e)
	}
	return out
}

// commandEngine describes an engine run as an external command. versionFlag
// is passed to the command to read its version ("" to skip that).
func commandEngine(name string, d Dialect, vm string, argv []string, versionFlag string) *Engine {
	e := &Engine{Name: name, Dialect: d, VM: vm}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		e.Skip = argv[0] + " not found on PATH"
		return e
	}
	e.argv = append([]string{path}, argv[1:]...)
	if versionFlag != "" {
		e.Version = commandVersion(path, versionFlag)
	}
	return e
}

// lunarEngine builds ./cmd/lunar (or uses cfg.lunarBin) and describes it.
func lunarEngine(cfg engineConfig) *Engine {
	e := &Engine{Name: "lunar", Dialect: Lua54, VM: "under test"}
	bin := cfg.lunarBin
	if bin == "" {
		bin = filepath.Join(cfg.tmpDir, "lunar")
		if err := buildLunar(cfg.rootDir, bin); err != nil {
			e.Skip = err.Error()
			return e
		}
	} else if _, err := os.Stat(bin); err != nil {
		e.Skip = "no lunar binary at " + bin
		return e
	}
	e.argv = []string{bin}
	e.Version = commandVersion(bin, "-v")
	if e.Version == "" {
		e.Version = "lunar (built from the working tree)"
	}
	return e
}

// buildLunar runs `go build -o bin ./cmd/lunar` in root and returns an
// error carrying the first line of the compiler's complaint.
func buildLunar(root, bin string) error {
	if st, err := os.Stat(filepath.Join(root, "cmd", "lunar")); err != nil || !st.IsDir() {
		return fmt.Errorf("no cmd/lunar directory in %s", root)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/lunar")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		msg := firstError(string(out))
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("build failed: %s", msg)
	}
	return nil
}

// commandVersion runs `bin flag` briefly and returns a cleaned first line
// of its output, or "" if that fails.
func commandVersion(bin, flag string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, flag).CombinedOutput()
	if err != nil {
		return ""
	}
	return cleanVersion(string(out))
}

// cleanVersion keeps the first line of a version banner and drops the
// copyright notice that lua and luajit append to it.
func cleanVersion(s string) string {
	s = firstLine(s)
	for _, sep := range []string{" -- ", "  Copyright", " Copyright"} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	return strings.TrimSpace(s)
}

// moduleVersion returns the version of a module linked into this binary.
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	for _, m := range info.Deps {
		if m.Path == path {
			if m.Replace != nil {
				return m.Replace.Version
			}
			return m.Version
		}
	}
	return "(unknown)"
}

// firstError returns the first line of go build output that is not a
// "# package" header, falling back to the first line.
func firstError(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			return firstLine(t)
		}
	}
	return firstLine(s)
}

// firstLine returns the first non-blank line of s, trimmed and shortened
// to at most 160 bytes.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" {
			if len(line) > 160 {
				line = line[:157] + "..."
			}
			return line
		}
	}
	return ""
}

// errTimeout marks an in-process run stopped by its deadline.
var errTimeout = errors.New("timed out")
