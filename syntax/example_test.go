package syntax_test

import (
	"fmt"

	"github.com/lunar-lua/lunar/syntax"
)

func ExampleParse() {
	chunk, err := syntax.Parse("@hello.lua", []byte("#!/usr/bin/env lua\nprint('hello ' .. name)\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	call := chunk.Block.Stats[0].(*syntax.CallStat)
	fmt.Println(call.Pos().Line, len(call.Call.(*syntax.CallExpr).Args))
	// Output: 2 1
}

func ExampleParse_error() {
	_, err := syntax.Parse("=input", []byte("function f()\n  return 1 +\nend"))
	fmt.Println(err)
	_, err = syntax.Parse("x = 1 + (2", []byte("x = 1 + (2"))
	fmt.Println(err)
	// Output:
	// input:3: unexpected symbol near 'end'
	// [string "x = 1 + (2"]:1: ')' expected near <eof>
}

func ExampleErrorList() {
	src := []byte("local a = = 1\nlocal b = 2\nlocal c = )\n")
	_, err := syntax.ParseMode("@list.lua", src, 0)
	for _, e := range err.(syntax.ErrorList) {
		fmt.Println(e)
	}
	// Output:
	// list.lua:1: unexpected symbol near '='
	// list.lua:3: unexpected symbol near ')'
}

func ExampleChunkID() {
	fmt.Println(syntax.ChunkID("@scripts/main.lua"))
	fmt.Println(syntax.ChunkID("=stdin"))
	fmt.Println(syntax.ChunkID("local x = 1\nreturn x"))
	// Output:
	// scripts/main.lua
	// stdin
	// [string "local x = 1..."]
}

func ExampleDump() {
	chunk, _ := syntax.Parse("=input", []byte("return -x ^ 2"))
	fmt.Print(syntax.Dump(chunk.Block))
	// Output:
	// Block End=1:14
	//   ReturnStat 1:1
	//     UnaryExpr 1:8 -
	//       BinaryExpr 1:11 ^
	//         NameExpr 1:9 x
	//         IntExpr 1:13 2
}
