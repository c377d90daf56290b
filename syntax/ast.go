package syntax

// This file defines the abstract syntax tree produced by Parse and consumed
// by package compile. The tree is a faithful picture of the source: names
// are not resolved here (a NameExpr may turn out to be a local, an upvalue or
// a global), constant folding is left to the compiler, and every node keeps
// the position the reference interpreter would use for its line information.

// Pos is a position in a chunk: a 1-based line and a 1-based column (in
// bytes). The zero Pos means "no position".
type Pos struct {
	Line int32
	Col  int32
}

// IsValid reports whether p carries a position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Node is implemented by every syntax tree node.
type Node interface {
	// Pos returns the position the reference interpreter attributes the
	// node's code to (see each node's doc for which token that is).
	Pos() Pos
}

// Chunk is a whole source unit: the body of the main function, which is
// always variadic and has _ENV as its single upvalue (§3.3.2).
type Chunk struct {
	Name  string // chunk name as given to Parse ("@file.lua", "=stdin", or source text)
	Block *Block
}

// Block is a sequence of statements with its own scope.
type Block struct {
	Stats []Stat
	// End is the position of the token that closes the block ('end',
	// 'until', 'else', 'elseif' or <eof>). The implicit return at the end
	// of a function body is attributed to its line.
	End Pos
}

// ---------------------------------------------------------------------------
// Expressions

// Expr is implemented by every expression node.
type Expr interface {
	Node
	exprNode()
}

// NilExpr is the literal nil.
type NilExpr struct{ P Pos }

// TrueExpr is the literal true.
type TrueExpr struct{ P Pos }

// FalseExpr is the literal false.
type FalseExpr struct{ P Pos }

// VarargExpr is '...'.
type VarargExpr struct{ P Pos }

// IntExpr is an integer numeral (decimal numerals that overflow an int64
// are FloatExpr, hexadecimal ones wrap around, §3.1).
type IntExpr struct {
	P     Pos
	Value int64
}

// FloatExpr is a float numeral.
type FloatExpr struct {
	P     Pos
	Value float64
}

// StringExpr is a string literal (escapes already decoded), also used for
// the key of a field access 'a.name' and of a record field 'name = v'.
type StringExpr struct {
	P     Pos
	Value string
}

// NameExpr is a reference to a variable by name; package compile decides
// whether it is a local, an upvalue or a global (_ENV.name).
type NameExpr struct {
	P    Pos
	Name string
}

// IndexExpr is Obj[Key]; 'a.b' is IndexExpr{Obj: a, Key: StringExpr{"b"}}.
// P is the position of the '.' or '[' token.
type IndexExpr struct {
	P   Pos
	Obj Expr
	Key Expr
}

// CallExpr is Fn(Args...). P is the position of the first token of the
// whole suffixed expression the call belongs to (the reference attributes
// a call to the line where its prefix expression starts). String and table
// call sugar (f"x", f{...}) become a single argument.
type CallExpr struct {
	P    Pos
	Fn   Expr
	Args []Expr
}

// MethodCallExpr is Obj:Name(Args...). P is as in CallExpr; NameP is the
// position of the method name.
type MethodCallExpr struct {
	P     Pos
	Obj   Expr
	Name  string
	NameP Pos
	Args  []Expr
}

// FunctionExpr is a function constructor 'function (params) body end'.
// For 'function t:m() ... end' the parser prepends the parameter "self".
// P is the position of the 'function' keyword; EndP that of its 'end'.
type FunctionExpr struct {
	P        Pos
	EndP     Pos
	Params   []string
	IsVararg bool
	Body     *Block
}

// BinaryExpr is L Op R; P is the position of the operator token.
type BinaryExpr struct {
	P  Pos
	Op BinaryOp
	L  Expr
	R  Expr
}

// UnaryExpr is Op X; P is the position of the operator token.
type UnaryExpr struct {
	P  Pos
	Op UnaryOp
	X  Expr
}

// ParenExpr is '(' X ')': it truncates a multi-valued X to one value and
// makes a variable no longer assignable.
type ParenExpr struct {
	P Pos
	X Expr
}

// TableExpr is a table constructor '{ fields }'. P is the position of '{',
// EndP that of '}'.
type TableExpr struct {
	P      Pos
	EndP   Pos
	Fields []TableField
}

