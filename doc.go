// Package lunar is a Lua 5.4 interpreter for Go programs: values, tables,
// the register VM, calls, errors, coroutines, the base, coroutine and
// debug libraries, and the embedding API.
//
// A script is compiled once into an immutable Program (Compile), which any
// number of goroutines may run at the same time, each in its own State. A
// State runs on one goroutine at a time; NewState with WithLibraries makes
// one as a cheap copy of a template in which the standard libraries
// (package stdlib) are open, and a Pool hands States out and resets them
// between runs, so that no run sees what another changed.
//
// Runs take a context and optional Limits (instructions, memory, call
// depth, string size); a cancelled context, a passed deadline or a hit
// limit stops the script with a *LimitError that Lua code cannot catch.
// Lua errors come back as *Error values carrying the error value and a
// traceback.
//
// Values are 16-byte structs (Value): nil, booleans, integers and floats
// live in the struct itself, strings point at their bytes, and the other
// types at their objects, so arithmetic, calls and table access allocate
// nothing. ToValue, FromValue and RegisterFunc convert between Go and Lua
// values.
//
// Package lunar owns everything the VM's hot loop touches; parsing lives
// in package syntax, code generation in package compile, the instruction
// set in package bytecode, and the other standard libraries in package
// stdlib.
package lunar
