package lunar_test

import (
	"context"
	"io"
	"testing"

	"github.com/lunar-lua/lunar"
)

// FuzzVM compiles and runs arbitrary source: the VM must never panic or
// crash the process, whatever the program does. A count hook bounds the
// work so that infinite loops end.
func FuzzVM(f *testing.F) {
	for _, seed := range []string{
		"local t = {} for i = 1, 10 do t[i] = i end return #t",
		"local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(50)",
		"return setmetatable({}, {__index = function(t, k) return k end}).x",
		"local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end) return co(1), co(2)",
		"local s = '' for i = 1, 5 do s = s .. i end return s",
		"goto l ::l:: return pcall(error, {})",
		"local a <close> = setmetatable({}, {__close = function() end}) return 1",
		"return 1 // 0",
		"return ('x'):rep(3)",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := lunar.Compile("fuzz", []byte(src))
		if err != nil {
			return
		}
		s := lunar.NewState(lunar.WithStdout(io.Discard), lunar.WithStderr(io.Discard))
		defer s.Close()
		steps := 0
		s.SetHook(lunar.NewFunction("limit", func(th *lunar.Thread, args []lunar.Value) (int, error) {
			steps++
			if steps > 100 {
				return 0, &lunar.LimitError{Limit: "instructions"}
			}
			return 0, nil
		}), "", 1000)
		s.Run(context.Background(), prog)
	})
}
