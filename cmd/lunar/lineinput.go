package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lunar-lua/lunar"
	"github.com/peterh/liner"
)

// errAborted is what readLine returns when the user pressed Ctrl-C at the
// prompt: the input typed so far is dropped.
var errAborted = errors.New("input aborted")

// A lineReader gives the REPL its input lines.
type lineReader interface {
	// readLine shows prompt and reads a line, without its newline. It
	// returns io.EOF at the end of input and errAborted on Ctrl-C.
	readLine(prompt string) (string, error)
	// beforeRun and afterRun surround the run of each chunk: the
	// terminal is in its own mode meanwhile (echo, Ctrl-C sends SIGINT).
	beforeRun()
	afterRun()
	close()
}

// newLineReader picks line editing when stdin and stdout are both
// terminals, plain lines otherwise.
func (it *interp) newLineReader() lineReader {
	if it.stdin == os.Stdin && isTerminal(os.Stdin) && isTerminal(os.Stdout) && liner.TerminalSupported() {
		if r := newEditor(it.s, it.plainReader()); r != nil {
			return r
		}
	}
	return it.plainReader()
}

func (it *interp) plainReader() *plainReader {
	return &plainReader{
		in:   bufio.NewReader(it.stdin),
		out:  it.out,
		echo: !isTerminal(it.stdin),
	}
}

// plainReader reads lines from a pipe, a file, or a terminal without line
// editing. When stdin is not a terminal each line is echoed after its
// prompt, as lua5.4 (built with GNU readline) does, so that the output of
// "lunar -i < session.lua" reads as a transcript.
type plainReader struct {
	in   *bufio.Reader
	out  *bufio.Writer
	echo bool
}

func (r *plainReader) readLine(prompt string) (string, error) {
	r.out.WriteString(prompt)
	r.out.Flush()
	line, err := r.in.ReadString('\n')
	if err != nil && line == "" {
		return "", io.EOF
	}
	line = strings.TrimSuffix(line, "\n")
	if r.echo {
		r.out.WriteString(line + "\n")
		r.out.Flush()
	}
	return line, nil
}

func (r *plainReader) beforeRun() {}
func (r *plainReader) afterRun()  {}
func (r *plainReader) close()     {}

// editor reads lines with line editing, history and completion
// (github.com/peterh/liner). The history is kept in ~/.lunar_history, or
// in $LUNAR_HISTORY (empty: no history file).
type editor struct {
	ln *liner.State
	// termMode is the terminal's own mode, set while chunks run;
	// editMode is liner's, set back for the prompts.
	termMode, editMode liner.ModeApplier
	history            string
	// fallback takes over when liner finds the terminal unusable (for
	// instance one that reports no width).
	fallback *plainReader
	broken   bool
}

func newEditor(s *lunar.State, fallback *plainReader) *editor {
	termMode, err := liner.TerminalMode()
	if err != nil {
		return nil
	}
	ln := liner.NewLiner()
	editMode, err := liner.TerminalMode()
	if err != nil {
		ln.Close()
		return nil
	}
	ln.SetCtrlCAborts(true)
	ln.SetMultiLineMode(true)
	ln.SetTabCompletionStyle(liner.TabPrints)
	ln.SetWordCompleter(func(line string, pos int) (string, []string, string) {
		return complete(s, line, pos)
	})
	e := &editor{ln: ln, termMode: termMode, editMode: editMode, history: historyFile(), fallback: fallback}
	if e.history != "" {
		if f, err := os.Open(e.history); err == nil {
			ln.ReadHistory(f)
			f.Close()
		}
	}
	return e
}

// historyFile returns the path of the history file, or "" for none.
func historyFile() string {
	if path, ok := os.LookupEnv("LUNAR_HISTORY"); ok {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".lunar_history")
}

func (e *editor) readLine(prompt string) (string, error) {
	if e.broken {
		return e.fallback.readLine(prompt)
	}
	line, err := e.ln.Prompt(prompt)
	switch {
	case err == nil:
		if strings.TrimSpace(line) != "" {
			e.ln.AppendHistory(line)
			e.appendHistory(line)
		}
		return line, nil
	case errors.Is(err, liner.ErrPromptAborted):
		return "", errAborted
	case errors.Is(err, liner.ErrNotTerminalOutput), errors.Is(err, liner.ErrInvalidPrompt):
		e.broken = true
		return e.fallback.readLine(prompt)
	}
	return "", io.EOF
}

// appendHistory adds a line to the history file at once, so that it is
// kept however the session ends; close rewrites the file with the last
// lines only.
func (e *editor) appendHistory(line string) {
	if e.history == "" {
		return
	}
	f, err := os.OpenFile(e.history, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	f.WriteString(line + "\n")
	f.Close()
}

func (e *editor) beforeRun() { e.termMode.ApplyMode() }
func (e *editor) afterRun()  { e.editMode.ApplyMode() }

func (e *editor) close() {
	if e.history != "" {
		if f, err := os.OpenFile(e.history, os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o600); err == nil {
			e.ln.WriteHistory(f)
			f.Close()
		}
	}
	e.ln.Close()
}
