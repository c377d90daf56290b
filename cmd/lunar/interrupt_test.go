//go:build unix

package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// lunarCommand returns a command running lunar (the copy of the test
// binary that testscript.Main put on PATH).
func lunarCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	path, err := exec.LookPath("lunar")
	if err != nil {
		t.Fatalf("lunar is not on PATH: %v", err)
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), "LUA_INIT=", "LUA_INIT_5_4=")
	return cmd
}

// waitForLine reads r until a line equal to want, failing after a while.
func waitForLine(t *testing.T, r *bufio.Reader, want string) {
	t.Helper()
	found := make(chan error, 1)
	go func() {
		for {
			line, err := r.ReadString('\n')
			// A line that is want, or ends with it after a position.
			if l := strings.TrimSuffix(line, "\n"); l == want || strings.HasSuffix(l, ": "+want) {
				found <- nil
				return
			}
			if err != nil {
				found <- err
				return
			}
		}
	}()
	select {
	case err := <-found:
		if err != nil {
			t.Fatalf("waiting for %q: %v", want, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %q", want)
	}
}

// waitExit waits for cmd, failing after a while.
func waitExit(t *testing.T, cmd *exec.Cmd) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("lunar did not exit")
		return nil
	}
}

// TestInterruptScript: Ctrl-C (SIGINT) stops a running script, which
// fails with "interrupted!" as lua's does.
func TestInterruptScript(t *testing.T) {
	cmd := lunarCommand(t, "-e", `io.stderr:write("ready\n") while true do end`)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stderr)
	waitForLine(t, r, "ready")
	cmd.Process.Signal(os.Interrupt)
	rest, _ := io.ReadAll(r)
	err = waitExit(t, cmd)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1", err)
	}
	// As lua's: the position of the caller of the running function (none
	// here: the main chunk's caller is the interpreter), then the traceback.
	if got := string(rest); !strings.HasPrefix(got, "lunar: interrupted!\nstack traceback:\n\t(command line):1: in main chunk\n") {
		t.Errorf("stderr after ready: %q", got)
	}
}

// TestInterruptCaught: the error Ctrl-C raises is an ordinary one, which
// pcall catches, as the error of lua's hook; the script goes on. It also
// shows print flushing a piped stdout, as lua's does: "ready" comes before
// the script ends.
func TestInterruptCaught(t *testing.T) {
	cmd := lunarCommand(t, "-e", `print(pcall(function ()
		print("ready")
		local function loop() while true do end end
		loop()
	end)) print("after")`)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stdout)
	waitForLine(t, r, "ready")
	cmd.Process.Signal(os.Interrupt)
	rest, _ := io.ReadAll(r)
	if err := waitExit(t, cmd); err != nil {
		t.Errorf("exit: %v", err)
	}
	if got, want := string(rest), "false\t(command line):4: interrupted!\nafter\n"; got != want {
		t.Errorf("stdout after ready: %q, want %q", got, want)
	}
}

// TestInterruptREPL: in the REPL, Ctrl-C stops the running chunk and the
// session goes on.
func TestInterruptREPL(t *testing.T) {
	cmd := lunarCommand(t, "-i")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(stdin, `io.stderr:write("ready\n") while true do end`+"\n")
	r := bufio.NewReader(stderr)
	waitForLine(t, r, "ready")
	cmd.Process.Signal(os.Interrupt)
	waitForLine(t, r, "interrupted!")
	io.WriteString(stdin, "print('still here')\n")
	stdin.Close()
	if err := waitExit(t, cmd); err != nil {
		t.Errorf("exit: %v", err)
	}
	if !strings.Contains(stdout.String(), "> print('still here')\nstill here\n> \n") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}

// TestInterruptTwice: a second Ctrl-C ends a script that the first could
// not stop (one blocked reading its input), as with lua.
func TestInterruptTwice(t *testing.T) {
	cmd := lunarCommand(t, "-e", `io.stderr:write("ready\n") io.read()`)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForLine(t, bufio.NewReader(stderr), "ready")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case err := <-done:
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("exit: %v", err)
			}
			ws, ok := exit.Sys().(syscall.WaitStatus)
			if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
				t.Errorf("exit: %v, want death by SIGINT", err)
			}
			return
		case <-tick.C:
			cmd.Process.Signal(os.Interrupt)
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("lunar did not die of SIGINT")
		}
	}
}
