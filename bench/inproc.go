package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	lua "github.com/yuin/gopher-lua"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// runGopherLua runs a Lua 5.1 file with gopher-lua inside this process,
// with arg[0] = file and arg[1] = size, and returns what it printed.
//
// gopher-lua can only be interrupted through LState.SetContext, which
// makes its interpreter loop test the context on every instruction and
// would distort the timing; so the run is not interruptible. If it outlives
// ctx, the harness cannot stop it and exits (see abandonInProcess).
func runGopherLua(ctx context.Context, file string, size int) (string, error) {
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := gopherLuaOnce(file, size)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-ctx.Done():
		abandonInProcess("gopher-lua", file)
		return "", errTimeout
	}
}

// gopherLuaOnce does the work of runGopherLua.
func gopherLuaOnce(file string, size int) (string, error) {
	// A growable registry (value stack): table.concat pushes every element,
	// so the fixed default of 5120 slots overflows on json's output. The
	// grow step is large because each growth copies the whole registry; at
	// the default step of 32 that copying made json about six times slower.
	L := lua.NewState(lua.Options{RegistryMaxSize: 1 << 22, RegistryGrowStep: 65536})
	defer L.Close()
	var buf bytes.Buffer
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		top := L.GetTop()
		for i := 1; i <= top; i++ {
			if i > 1 {
				buf.WriteByte('\t')
			}
			buf.WriteString(L.ToStringMeta(L.Get(i)).String())
		}
		buf.WriteByte('\n')
		return 0
	}))
	args := L.NewTable()
	args.RawSetInt(0, lua.LString(file))
	args.RawSetInt(1, lua.LString(strconv.Itoa(size)))
	L.SetGlobal("arg", args)
	if err := L.DoFile(file); err != nil {
		return buf.String(), fmt.Errorf("%s", firstLine(err.Error()))
	}
	return buf.String(), nil
}

// runStarlark runs a Starlark file with starlark-go inside this process,
// with N predeclared as size and recursion allowed, and returns what it
// printed. A run that outlives ctx is cancelled.
func runStarlark(ctx context.Context, file string, size int) (string, error) {
	var buf bytes.Buffer
	thread := &starlark.Thread{
		Name: "bench",
		Print: func(_ *starlark.Thread, msg string) {
			buf.WriteString(msg)
			buf.WriteByte('\n')
		},
	}
	stop := context.AfterFunc(ctx, func() { thread.Cancel("timed out") })
	defer stop()
	opts := &syntax.FileOptions{Recursion: true}
	predeclared := starlark.StringDict{"N": starlark.MakeInt(size)}
	if _, err := starlark.ExecFileOptions(opts, thread, file, nil, predeclared); err != nil {
		if ctx.Err() != nil {
			return buf.String(), errTimeout
		}
		return buf.String(), fmt.Errorf("%s", firstLine(err.Error()))
	}
	return buf.String(), nil
}

// abandonInProcess is called when an in-process interpreter overran its
// deadline and cannot be stopped: its goroutine would keep a core busy and
// spoil every later measurement, so the harness gives up.
func abandonInProcess(engine, file string) {
	fmt.Fprintf(os.Stderr, "bench: %s is still running %s past the -timeout and cannot be stopped; giving up\n", engine, file)
	os.Exit(2)
}

// inprocEngines maps the names of in-process engines to their runners, for
// the hidden single-run mode used under perf and callgrind.
var inprocEngines = map[string]func(context.Context, string, int) (string, error){
	"gopher-lua":   runGopherLua,
	"lunar-inproc": runLunarInproc,
	"starlark":     runStarlark,
}

// runInprocOnce implements the hidden -inproc mode: run one program once
// with an in-process engine and print its output to stdout.
func runInprocOnce(engine, file string, size int) int {
	run, ok := inprocEngines[engine]
	if !ok {
		fmt.Fprintf(os.Stderr, "bench: no in-process engine %q\n", engine)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	out, err := run(ctx, file, size)
	os.Stdout.WriteString(out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
