// Package stdlib implements the Lua 5.4 standard libraries of chapter 6 of
// the reference manual on top of package lunar's public API: package,
// string, utf8, table, math, io and os, each in its own file. The base and coroutine
// libraries live in package lunar itself because they need the VM's
// internals.
//
// A library's engine (pattern matching, string.format, string.pack,
// strftime, the random generator) is plain Go that can be tested without a
// State; the functions registered in Lua are thin wrappers around it.
package stdlib
