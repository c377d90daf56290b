// Package compile turns the syntax tree of a Lua 5.4 chunk into function
// prototypes (bytecode.Proto) for Lunar's virtual machine.
//
// It works in two passes over the tree of package syntax:
//
//   - The resolver (resolve.go) decides what every name means: a local of
//     the current function, an upvalue (a local of an enclosing function,
//     reached through the chain of closures), a compile-time constant (a
//     <const> local initialised with a constant expression, which takes no
//     register), or a global (a field of _ENV). It assigns registers to
//     locals, builds each function's upvalue list, finds the blocks whose
//     locals are captured by closures or are to be closed, and checks the
//     rules that need scopes: goto and labels (§3.3.4), break outside a
//     loop, assignment to <const> and <close> variables, and the limits on
//     local variables and upvalues.
//   - The code generator (codegen*.go) walks the tree again and emits the
//     instructions, following the reference compiler (lcode.c/lparser.c of
//     Lua 5.4) closely: the same register allocation, the same instruction
//     shapes (immediate and constant operands, MMBIN after arithmetic,
//     jumps after tests, jump lists for conditions), constant folding, and
//     line information attributed as the reference does. Code generated
//     for a program is meant to be the code `luac -l -l` lists, so that
//     the VM, which implements the reference's instruction semantics, and
//     people comparing listings can rely on it.
//
// The compiler owns nothing at run time: it returns immutable prototypes
// that may be shared by any number of goroutines. It knows nothing of
// values beyond the constants it folds (nil, booleans, int64, float64 and
// strings).
//
// Errors are *syntax.Error values worded and positioned as the reference
// reports them (for semantic errors, the line where the reference's
// one-pass parser was when it detected them; the tree keeps enough
// positions to find that line in all but rare multi-line layouts).
//
// # Differences from luac 5.4.4
//
// The code is the code luac 5.4.4 generates, instruction for instruction
// (the tests compare listings with luac's when it is installed), except:
//
//   - Constants are deduplicated per function. luac 5.4.4 shares one
//     constant cache among all the functions of a chunk and gives a
//     function a second entry for a constant that a nested function used
//     in between; only constant indices differ.
//   - A break out of a for loop that must close captured variables closes
//     from the level outside the loop, as Lua 5.4.6 does; luac 5.4.4
//     closes from the level of the loop's control variables, which misses
//     the closing value of a generic for.
//   - Jump lists are linked in another order (joining the shorter list to
//     the longer), which keeps long chains of 'and'/'or' linear; the
//     final code is the same. Labels and gotos are looked up by name for
//     the same reason.
//   - Line information comes from the tree, which keeps the position
//     where each token starts but not all tokens: an instruction the
//     reference attributes to a token the tree lacks (a ')' closing
//     arguments on a later line, a 'do' or 'then' on a line of its own,
//     the last line of a multi-line string literal) gets the line of the
//     nearest token the tree has.
//
// Errors are the reference's, with these differences: when a chunk has a
// semantic error and a later syntax error, the parser reports the syntax
// error (the compiler never sees the chunk); limit errors ("too many
// registers", "too many upvalues") end with "near" and the token only
// where the tree tells which token that is.
//
// No path through the package recurses without a bound: chains that the
// grammar builds with loops (a+b+c+..., a.b.c..., f()()()...) are walked
// with loops, and every other nesting counts against a depth limit.
package compile
