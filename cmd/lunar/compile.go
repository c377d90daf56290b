package main

import (
	"fmt"
	"io"
	"os"

	"github.com/lunar-lua/lunar"
)

// cmdCompile precompiles a source file to a binary chunk, as luac does:
// the output of string.dump for the file's main function, which lunar
// runs like a source file.
func cmdCompile(args []string, stdout, stderr io.Writer) int {
	fs := newToolFlags("compile", "[-o out.luac] [-s] file.lua", stderr)
	output := fs.String("o", "luac.out", "write the binary chunk to `file`")
	strip := fs.Bool("s", false, "strip debug information (line numbers, local names)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	prog, err := compileFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "lunar compile: %v\n", err)
		return 1
	}
	s := lunar.NewState()
	chunk, err := s.MainThread().Dump(s.Function(prog), *strip)
	if err != nil {
		fmt.Fprintf(stderr, "lunar compile: %v\n", err)
		return 1
	}
	if err := os.WriteFile(*output, chunk, 0o666); err != nil {
		fmt.Fprintf(stderr, "lunar compile: %v\n", err)
		return 1
	}
	return 0
}
