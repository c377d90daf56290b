package bytecode

// OpCode identifies an instruction. The values are dense so that the VM's
// switch compiles to a jump table.
type OpCode uint8

// The opcodes. Notation: R[x] is register x of the current frame, K[x]
// constant x, U[x] upvalue x, sB/sC signed immediates, k the k bit, pc the
// index of the next instruction. "RK(C)" is K[C] when k is set, else R[C].
const (
	OpMove       OpCode = iota // A B      R[A] := R[B]
	OpLoadI                    // A sBx    R[A] := sBx (integer)
	OpLoadF                    // A sBx    R[A] := float(sBx)
	OpLoadK                    // A Bx     R[A] := K[Bx]
	OpLoadKX                   // A        R[A] := K[extra arg]
	OpLoadFalse                // A        R[A] := false
	OpLFalseSkip               // A        R[A] := false; pc++
	OpLoadTrue                 // A        R[A] := true
	OpLoadNil                  // A B      R[A], ..., R[A+B] := nil
	OpGetUpval                 // A B      R[A] := U[B]
	OpSetUpval                 // A B      U[B] := R[A]
	OpGetTabUp                 // A B C    R[A] := U[B][K[C]:string]
	OpGetTable                 // A B C    R[A] := R[B][R[C]]
	OpGetI                     // A B C    R[A] := R[B][C]
	OpGetField                 // A B C    R[A] := R[B][K[C]:string]
	OpSetTabUp                 // A B C k  U[A][K[B]:string] := RK(C)
	OpSetTable                 // A B C k  R[A][R[B]] := RK(C)
	OpSetI                     // A B C k  R[A][B] := RK(C)
	OpSetField                 // A B C k  R[A][K[B]:string] := RK(C)
	OpNewTable                 // A B C k  R[A] := {} (B: log2(hash size)+1, C: array size, k: C has an extra arg)
	OpSelf                     // A B C k  R[A+1] := R[B]; R[A] := R[B][RK(C):string]
	OpAddI                     // A B sC   R[A] := R[B] + sC
	OpAddK                     // A B C    R[A] := R[B] + K[C]:number
	OpSubK                     // A B C    R[A] := R[B] - K[C]:number
	OpMulK                     // A B C    R[A] := R[B] * K[C]:number
	OpModK                     // A B C    R[A] := R[B] % K[C]:number
	OpPowK                     // A B C    R[A] := R[B] ^ K[C]:number
	OpDivK                     // A B C    R[A] := R[B] / K[C]:number
	OpIDivK                    // A B C    R[A] := R[B] // K[C]:number
	OpBAndK                    // A B C    R[A] := R[B] & K[C]:integer
	OpBOrK                     // A B C    R[A] := R[B] | K[C]:integer
	OpBXorK                    // A B C    R[A] := R[B] ~ K[C]:integer
	OpShrI                     // A B sC   R[A] := R[B] >> sC
	OpShlI                     // A B sC   R[A] := sC << R[B]
	OpAdd                      // A B C    R[A] := R[B] + R[C]
	OpSub                      // A B C    R[A] := R[B] - R[C]
	OpMul                      // A B C    R[A] := R[B] * R[C]
	OpMod                      // A B C    R[A] := R[B] % R[C]
	OpPow                      // A B C    R[A] := R[B] ^ R[C]
	OpDiv                      // A B C    R[A] := R[B] / R[C]
	OpIDiv                     // A B C    R[A] := R[B] // R[C]
	OpBAnd                     // A B C    R[A] := R[B] & R[C]
	OpBOr                      // A B C    R[A] := R[B] | R[C]
	OpBXor                     // A B C    R[A] := R[B] ~ R[C]
	OpShl                      // A B C    R[A] := R[B] << R[C]
	OpShr                      // A B C    R[A] := R[B] >> R[C]
	OpMMBin                    // A B C    call C metamethod over R[A] and R[B] (result to the previous instruction's A)
	OpMMBinI                   // A sB C k call C metamethod over R[A] and sB (k: operands swapped)
	OpMMBinK                   // A B C k  call C metamethod over R[A] and K[B] (k: operands swapped)
	OpUnm                      // A B      R[A] := -R[B]
	OpBNot                     // A B      R[A] := ~R[B]
	OpNot                      // A B      R[A] := not R[B]
	OpLen                      // A B      R[A] := #R[B] (length operator)
	OpConcat                   // A B      R[A] := R[A].. ... ..R[A + B - 1]
	OpClose                    // A        close all upvalues and to-be-closed variables >= R[A]
	OpTBC                      // A        mark variable A "to be closed"
	OpJmp                      // sJ       pc += sJ
	OpEq                       // A B k    if ((R[A] == R[B]) ~= k) then pc++
	OpLt                       // A B k    if ((R[A] <  R[B]) ~= k) then pc++
	OpLe                       // A B k    if ((R[A] <= R[B]) ~= k) then pc++
	OpEqK                      // A B k    if ((R[A] == K[B]) ~= k) then pc++
	OpEqI                      // A sB k   if ((R[A] == sB) ~= k) then pc++ (C: 1 if the original operand was a float)
	OpLtI                      // A sB k   if ((R[A] < sB) ~= k) then pc++ (C: isfloat)
	OpLeI                      // A sB k   if ((R[A] <= sB) ~= k) then pc++ (C: isfloat)
	OpGtI                      // A sB k   if ((R[A] > sB) ~= k) then pc++ (C: isfloat)
	OpGeI                      // A sB k   if ((R[A] >= sB) ~= k) then pc++ (C: isfloat)
	OpTest                     // A k      if (not R[A] == k) then pc++
	OpTestSet                  // A B k    if (not R[B] == k) then pc++ else R[A] := R[B]
	OpCall                     // A B C    R[A], ... ,R[A+C-2] := R[A](R[A+1], ... ,R[A+B-1]) (B=0: args up to top; C=0: results set top)
	OpTailCall                 // A B C k  return R[A](R[A+1], ... ,R[A+B-1]) (k: close upvalues/tbc first; C>0: vararg function with C-1 fixed params)
	OpReturn                   // A B C k  return R[A], ... ,R[A+B-2] (B=0: up to top; k: close first; C as in TAILCALL)
	OpReturn0                  //          return
	OpReturn1                  // A        return R[A]
	OpForLoop                  // A Bx     update counters; if loop continues then pc -= Bx
	OpForPrep                  // A Bx     check values and prepare counters; if not to run then pc += Bx+1
	OpTForPrep                 // A Bx     create upvalue for R[A + 3]; pc += Bx
	OpTForCall                 // A C      R[A+4], ... ,R[A+3+C] := R[A](R[A+1], R[A+2])
	OpTForLoop                 // A Bx     if R[A+4] ~= nil then { R[A+2] := R[A+4]; pc -= Bx }
	OpSetList                  // A B C k  R[A][C+i] := R[A+i], 1 <= i <= B (B=0: up to top; k: C has an extra arg)
	OpClosure                  // A Bx     R[A] := closure(Protos[Bx])
	OpVararg                   // A C      R[A], R[A+1], ..., R[A+C-2] = vararg (C=0: all, set top)
	OpVarargPrep               // A        adjust vararg parameters (A: number of fixed parameters)
	OpExtraArg                 // Ax       extra (larger) argument for the previous opcode

	NumOpCodes int = iota
)

