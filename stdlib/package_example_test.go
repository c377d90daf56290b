package stdlib_test

import (
	"fmt"
	"testing/fstest"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// A host gives scripts a sandboxed module tree: require reads only the
// files of the given fs.FS, and the environment's LUA_PATH is left out.
func ExampleOpenPackage() {
	modules := fstest.MapFS{
		"lib/greet.lua": {Data: []byte(`
			local name, file = ...
			return { hello = function(who) return "hello, " .. who .. " (from " .. file .. ")" end }
		`)},
	}
	s := lunar.NewState()
	stdlib.OpenPackage(s, stdlib.PackageOptions{FS: modules, Path: "lib/?.lua", IgnoreEnv: true})
	res, err := s.DoString("=main", `return require("greet").hello("world")`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res[0].AsString())
	_, err = s.DoString("=main", `require("missing")`)
	fmt.Println(err)
	// Output:
	// hello, world (from lib/greet.lua)
	// main:1: module 'missing' not found:
	// 	no field package.preload['missing']
	// 	no file 'lib/missing.lua'
	// 	no file '/usr/local/lib/lua/5.4/missing.so'
	// 	no file '/usr/local/lib/lua/5.4/loadall.so'
	// 	no file './missing.so'
}
