package syntax

// This file parses expressions (§3.4, §9): operator precedence, prefix
// and suffixed expressions, calls, table constructors and function bodies.

// priority holds the left and right binding powers of each binary
// operator (§3.4.8). An operator whose right power is below its left one
// is right associative ('..' and '^').
var priority = [...]struct{ left, right int8 }{
	OpOr:  {1, 1},
	OpAnd: {2, 2},
	OpEq:  {3, 3}, OpNe: {3, 3}, OpLt: {3, 3}, OpLe: {3, 3}, OpGt: {3, 3}, OpGe: {3, 3},
	OpBOr:  {4, 4},
	OpBXor: {5, 5},
	OpBAnd: {6, 6},
	OpShl:  {7, 7}, OpShr: {7, 7},
	OpConcat: {9, 8},
	OpAdd:    {10, 10}, OpSub: {10, 10},
	OpMul: {11, 11}, OpDiv: {11, 11}, OpIDiv: {11, 11}, OpMod: {11, 11},
	OpPow: {14, 13},
}

// unaryPriority binds unary operators tighter than every binary operator
// but '^' on their right: -x^2 is -(x^2), and 2^-3 is 2^(-3).
const unaryPriority = 12

func binaryOp(k Kind) (BinaryOp, bool) {
	switch k {
	case TokPlus:
		return OpAdd, true
	case TokMinus:
		return OpSub, true
	case TokStar:
		return OpMul, true
	case TokSlash:
		return OpDiv, true
	case TokDSlash:
		return OpIDiv, true
	case TokPercent:
		return OpMod, true
	case TokCaret:
		return OpPow, true
	case TokConcat:
		return OpConcat, true
	case TokEq:
		return OpEq, true
	case TokNe:
		return OpNe, true
	case TokLt:
		return OpLt, true
	case TokLe:
		return OpLe, true
	case TokGt:
		return OpGt, true
	case TokGe:
		return OpGe, true
	case TokAnd:
		return OpAnd, true
	case TokOr:
		return OpOr, true
	case TokAmp:
		return OpBAnd, true
	case TokPipe:
		return OpBOr, true
	case TokTilde:
		return OpBXor, true
	case TokShl:
		return OpShl, true
	case TokShr:
		return OpShr, true
	}
	return 0, false
}

func unaryOp(k Kind) (UnaryOp, bool) {
	switch k {
	case TokMinus:
		return OpNeg, true
	case TokNot:
		return OpNot, true
	case TokHash:
		return OpLen, true
	case TokTilde:
		return OpBNot, true
	}
	return 0, false
}

// expr parses an expression.
func (p *parser) expr() Expr { return p.subExpr(0) }

// exprList parses 'exp {, exp}'.
func (p *parser) exprList() []Expr {
	list := []Expr{p.expr()}
	for p.testNext(TokComma) {
		list = append(list, p.expr())
	}
	return list
}

// subExpr parses an expression whose binary operators all bind tighter
// than limit, each level of nesting counting as a syntax level.
func (p *parser) subExpr(limit int8) Expr {
	p.enterLevel()
	var e Expr
	if op, ok := unaryOp(p.tok.Kind); ok {
		pos := p.tok.Pos
		p.next()
		e = &UnaryExpr{P: pos, Op: op, X: p.subExpr(unaryPriority)}
	} else {
		e = p.simpleExp()
	}
	for {
		op, ok := binaryOp(p.tok.Kind)
		if !ok || priority[op].left <= limit {
			break
		}
		pos := p.tok.Pos
		p.next()
		r := p.subExpr(priority[op].right)
		e = &BinaryExpr{P: pos, Op: op, L: e, R: r}
	}
	p.leaveLevel()
	return e
}

// simpleExp parses a literal, '...', a constructor, a function or a
// suffixed expression.
func (p *parser) simpleExp() Expr {
	var e Expr
	t := &p.tok
	switch t.Kind {
	case TokFloat:
		e = &FloatExpr{P: t.Pos, Value: t.Float}
	case TokInt:
		e = &IntExpr{P: t.Pos, Value: t.Int}
	case TokString:
		e = &StringExpr{P: t.Pos, Value: t.Str}
	case TokNil:
		e = &NilExpr{P: t.Pos}
	case TokTrue:
		e = &TrueExpr{P: t.Pos}
	case TokFalse:
		e = &FalseExpr{P: t.Pos}
	case TokDots:
		if !p.vararg {
			p.syntaxError("cannot use '...' outside a vararg function")
		}
		e = &VarargExpr{P: t.Pos}
	case TokLBrace:
		return p.constructor()
	case TokFunction:
		pos := t.Pos
		p.next()
		return p.body(pos, false, p.line())
	default:
		return p.suffixedExp()
	}
	p.next()
	return e
}

