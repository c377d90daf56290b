package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lunar-lua/lunar"
)

// A traceback of more than tracebackHead+tracebackTail+1 levels shows the
// first tracebackHead and the last tracebackTail levels only, as
// luaL_traceback does.
const (
	tracebackHead = 10
	tracebackTail = 11
)

// formatTraceback formats frames (innermost first) as luaL_traceback
// does, after the "stack traceback:" header. A frame without a function
// is the "(...tail calls...)" line that follows the level before it.
func formatTraceback(frames []lunar.StackFrame) string {
	type level struct {
		frame lunar.StackFrame
		tail  bool // followed by "(...tail calls...)"
	}
	var levels []level
	for _, f := range frames {
		if f.Function == "" && len(levels) > 0 {
			levels[len(levels)-1].tail = true
			continue
		}
		levels = append(levels, level{frame: f})
	}
	var sb strings.Builder
	sb.WriteString("stack traceback:")
	n := len(levels)
	for i, l := range levels {
		if n > tracebackHead+tracebackTail+1 {
			if i == tracebackHead {
				// The count is one short, as in the reference.
				fmt.Fprintf(&sb, "\n\t...\t(skipping %d levels)", n-tracebackHead-tracebackTail-1)
			}
			if i >= tracebackHead && i < n-tracebackTail {
				continue
			}
		}
		sb.WriteString("\n\t")
		sb.WriteString(l.frame.String())
		if l.tail {
			sb.WriteString("\n\t(...tail calls...)")
		}
	}
	return sb.String()
}

// errorText turns the error of a run into the text lua.c's message handler
// makes of it: a string (or number) error value followed by the
// traceback; a value whose __tostring gives a string shown through it,
// without a traceback; any other value described by its type, with the
// traceback.
func (it *interp) errorText(err error) string {
	var le *lunar.Error
	if !errors.As(err, &le) {
		return err.Error()
	}
	frames := le.Traceback // ends with the host's "[C]: in ?" level
	if msg, ok := le.Value.ToString(); ok {
		return msg + "\n" + formatTraceback(frames)
	}
	th := it.s.MainThread()
	if h := th.MetaField(le.Value, "__tostring"); !h.IsNil() {
		res, err := it.s.Call(context.Background(), h, le.Value)
		if err == nil && len(res) > 0 && res[0].IsString() {
			return res[0].AsString()
		}
	}
	msg := fmt.Sprintf("(error object is a %s value)", le.Value.TypeName())
	return msg + "\n" + formatTraceback(frames)
}

// report prints the error of a run on stderr, after the program name
// (none in the REPL), and sets the exit status it calls for: the code
// given to os.exit, or 1.
func (it *interp) report(err error) {
	it.flush()
	var exit *lunar.ExitError
	if errors.As(err, &exit) {
		it.exit = exit
		it.status = exit.Code
		return
	}
	it.message(it.errorText(err))
	it.status = 1
}

// message prints msg on stderr, after the program name unless in the REPL.
func (it *interp) message(msg string) {
	it.flush()
	if it.progname != "" {
		fmt.Fprintf(it.stderr, "%s: %s\n", it.progname, msg)
	} else {
		fmt.Fprintf(it.stderr, "%s\n", msg)
	}
}

// compileErrorText returns the message of a compile error as the
// reference prints it: the first syntax error only.
func compileErrorText(err error) string {
	type firster interface{ First() error }
	var f firster
	if errors.As(err, &f) && f.First() != nil {
		return f.First().Error()
	}
	return err.Error()
}
