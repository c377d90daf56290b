package lunar_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/lunar-lua/lunar"
)

// Compile a chunk once and run it in a state. A Program is immutable and
// may be shared by any number of states and goroutines.
func ExampleCompile() {
	prog, err := lunar.Compile("greet.lua", []byte(`
		local name = ...
		return "hello, " .. name, #name
	`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := lunar.NewState()
	res, err := s.Run(context.Background(), prog, lunar.String("lunar"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res[0].AsString(), res[1].AsInt())
	// Output: hello, lunar 5
}

// Syntax errors read like the reference interpreter's.
func ExampleCompile_syntaxError() {
	_, err := lunar.Compile("bad.lua", []byte("x = = 1"))
	fmt.Println(err)
	// Output: bad.lua:1: unexpected symbol near '='
}

// A syntax error carries its chunk, line, column and message.
func ExampleSyntaxError() {
	_, err := lunar.Compile("bad.lua", []byte("local x = 1\nif x then\n  y = (2\nend"))
	var se *lunar.SyntaxError
	if errors.As(err, &se) {
		fmt.Printf("chunk %s, line %d, column %d: %s\n", se.Chunk, se.Pos.Line, se.Pos.Col, se.Msg)
	}
	// Output: chunk @bad.lua, line 4, column 1: ')' expected (to close '(' at line 3) near 'end'
}

// Register a Go function and call it from Lua. Arguments arrive as a
// slice; results are pushed.
func ExampleState_Register() {
	s := lunar.NewState(lunar.WithStdout(os.Stdout))
	s.Register("add", func(t *lunar.Thread, args []lunar.Value) (int, error) {
		a, err := t.CheckInteger(args, 1)
		if err != nil {
			return 0, err
		}
		b, err := t.CheckInteger(args, 2)
		if err != nil {
			return 0, err
		}
		t.Push(lunar.Int(a + b))
		return 1, nil
	})
	if _, err := s.DoString("example", `print(add(2, 3)) print(pcall(add, 1))`); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 5
	// false	bad argument #2 to 'add' (number expected, got no value)
}

// Call a Lua function from Go; Lua errors come back as *lunar.Error.
func ExampleState_Call() {
	s := lunar.NewState()
	if _, err := s.DoString("lib", `function half(x) if x % 2 ~= 0 then error("odd number") end return x // 2 end`); err != nil {
		fmt.Println(err)
		return
	}
	half := s.GetGlobal("half")
	res, err := s.Call(context.Background(), half, lunar.Int(10))
	fmt.Println(res[0].AsInt(), err)
	_, err = s.Call(context.Background(), half, lunar.Int(3))
	fmt.Println(err)
	// Output:
	// 5 <nil>
	// lib:1: odd number
}
