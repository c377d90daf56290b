// Package bytecode defines Lunar's register instruction set: the 32-bit
// instruction encoding, the opcode table (every opcode documented with its
// effect in the manual's register notation), the function prototype that the
// compiler emits and the VM runs, and the disassembler behind `lunar disasm`.
//
// The instruction set follows the design of Lua 5.4's: instructions address
// registers (R), constants (K) and upvalues directly, arithmetic has
// immediate and constant forms followed by an MMBIN-family instruction that
// the VM runs only when the fast path fails, and comparisons are followed by
// a jump.
//
// This package knows nothing of runtime values: constants are plain Go
// values (nil, bool, int64, float64, string) and the runtime converts them
// once, when a program is loaded.
package bytecode
