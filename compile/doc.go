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
// Where the generated code deliberately differs from that of luac 5.4.4,
// the difference is documented at the place that makes it; the list is in
// the README of the package's test data.
//
// No path through the package recurses without a bound: chains that the
// grammar builds with loops (a+b+c+..., a.b.c..., f()()()...) are walked
// with loops, and every other nesting counts against a depth limit.
package compile