// Mode is an instruction's encoding layout.
type Mode uint8

// Instruction layouts.
const (
	ModeABC Mode = iota
	ModeABx
	ModeAsBx
	ModeAx
	ModeSJ
)

// OpInfo describes an opcode for the compiler and the disassembler.
type OpInfo struct {
	Name string
	Mode Mode
	// SetsA is true when the instruction assigns register A.
	SetsA bool
	// IsTest is true for comparisons and tests, which are always followed
	// by a jump.
	IsTest bool
	// UsesTop is true when the instruction reads the stack top set by the
	// previous instruction (B=0 in CALL, RETURN, SETLIST).
	UsesTop bool
	// SetsTop is true when the instruction may set the stack top (C=0).
	SetsTop bool
	// IsMM is true for the MMBIN family.
	IsMM bool
}

// Info is the opcode table, indexed by OpCode. A test checks that every
// opcode has an entry.
var Info = [...]OpInfo{
	OpMove:       {Name: "MOVE", Mode: ModeABC, SetsA: true},
	OpLoadI:      {Name: "LOADI", Mode: ModeAsBx, SetsA: true},
	OpLoadF:      {Name: "LOADF", Mode: ModeAsBx, SetsA: true},
	OpLoadK:      {Name: "LOADK", Mode: ModeABx, SetsA: true},
	OpLoadKX:     {Name: "LOADKX", Mode: ModeABx, SetsA: true},
	OpLoadFalse:  {Name: "LOADFALSE", Mode: ModeABC, SetsA: true},
	OpLFalseSkip: {Name: "LFALSESKIP", Mode: ModeABC, SetsA: true},
	OpLoadTrue:   {Name: "LOADTRUE", Mode: ModeABC, SetsA: true},
	OpLoadNil:    {Name: "LOADNIL", Mode: ModeABC, SetsA: true},
	OpGetUpval:   {Name: "GETUPVAL", Mode: ModeABC, SetsA: true},
	OpSetUpval:   {Name: "SETUPVAL", Mode: ModeABC},
	OpGetTabUp:   {Name: "GETTABUP", Mode: ModeABC, SetsA: true},
	OpGetTable:   {Name: "GETTABLE", Mode: ModeABC, SetsA: true},
	OpGetI:       {Name: "GETI", Mode: ModeABC, SetsA: true},
	OpGetField:   {Name: "GETFIELD", Mode: ModeABC, SetsA: true},
	OpSetTabUp:   {Name: "SETTABUP", Mode: ModeABC},
	OpSetTable:   {Name: "SETTABLE", Mode: ModeABC},
	OpSetI:       {Name: "SETI", Mode: ModeABC},
	OpSetField:   {Name: "SETFIELD", Mode: ModeABC},
	OpNewTable:   {Name: "NEWTABLE", Mode: ModeABC, SetsA: true},
	OpSelf:       {Name: "SELF", Mode: ModeABC, SetsA: true},
	OpAddI:       {Name: "ADDI", Mode: ModeABC, SetsA: true},
	OpAddK:       {Name: "ADDK", Mode: ModeABC, SetsA: true},
	OpSubK:       {Name: "SUBK", Mode: ModeABC, SetsA: true},
	OpMulK:       {Name: "MULK", Mode: ModeABC, SetsA: true},
	OpModK:       {Name: "MODK", Mode: ModeABC, SetsA: true},
	OpPowK:       {Name: "POWK", Mode: ModeABC, SetsA: true},
	OpDivK:       {Name: "DIVK", Mode: ModeABC, SetsA: true},
	OpIDivK:      {Name: "IDIVK", Mode: ModeABC, SetsA: true},
	OpBAndK:      {Name: "BANDK", Mode: ModeABC, SetsA: true},
	OpBOrK:       {Name: "BORK", Mode: ModeABC, SetsA: true},
	OpBXorK:      {Name: "BXORK", Mode: ModeABC, SetsA: true},
	OpShrI:       {Name: "SHRI", Mode: ModeABC, SetsA: true},
	OpShlI:       {Name: "SHLI", Mode: ModeABC, SetsA: true},
	OpAdd:        {Name: "ADD", Mode: ModeABC, SetsA: true},
	OpSub:        {Name: "SUB", Mode: ModeABC, SetsA: true},
	OpMul:        {Name: "MUL", Mode: ModeABC, SetsA: true},
	OpMod:        {Name: "MOD", Mode: ModeABC, SetsA: true},
	OpPow:        {Name: "POW", Mode: ModeABC, SetsA: true},
	OpDiv:        {Name: "DIV", Mode: ModeABC, SetsA: true},
	OpIDiv:       {Name: "IDIV", Mode: ModeABC, SetsA: true},
	OpBAnd:       {Name: "BAND", Mode: ModeABC, SetsA: true},
	OpBOr:        {Name: "BOR", Mode: ModeABC, SetsA: true},
	OpBXor:       {Name: "BXOR", Mode: ModeABC, SetsA: true},
	OpShl:        {Name: "SHL", Mode: ModeABC, SetsA: true},
	OpShr:        {Name: "SHR", Mode: ModeABC, SetsA: true},
	OpMMBin:      {Name: "MMBIN", Mode: ModeABC, IsMM: true},
	OpMMBinI:     {Name: "MMBINI", Mode: ModeABC, IsMM: true},
	OpMMBinK:     {Name: "MMBINK", Mode: ModeABC, IsMM: true},
	OpUnm:        {Name: "UNM", Mode: ModeABC, SetsA: true},
	OpBNot:       {Name: "BNOT", Mode: ModeABC, SetsA: true},
	OpNot:        {Name: "NOT", Mode: ModeABC, SetsA: true},
	OpLen:        {Name: "LEN", Mode: ModeABC, SetsA: true},
	OpConcat:     {Name: "CONCAT", Mode: ModeABC, SetsA: true},
	OpClose:      {Name: "CLOSE", Mode: ModeABC},
	OpTBC:        {Name: "TBC", Mode: ModeABC},
	OpJmp:        {Name: "JMP", Mode: ModeSJ},
	OpEq:         {Name: "EQ", Mode: ModeABC, IsTest: true},
	OpLt:         {Name: "LT", Mode: ModeABC, IsTest: true},
	OpLe:         {Name: "LE", Mode: ModeABC, IsTest: true},
	OpEqK:        {Name: "EQK", Mode: ModeABC, IsTest: true},
	OpEqI:        {Name: "EQI", Mode: ModeABC, IsTest: true},
	OpLtI:        {Name: "LTI", Mode: ModeABC, IsTest: true},
	OpLeI:        {Name: "LEI", Mode: ModeABC, IsTest: true},
	OpGtI:        {Name: "GTI", Mode: ModeABC, IsTest: true},
	OpGeI:        {Name: "GEI", Mode: ModeABC, IsTest: true},
	OpTest:       {Name: "TEST", Mode: ModeABC, IsTest: true},
	OpTestSet:    {Name: "TESTSET", Mode: ModeABC, SetsA: true, IsTest: true},
	OpCall:       {Name: "CALL", Mode: ModeABC, SetsA: true, UsesTop: true, SetsTop: true},
	OpTailCall:   {Name: "TAILCALL", Mode: ModeABC, SetsA: true, UsesTop: true, SetsTop: true},
	OpReturn:     {Name: "RETURN", Mode: ModeABC, UsesTop: true},
	OpReturn0:    {Name: "RETURN0", Mode: ModeABC},
	OpReturn1:    {Name: "RETURN1", Mode: ModeABC},
	OpForLoop:    {Name: "FORLOOP", Mode: ModeABx, SetsA: true},
	OpForPrep:    {Name: "FORPREP", Mode: ModeABx, SetsA: true},
	OpTForPrep:   {Name: "TFORPREP", Mode: ModeABx},
	OpTForCall:   {Name: "TFORCALL", Mode: ModeABC},
	OpTForLoop:   {Name: "TFORLOOP", Mode: ModeABx, SetsA: true},
	OpSetList:    {Name: "SETLIST", Mode: ModeABC, UsesTop: true},
	OpClosure:    {Name: "CLOSURE", Mode: ModeABx, SetsA: true},
	OpVararg:     {Name: "VARARG", Mode: ModeABC, SetsA: true, SetsTop: true},
	OpVarargPrep: {Name: "VARARGPREP", Mode: ModeABC, SetsA: true},
	OpExtraArg:   {Name: "EXTRAARG", Mode: ModeAx},
}

