package stdlib_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/lunar-lua/lunar"
	"github.com/lunar-lua/lunar/stdlib"
)

// Scripts require modules from a tree the host chooses, in safe states
// copied from one template.
func ExampleSafeWithModules() {
	modules := fstest.MapFS{
		"greet.lua": {Data: []byte(`return {hello = function(n) return "hello, " .. n end}`)},
	}
	libs := stdlib.SafeWithModules(modules, "")
	prog, err := lunar.Compile("main.lua", []byte(`
		local greet = require("greet")
		return greet.hello("world"), type(io), pcall(require, "nope") == false`))
	if err != nil {
		fmt.Println(err)
		return
	}
	pool := lunar.NewPool(lunar.WithLibraries(libs))
	res, err := pool.Run(context.Background(), prog)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res[0].AsString(), res[1].AsString(), res[2].AsBool())
	// Output: hello, world nil true
}
