package lunar_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// Serve many requests with one compiled program and a pool of states.
func ExampleNewPool() {
	prog, err := lunar.Compile("greet.lua", []byte(`
		local name = ...
		count = (count or 0) + 1 -- never leaks into the next run
		return string.format("hello, %s (run %d)", name, count)`))
	if err != nil {
		fmt.Println(err)
		return
	}
	pool := lunar.NewPool(lunar.WithLibraries(stdlib.Safe))
	for _, name := range []string{"ada", "grace"} {
		res, err := pool.Run(context.Background(), prog, lunar.String(name))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(res[0].AsString())
	}
	// Output:
	// hello, ada (run 1)
	// hello, grace (run 1)
}

// Limits stop runaway scripts with an error that says which limit hit.
func ExampleWithLimits() {
	s := lunar.NewState(lunar.WithLimits(lunar.Limits{Instructions: 100000}))
	_, err := s.DoString("spin", "while true do end")
	var le *lunar.LimitError
	fmt.Println(errors.As(err, &le), le.Limit)
	// Output: true instructions
}

// A context's deadline or cancellation stops the run.
func ExampleState_Run_cancel() {
	s := lunar.NewState()
	prog, _ := lunar.Compile("spin", []byte("while true do end"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Run(ctx, prog)
	fmt.Println(errors.Is(err, context.Canceled))
	// Output: true
}

// States made from a library set are cheap copies of a template in which
// the libraries were opened once; Reset brings one back to that template.
func ExampleWithLibraries() {
	s := lunar.NewState(lunar.WithLibraries(stdlib.Safe))
	if _, err := s.DoString("a", `x = 1 string.shout = string.upper`); err != nil {
		fmt.Println(err)
		return
	}
	s.Reset()
	res, err := s.DoString("b", `return tostring(x), tostring(string.shout), type(io)`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res[0].AsString(), res[1].AsString(), res[2].AsString())
	// Output: nil nil nil
}

// WithSetup registers what every run should see, again after each Reset.
func ExampleWithSetup() {
	pool := lunar.NewPool(lunar.WithSetup(func(s *lunar.State) {
		s.SetGlobal("VERSION", lunar.String("1.2.3"))
	}))
	prog, _ := lunar.Compile("v", []byte("VERSION = VERSION .. '!' return VERSION"))
	for i := 0; i < 2; i++ {
		res, _ := pool.Run(context.Background(), prog)
		fmt.Println(res[0].AsString())
	}
	// Output:
	// 1.2.3!
	// 1.2.3!
}

// requestLog is a library's per-state data: each state copied from the
// template gets its own, through CloneFor.
type requestLog struct{ lines []string }

func (l *requestLog) CloneFor(*lunar.Cloner) any { return &requestLog{} }

var requestLogKey = lunar.NewDataKey()

// A library of your own keeps per-state Go data in the state (NewDataKey,
// State.Data, State.SetData): its functions stay plain, shared by every
// state made from the template, and each state still has its own data.
func ExampleNewDataKey() {
	logLib := lunar.NewLibraries(func(s *lunar.State) {
		s.SetData(requestLogKey, &requestLog{})
		s.SetGlobal("log", lunar.NewFunction("log", func(t *lunar.Thread, args []lunar.Value) (int, error) {
			msg, err := t.CheckString(args, 1)
			if err != nil {
				return 0, err
			}
			l := t.State().Data(requestLogKey).(*requestLog)
			l.lines = append(l.lines, msg)
			return 0, nil
		}))
	})
	a := lunar.NewState(lunar.WithLibraries(logLib))
	b := lunar.NewState(lunar.WithLibraries(logLib))
	a.DoString("a", `log("one") log("two")`)
	b.DoString("b", `log("three")`)
	fmt.Println(a.Data(requestLogKey).(*requestLog).lines, b.Data(requestLogKey).(*requestLog).lines)
	// Output: [one two] [three]
}
