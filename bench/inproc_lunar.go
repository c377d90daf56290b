package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// runLunarInproc runs a Lua 5.4 file with Lunar inside this process
// through its embedding API (a state copied from the stdlib.All
// template), with arg[0] = file and arg[1] = size, and returns what it
// printed. The run honours ctx: a run past the timeout is stopped.
func runLunarInproc(ctx context.Context, file string, size int) (string, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	prog, err := lunar.Compile(file, src)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	s := lunar.NewState(lunar.WithLibraries(stdlib.All), lunar.WithStdout(&buf))
	defer s.Close()
	args := lunar.NewTable(2, 0)
	args.SetInt(0, lunar.String(file))
	args.SetInt(1, lunar.String(strconv.Itoa(size)))
	s.SetGlobal("arg", lunar.TableValue(args))
	if _, err := s.Run(ctx, prog); err != nil {
		if ctx.Err() != nil {
			return buf.String(), errTimeout
		}
		return buf.String(), fmt.Errorf("%s", firstLine(err.Error()))
	}
	return buf.String(), nil
}
