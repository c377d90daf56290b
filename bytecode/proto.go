package bytecode

// Proto is a compiled function prototype: immutable once the compiler has
// returned it, and shared by every closure made from it on any goroutine.
type Proto struct {
	// Source is the chunk name the function came from ("@file.lua",
	// "=stdin", or the source text itself for strings), as given to the
	// parser.
	Source          string
	LineDefined     int // 0 for the main chunk
	LastLineDefined int
	NumParams       int
	IsVararg        bool
	MaxStackSize    int // registers needed, at least 2

	Code []Instruction
	// LineInfo holds the source line of each instruction (same length as
	// Code).
	LineInfo []int32
	// Constants are nil, bool, int64, float64 or string.
	Constants []any
	Upvalues  []UpvalueDesc
	Protos    []*Proto
	// LocVars describes the active ranges of local variables, in the order
	// of their declaration; debug information for error messages
	// ("local 'x'"), debug.getlocal and the disassembler.
	LocVars []LocVar
}

// UpvalueDesc says where a closure finds an upvalue when it is created.
type UpvalueDesc struct {
	Name string
	// InStack is true when the upvalue is a register of the enclosing
	// function (Index is the register), false when it is an upvalue of the
	// enclosing function (Index is that upvalue's index).
	InStack bool
	Index   int
	Kind    VarKind
}

// VarKind is the kind of a local variable.
type VarKind uint8

// Variable kinds.
const (
	VarRegular VarKind = iota
	VarConst           // <const> with a run-time value
	VarClose           // <close>
	VarCTC             // compile-time constant (no register)
)

// LocVar is a local variable's name and the range of instructions where it
// is active: [StartPC, EndPC).
type LocVar struct {
	Name    string
	StartPC int
	EndPC   int
}
