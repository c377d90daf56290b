module github.com/lunar-lua/lunar/bench

go 1.26.0

require (
	github.com/yuin/gopher-lua v1.1.2
	go.starlark.net v0.0.0-20260908191801-89a6a09411d5
)

require (
	github.com/lunar-lua/lunar v0.0.0-00010101000000-000000000000
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/lunar-lua/lunar => ../