// TableField is one field of a table constructor. Key is nil for a
// positional field ('exp'); a record field 'name = exp' has a StringExpr key;
// '[k] = exp' has the key expression.
type TableField struct {
	Key   Expr
	Value Expr
}

func (e *NilExpr) Pos() Pos        { return e.P }
func (e *TrueExpr) Pos() Pos       { return e.P }
func (e *FalseExpr) Pos() Pos      { return e.P }
func (e *VarargExpr) Pos() Pos     { return e.P }
func (e *IntExpr) Pos() Pos        { return e.P }
func (e *FloatExpr) Pos() Pos      { return e.P }
func (e *StringExpr) Pos() Pos     { return e.P }
func (e *NameExpr) Pos() Pos       { return e.P }
func (e *IndexExpr) Pos() Pos      { return e.P }
func (e *CallExpr) Pos() Pos       { return e.P }
func (e *MethodCallExpr) Pos() Pos { return e.P }
func (e *FunctionExpr) Pos() Pos   { return e.P }
func (e *BinaryExpr) Pos() Pos     { return e.P }
func (e *UnaryExpr) Pos() Pos      { return e.P }
func (e *ParenExpr) Pos() Pos      { return e.P }
func (e *TableExpr) Pos() Pos      { return e.P }

func (*NilExpr) exprNode()        {}
func (*TrueExpr) exprNode()       {}
func (*FalseExpr) exprNode()      {}
func (*VarargExpr) exprNode()     {}
func (*IntExpr) exprNode()        {}
func (*FloatExpr) exprNode()      {}
func (*StringExpr) exprNode()     {}
func (*NameExpr) exprNode()       {}
func (*IndexExpr) exprNode()      {}
func (*CallExpr) exprNode()       {}
func (*MethodCallExpr) exprNode() {}
func (*FunctionExpr) exprNode()   {}
func (*BinaryExpr) exprNode()     {}
func (*UnaryExpr) exprNode()      {}
func (*ParenExpr) exprNode()      {}
func (*TableExpr) exprNode()      {}

// BinaryOp is a binary operator.
type BinaryOp uint8

// Binary operators, §3.4.
const (
	OpAdd    BinaryOp = iota // +
	OpSub                    // -
	OpMul                    // *
	OpDiv                    // /
	OpIDiv                   // //
	OpMod                    // %
	OpPow                    // ^
	OpConcat                 // ..
	OpEq                     // ==
	OpNe                     // ~=
	OpLt                     // <
	OpLe                     // <=
	OpGt                     // >
	OpGe                     // >=
	OpAnd                    // and
	OpOr                     // or
	OpBAnd                   // &
	OpBOr                    // |
	OpBXor                   // ~
	OpShl                    // <<
	OpShr                    // >>
)

var binaryOpNames = [...]string{
	OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "/", OpIDiv: "//", OpMod: "%",
	OpPow: "^", OpConcat: "..", OpEq: "==", OpNe: "~=", OpLt: "<", OpLe: "<=",
	OpGt: ">", OpGe: ">=", OpAnd: "and", OpOr: "or", OpBAnd: "&", OpBOr: "|",
	OpBXor: "~", OpShl: "<<", OpShr: ">>",
}

// String returns the operator as written in Lua source.
func (op BinaryOp) String() string { return binaryOpNames[op] }

// UnaryOp is a unary operator.
type UnaryOp uint8

// Unary operators, §3.4.
const (
	OpNeg  UnaryOp = iota // -
	OpNot                 // not
	OpLen                 // #
	OpBNot                // ~
)

var unaryOpNames = [...]string{OpNeg: "-", OpNot: "not", OpLen: "#", OpBNot: "~"}

// String returns the operator as written in Lua source.
func (op UnaryOp) String() string { return unaryOpNames[op] }

// ---------------------------------------------------------------------------
// Statements

// Stat is implemented by every statement node.
type Stat interface {
	Node
	statNode()
}

// Attrib is a local variable attribute (§3.3.7).
type Attrib uint8

// Local variable attributes.
const (
	AttribNone  Attrib = iota
	AttribConst        // <const>
	AttribClose        // <close>
)