// String returns the opcode's name as the disassembler prints it.
func (op OpCode) String() string {
	if int(op) < len(Info) && Info[op].Name != "" {
		return Info[op].Name
	}
	return "OP?"
}

// TagMethod numbers the metamethod events, in the order the MMBIN family's
// C argument uses (the same order as the reference's TMS enumeration).
type TagMethod uint8

// Metamethod events.
const (
	TMIndex TagMethod = iota
	TMNewIndex
	TMGC
	TMMode
	TMLen
	TMEq
	TMAdd
	TMSub
	TMMul
	TMMod
	TMPow
	TMDiv
	TMIDiv
	TMBAnd
	TMBOr
	TMBXor
	TMShl
	TMShr
	TMUnm
	TMBNot
	TMLt
	TMLe
	TMConcat
	TMCall
	TMClose
	NumTagMethods int = iota
)

// TagMethodNames holds each event's metatable key ("__index", ...).
var TagMethodNames = [...]string{
	"__index", "__newindex", "__gc", "__mode", "__len", "__eq", "__add",
	"__sub", "__mul", "__mod", "__pow", "__div", "__idiv", "__band",
	"__bor", "__bxor", "__shl", "__shr", "__unm", "__bnot", "__lt", "__le",
	"__concat", "__call", "__close",
}
