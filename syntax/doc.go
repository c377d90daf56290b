// Package syntax turns Lua 5.4 source text into a syntax tree.
//
// It owns the lexical level of the language (§3.1 of the reference manual:
// tokens, numerals, string escapes, long brackets, comments), the grammar
// of §9 with the operator precedences of §3.4.8, the syntax tree in ast.go,
// positions, and syntax error messages. Messages are worded, positioned and
// formatted exactly as the reference interpreter (lua5.4) prints them, for
// instance
//
//	[string "x = = 1"]:1: unexpected symbol near '='
//
// so that scripts and people that match on them keep working. ChunkID
// formats chunk names for messages the way the reference does.
//
// The parser checks everything the reference checks while it reads the
// text: token order, that '...' is used inside a vararg function only, the
// attributes <const> and <close> (and at most one <close> per local
// statement), that assignment targets are variables and that an expression
// statement is a call, and the nesting limit of 200 syntax levels that the
// reference shares with its C stack (reported, as there, as "C stack
// overflow"). Deep nesting never exhausts the Go stack.
//
// The package does not resolve names: it cannot tell a local from a global
// or an upvalue. Everything that needs scopes is left to package compile:
// goto and label matching ("no visible label", "label already defined"),
// 'break' outside a loop, assignments to <const> variables, and the limits
// on local variables, upvalues and registers. Constant folding is also the
// compiler's.
//
// Parse stops at a bounded number of errors; after an error it skips to the
// start of a statement and goes on, so one run reports several mistakes.
// The first error is always the one the reference would report.
package syntax
