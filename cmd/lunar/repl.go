package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/lunar-lua/lunar"
)

// repl runs the interactive loop: prompts "> " and ">> ", lines tried
// first as an expression (as with "return"), multi-line input continued
// while the chunk is incomplete (its syntax error is "near <eof>").
func repl(s *lunar.State, stdin io.Reader, out *bufio.Writer, stderr io.Writer) int {
	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	for {
		fmt.Fprint(out, "> ")
		out.Flush()
		if !in.Scan() {
			fmt.Fprintln(out)
			return 0
		}
		line := in.Text()
		if strings.HasPrefix(line, "=") {
			line = "return " + line[1:]
		}
		prog, err := lunar.Compile("=stdin", []byte("return "+line))
		if err != nil {
			// Not an expression: a statement, possibly incomplete.
			src := line
			for {
				prog, err = lunar.Compile("=stdin", []byte(src))
				if err == nil || !strings.HasSuffix(firstError(err), "<eof>") {
					break
				}
				fmt.Fprint(out, ">> ")
				out.Flush()
				if !in.Scan() {
					break
				}
				src += "\n" + in.Text()
			}
		}
		if err != nil {
			out.Flush()
			fmt.Fprintln(stderr, firstError(err))
			continue
		}
		res, err := s.Run(context.Background(), prog)
		if err != nil {
			if st := reportError(s, err, stderr, out); st != 1 {
				return st
			}
			continue
		}
		if len(res) > 0 {
			th := s.MainThread()
			parts := make([]string, len(res))
			for i, v := range res {
				str, err := th.ToStringMeta(v)
				if err != nil {
					str = "?"
				}
				parts[i] = str
			}
			fmt.Fprintln(out, strings.Join(parts, "\t"))
		}
	}
}