// LocalStat is 'local names [= values]'. Attribs has one entry per name.
// NameP holds the position of each name.
type LocalStat struct {
	P       Pos
	Names   []string
	NameP   []Pos
	Attribs []Attrib
	Values  []Expr
}

// AssignStat is 'targets = values'; each target is a NameExpr or IndexExpr.
// P is the position of the '=' token.
type AssignStat struct {
	P       Pos
	Targets []Expr
	Values  []Expr
}

// CallStat is a function call used as a statement; Call is a *CallExpr or
// *MethodCallExpr.
type CallStat struct {
	P    Pos
	Call Expr
}

// DoStat is 'do body end'.
type DoStat struct {
	P    Pos
	Body *Block
}

// WhileStat is 'while cond do body end'.
type WhileStat struct {
	P    Pos
	Cond Expr
	Body *Block
}

// RepeatStat is 'repeat body until cond'; cond sees the body's locals.
type RepeatStat struct {
	P    Pos
	Body *Block
	Cond Expr
}

// IfStat is 'if Conds[0] then Blocks[0] elseif Conds[1] then Blocks[1] ...
// else Else end'. Else is nil when there is no else part.
type IfStat struct {
	P      Pos
	Conds  []Expr
	Blocks []*Block
	Else   *Block
}

// NumericForStat is 'for Var = Start, Limit [, Step] do Body end'; Step is
// nil when omitted.
type NumericForStat struct {
	P     Pos
	Var   string
	VarP  Pos
	Start Expr
	Limit Expr
	Step  Expr
	Body  *Block
}

// GenericForStat is 'for Names in Exprs do Body end'.
type GenericForStat struct {
	P     Pos
	Names []string
	NameP []Pos
	Exprs []Expr
	Body  *Block
}

// FunctionStat is 'function funcname body'. Target is a NameExpr or a chain
// of IndexExpr; for 'function a.b:m()' Target is a.b.m, IsMethod is true and
// Func.Params starts with "self".
type FunctionStat struct {
	P        Pos
	Target   Expr
	IsMethod bool
	Func     *FunctionExpr
}

// LocalFunctionStat is 'local function Name body' (the local is in scope
// inside its own body, §3.4.11).
type LocalFunctionStat struct {
	P     Pos
	Name  string
	NameP Pos
	Func  *FunctionExpr
}

// ReturnStat is 'return values'.
type ReturnStat struct {
	P      Pos
	Values []Expr
}

// BreakStat is 'break'.
type BreakStat struct{ P Pos }

// GotoStat is 'goto Label'.
type GotoStat struct {
	P     Pos
	Label string
}

// LabelStat is '::Name::'.
type LabelStat struct {
	P    Pos
	Name string
}

func (s *LocalStat) Pos() Pos         { return s.P }
func (s *AssignStat) Pos() Pos        { return s.P }
func (s *CallStat) Pos() Pos          { return s.P }
func (s *DoStat) Pos() Pos            { return s.P }
func (s *WhileStat) Pos() Pos         { return s.P }
func (s *RepeatStat) Pos() Pos        { return s.P }
func (s *IfStat) Pos() Pos            { return s.P }
func (s *NumericForStat) Pos() Pos    { return s.P }
func (s *GenericForStat) Pos() Pos    { return s.P }
func (s *FunctionStat) Pos() Pos      { return s.P }
func (s *LocalFunctionStat) Pos() Pos { return s.P }
func (s *ReturnStat) Pos() Pos        { return s.P }
func (s *BreakStat) Pos() Pos         { return s.P }
func (s *GotoStat) Pos() Pos          { return s.P }
func (s *LabelStat) Pos() Pos         { return s.P }

func (*LocalStat) statNode()         {}
func (*AssignStat) statNode()        {}
func (*CallStat) statNode()          {}
func (*DoStat) statNode()            {}
func (*WhileStat) statNode()         {}
func (*RepeatStat) statNode()        {}
func (*IfStat) statNode()            {}
func (*NumericForStat) statNode()    {}
func (*GenericForStat) statNode()    {}
func (*FunctionStat) statNode()      {}
func (*LocalFunctionStat) statNode() {}
func (*ReturnStat) statNode()        {}
func (*BreakStat) statNode()         {}
func (*GotoStat) statNode()          {}
func (*LabelStat) statNode()         {}
