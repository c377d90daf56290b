//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// terminal is the controlling side of a pseudo-terminal, with what the
// program wrote to it so far.
type terminal struct {
	t    *testing.T
	ptmx *os.File
	mu   sync.Mutex
	out  strings.Builder
	seen int // output before this offset has been matched
	more chan struct{}
}

// openPTY opens a pseudo-terminal of 80x24: its controlling side and the
// terminal device for the program.
func openPTY(t *testing.T) (*terminal, *os.File) {
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	fd := int(ptmx.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open tty: %v", err)
	}
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
		t.Skipf("set window size: %v", err)
	}
	term := &terminal{t: t, ptmx: ptmx, more: make(chan struct{}, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			select {
			case term.more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return term, tty
}

// send types s.
func (term *terminal) send(s string) {
	term.t.Helper()
	if _, err := term.ptmx.WriteString(s); err != nil {
		term.t.Fatalf("typing %q: %v", s, err)
	}
}

// expect waits until the output after the last match contains want.
func (term *terminal) expect(want string) {
	term.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		term.mu.Lock()
		all := term.out.String()
		i := strings.Index(all[term.seen:], want)
		if i >= 0 {
			term.seen += i + len(want)
		}
		term.mu.Unlock()
		if i >= 0 {
			return
		}
		select {
		case <-term.more:
		case <-deadline:
			term.t.Fatalf("timed out waiting for %q; terminal shows:\n%q", want, all[term.seen:])
		}
	}
}

// TestTerminalREPL drives the REPL through a pseudo-terminal, as a user at
// a keyboard: line editing, multi-line input, errors, Ctrl-C at the prompt
// and in a running chunk, history and Ctrl-D.
func TestTerminalREPL(t *testing.T) {
	term, tty := openPTY(t)
	defer term.ptmx.Close()
	history := filepath.Join(t.TempDir(), "history")
	os.WriteFile(history, []byte("old = 'from history'\n"), 0o600)

	cmd := lunarCommand(t)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	cmd.Env = append(cmd.Env, "TERM=xterm", "LUNAR_HISTORY="+history)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var exitErr error
	exited := make(chan struct{})
	go func() { exitErr = cmd.Wait(); close(exited) }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()

	term.expect("Lua 5.4")
	term.expect("> ")
	term.send("1 + 1\r")
	term.expect("2\r\n")
	term.expect("> ")

	// Line editing: Ctrl-A goes to the start of the line.
	term.send("2)\x01print(\r")
	term.expect("2\r\n")
	term.expect("> ")

	// Tab completes names.
	term.send("string.for")
	term.expect("string.for")
	term.send("\t('<%d>', 7)\r")
	term.expect("<7>\r\n")
	term.expect("> ")

	// A chunk over several lines.
	term.send("function f()\r")
	term.expect(">> ")
	term.send("return 40 + 2\r")
	term.expect(">> ")
	term.send("end\r")
	term.expect("> ")
	term.send("f()\r")
	term.expect("42\r\n")
	term.expect("> ")

	// Errors are shown and the session goes on.
	term.send("error('oops')\r")
	term.expect("stdin:1: oops\r\nstack traceback:")
	term.expect("> ")

	// Ctrl-C at the prompt drops the line, even a continued one.
	term.send("for i = 1, 2 do\r")
	term.expect(">> ")
	// (Ctrl-C goes once the editor shows the line: only then is it
	// reading keys rather than letting the terminal send SIGINT.)
	term.send("print(i)")
	term.expect("print(i)")
	term.send("\x03")
	term.expect("^C")
	term.expect("> ")
	term.send("'fresh'\r")
	term.expect("fresh\r\n")
	term.expect("> ")

	// Ctrl-C stops a running chunk.
	term.send("io.write('spinning\\n') while true do end\r")
	term.expect("spinning\r\n")
	term.send("\x03")
	term.expect("interrupted!")
	term.expect("> ")

	// History: the previous session's line, recalled with the up arrow
	// (which searches the lines starting with what is typed).
	term.send("old =\x1b[A\r")
	term.expect("> ")
	term.send("old\r")
	term.expect("from history\r\n")
	term.expect("> ")

	// Ctrl-D on an empty line leaves.
	term.send("\x04")
	select {
	case <-exited:
		if exitErr != nil {
			t.Errorf("exit: %v", exitErr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("lunar did not exit on Ctrl-D")
	}
	data, err := os.ReadFile(history)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"old = 'from history'", "1 + 1", "print(2)", "function f()", "return 40 + 2", "f()", "old"} {
		if !strings.Contains(string(data), line+"\n") {
			t.Errorf("history lacks %q:\n%s", line, data)
		}
	}
}
