package main

import (
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lunar-lua/lunar"
)

// Ctrl-C (SIGINT) stops the running chunk, as in lua.c: the first SIGINT
// during a run asks the state to stop (State.Interrupt is safe from any
// goroutine; the VM looks at the flag between small chunks of work, so a
// running loop stops at once with an "interrupted!" error, which pcall
// catches, as the error lua.c's hook raises); a
// second one during the same run ends the process, for a script stuck
// where the VM does not look (a blocking read). Outside runs SIGINT ends
// the process, as its default action does, except in the REPL, where the
// line editor reads Ctrl-C as a key and a stray SIGINT between two chunks
// is ignored.
//
// The handler is installed once per process, from a goroutine started
// with the command: installing a signal handler costs a Go program more
// than a tenth of a millisecond, which then overlaps with the opening of
// the state instead of adding to the start-up time.

// interrupts routes the process's SIGINTs to the run in progress.
type interrupts struct {
	state   atomic.Pointer[lunar.State]
	running atomic.Bool
	inREPL  atomic.Bool
	hits    atomic.Int32  // SIGINTs during the current run
	ready   chan struct{} // closed once the handler is installed
}

// sigint returns the process's SIGINT router, starting it on first use.
var sigint = sync.OnceValue(func() *interrupts {
	in := &interrupts{ready: make(chan struct{})}
	go func() {
		ch := make(chan os.Signal, 4)
		signal.Notify(ch, os.Interrupt)
		close(in.ready)
		for range ch {
			in.handle()
		}
	}()
	return in
})

func (in *interrupts) handle() {
	if !in.running.Load() {
		if in.inREPL.Load() {
			return
		}
		dieOfInterrupt()
	}
	if in.hits.Add(1) > 1 {
		dieOfInterrupt()
	}
	if s := in.state.Load(); s != nil {
		s.RaiseError("interrupted!")
	}
}

// run calls f, which runs a chunk in s, with Ctrl-C stopping it.
func (in *interrupts) run(s *lunar.State, f func()) {
	<-in.ready
	in.state.Store(s)
	in.hits.Store(0)
	in.running.Store(true)
	defer in.running.Store(false)
	f()
}

// dieOfInterrupt ends the process as SIGINT's default action does, so
// that the parent sees it killed by the signal.
func dieOfInterrupt() {
	signal.Reset(os.Interrupt)
	if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(os.Interrupt) == nil {
		time.Sleep(time.Second) // the signal is on its way to another thread
	}
	os.Exit(130)
}