// primaryExp parses a name or a parenthesized expression.
func (p *parser) primaryExp() Expr {
	switch p.tok.Kind {
	case TokName:
		e := &NameExpr{P: p.tok.Pos, Name: p.tok.Str}
		p.next()
		return e
	case TokLParen:
		pos, line := p.tok.Pos, p.line()
		p.next()
		x := p.expr()
		p.checkMatch(TokRParen, TokLParen, line)
		return &ParenExpr{P: pos, X: x}
	}
	p.syntaxError("unexpected symbol")
	return nil
}

// suffixedExp parses a primary expression followed by field selections,
// indexing, calls and method calls.
func (p *parser) suffixedExp() Expr {
	pos, line := p.tok.Pos, p.line()
	e := p.primaryExp()
	for {
		switch p.tok.Kind {
		case TokDot:
			e = p.fieldSel(e)
		case TokLBracket:
			ipos := p.tok.Pos
			p.next()
			key := p.expr()
			p.checkNext(TokRBracket)
			e = &IndexExpr{P: ipos, Obj: e, Key: key}
		case TokColon:
			p.next()
			name, namePos := p.checkName()
			args := p.funcArgs(line)
			e = &MethodCallExpr{P: pos, Obj: e, Name: name, NameP: namePos, Args: args}
		case TokLParen, TokString, TokLBrace:
			e = &CallExpr{P: pos, Fn: e, Args: p.funcArgs(line)}
		default:
			return e
		}
	}
}

// fieldSel parses '.Name' or ':Name' (in a function name) after obj.
func (p *parser) fieldSel(obj Expr) Expr {
	pos := p.tok.Pos
	p.next()
	name, namePos := p.checkName()
	return &IndexExpr{P: pos, Obj: obj, Key: &StringExpr{P: namePos, Value: name}}
}

// funcArgs parses the arguments of a call: '(' [explist] ')', a table
// constructor or a string. line is where the called expression starts.
func (p *parser) funcArgs(line int32) []Expr {
	switch p.tok.Kind {
	case TokLParen:
		p.next()
		var args []Expr
		if p.tok.Kind != TokRParen {
			args = p.exprList()
		}
		p.checkMatch(TokRParen, TokLParen, line)
		return args
	case TokLBrace:
		return []Expr{p.constructor()}
	case TokString:
		s := &StringExpr{P: p.tok.Pos, Value: p.tok.Str}
		p.next()
		return []Expr{s}
	}
	p.syntaxError("function arguments expected")
	return nil
}

// constructor parses a table constructor '{ fieldlist }'.
func (p *parser) constructor() *TableExpr {
	t := &TableExpr{P: p.tok.Pos}
	line := p.line()
	p.next()
	for p.tok.Kind != TokRBrace {
		t.Fields = append(t.Fields, p.field())
		if !p.testNext(TokComma) && !p.testNext(TokSemi) {
			break
		}
	}
	t.EndP = p.tok.Pos
	p.checkMatch(TokRBrace, TokLBrace, line)
	return t
}

// field parses one field of a table constructor.
func (p *parser) field() TableField {
	switch p.tok.Kind {
	case TokName:
		if p.lookahead() != TokAssign {
			return TableField{Value: p.expr()}
		}
		key := &StringExpr{P: p.tok.Pos, Value: p.tok.Str}
		p.next()
		p.next() // '='
		return TableField{Key: key, Value: p.expr()}
	case TokLBracket:
		p.next()
		key := p.expr()
		p.checkNext(TokRBracket)
		p.checkNext(TokAssign)
		return TableField{Key: key, Value: p.expr()}
	}
	return TableField{Value: p.expr()}
}

// body parses a function body '(' parlist ')' block 'end'. pos is the
// 'function' keyword's position and line the line the reference names in
// "(to close 'function' at line N)".
func (p *parser) body(pos Pos, isMethod bool, line int32) *FunctionExpr {
	f := &FunctionExpr{P: pos}
	if isMethod {
		f.Params = []string{"self"}
	}
	p.checkNext(TokLParen)
	p.parList(f)
	p.checkNext(TokRParen)
	outer := p.vararg
	p.vararg = f.IsVararg
	f.Body = p.block()
	f.EndP = p.tok.Pos
	p.checkMatch(TokEnd, TokFunction, line)
	p.vararg = outer
	return f
}

// parList parses a parameter list: names, optionally ending with '...'.
func (p *parser) parList(f *FunctionExpr) {
	if p.tok.Kind == TokRParen {
		return
	}
	for {
		switch p.tok.Kind {
		case TokName:
			f.Params = append(f.Params, p.tok.Str)
			p.next()
		case TokDots:
			p.next()
			f.IsVararg = true
		default:
			p.syntaxError("<name> or '...' expected")
		}
		if f.IsVararg || !p.testNext(TokComma) {
			return
		}
	}
}
