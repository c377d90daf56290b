package syntax

// This file parses blocks and statements (§3.3, §9). Each function follows
// the reference's order of checks, so that the first error found is the
// reference's.

// blockFollow reports whether the current token ends a block; 'until'
// counts only with withUntil.
func (p *parser) blockFollow(withUntil bool) bool {
	switch p.tok.Kind {
	case TokElse, TokElseif, TokEnd, TokEOF:
		return true
	case TokUntil:
		return withUntil
	}
	return false
}

// block parses a block up to the token that ends it, which it leaves
// current.
func (p *parser) block() *Block {
	b := &Block{}
	p.statList(b)
	b.End = p.tok.Pos
	return b
}

// statList parses statements into b up to a token that ends a block or
// right after a return statement, which must be the last one.
func (p *parser) statList(b *Block) {
	for !p.blockFollow(true) {
		if p.tok.Kind == TokReturn {
			p.statementRecovering(&b.Stats)
			return
		}
		p.statementRecovering(&b.Stats)
	}
}

// statement parses one statement and appends it to list (a label appends
// the statements that follow it too; ';' appends nothing).
func (p *parser) statement(list *[]Stat) {
	line := p.line()
	p.enterLevel()
	var s Stat
	switch p.tok.Kind {
	case TokSemi:
		p.next()
	case TokIf:
		s = p.ifStat(line)
	case TokWhile:
		s = p.whileStat(line)
	case TokDo:
		pos := p.tok.Pos
		p.next()
		body := p.block()
		p.checkMatch(TokEnd, TokDo, line)
		s = &DoStat{P: pos, Body: body}
	case TokFor:
		s = p.forStat(line)
	case TokRepeat:
		s = p.repeatStat(line)
	case TokFunction:
		s = p.funcStat(line)
	case TokLocal:
		pos := p.tok.Pos
		p.next()
		if p.tok.Kind == TokFunction {
			fnPos := p.tok.Pos
			p.next()
			s = p.localFunc(pos, fnPos)
		} else {
			s = p.localStat(pos)
		}
	case TokDColon:
		p.labelStat(list)
	case TokReturn:
		s = p.retStat()
	case TokBreak:
		s = &BreakStat{P: p.tok.Pos}
		p.next()
	case TokGoto:
		pos := p.tok.Pos
		p.next()
		name, _ := p.checkName()
		s = &GotoStat{P: pos, Label: name}
	default:
		s = p.exprStat()
	}
	if s != nil {
		*list = append(*list, s)
	}
	p.leaveLevel()
}

// ifStat parses 'if cond then block {elseif cond then block} [else block]
// end'.
func (p *parser) ifStat(line int32) *IfStat {
	s := &IfStat{P: p.tok.Pos}
	p.testThenBlock(s)
	for p.tok.Kind == TokElseif {
		p.testThenBlock(s)
	}
	if p.testNext(TokElse) {
		s.Else = p.block()
	}
	p.checkMatch(TokEnd, TokIf, line)
	return s
}

// testThenBlock parses '[if | elseif] cond then block'.
func (p *parser) testThenBlock(s *IfStat) {
	p.next()
	cond := p.expr()
	p.checkNext(TokThen)
	s.Conds = append(s.Conds, cond)
	s.Blocks = append(s.Blocks, p.block())
}

// whileStat parses 'while cond do block end'.
func (p *parser) whileStat(line int32) *WhileStat {
	pos := p.tok.Pos
	p.next()
	cond := p.expr()
	p.checkNext(TokDo)
	body := p.block()
	p.checkMatch(TokEnd, TokWhile, line)
	return &WhileStat{P: pos, Cond: cond, Body: body}
}

// repeatStat parses 'repeat block until cond'.
func (p *parser) repeatStat(line int32) *RepeatStat {
	pos := p.tok.Pos
	p.next()
	body := p.block()
	p.checkMatch(TokUntil, TokRepeat, line)
	cond := p.expr()
	return &RepeatStat{P: pos, Body: body, Cond: cond}
}

// forStat parses both forms of 'for'.
func (p *parser) forStat(line int32) Stat {
	pos := p.tok.Pos
	p.next()
	name, namePos := p.checkName()
	var s Stat
	switch p.tok.Kind {
	case TokAssign:
		s = p.forNum(pos, name, namePos)
	case TokComma, TokIn:
		s = p.forList(pos, name, namePos)
	default:
		p.syntaxError("'=' or 'in' expected")
	}
	p.checkMatch(TokEnd, TokFor, line)
	return s
}

// forNum parses the rest of 'for Name = exp, exp [, exp] do block'.
func (p *parser) forNum(pos Pos, name string, namePos Pos) *NumericForStat {
	s := &NumericForStat{P: pos, Var: name, VarP: namePos}
	p.next() // '='
	s.Start = p.expr()
	p.checkNext(TokComma)
	s.Limit = p.expr()
	if p.testNext(TokComma) {
		s.Step = p.expr()
	}
	p.checkNext(TokDo)
	s.Body = p.block()
	return s
}

// forList parses the rest of 'for namelist in explist do block'.
func (p *parser) forList(pos Pos, name string, namePos Pos) *GenericForStat {
	s := &GenericForStat{P: pos, Names: []string{name}, NameP: []Pos{namePos}}
	for p.testNext(TokComma) {
		name, namePos := p.checkName()
		s.Names = append(s.Names, name)
		s.NameP = append(s.NameP, namePos)
	}
	p.checkNext(TokIn)
	s.Exprs = p.exprList()
	p.checkNext(TokDo)
	s.Body = p.block()
	return s
}

// funcStat parses 'function funcname body'.
func (p *parser) funcStat(line int32) *FunctionStat {
	pos := p.tok.Pos
	p.next()
	name, namePos := p.checkName()
	var target Expr = &NameExpr{P: namePos, Name: name}
	isMethod := false
	for p.tok.Kind == TokDot || p.tok.Kind == TokColon {
		isMethod = p.tok.Kind == TokColon
		target = p.fieldSel(target)
		if isMethod {
			break
		}
	}
	f := p.body(pos, isMethod, line)
	return &FunctionStat{P: pos, Target: target, IsMethod: isMethod, Func: f}
}

// localFunc parses the rest of 'local function Name body'.
func (p *parser) localFunc(pos, fnPos Pos) *LocalFunctionStat {
	name, namePos := p.checkName()
	f := p.body(fnPos, false, p.line())
	return &LocalFunctionStat{P: pos, Name: name, NameP: namePos, Func: f}
}

// localStat parses the rest of 'local attnamelist [= explist]'.
func (p *parser) localStat(pos Pos) *LocalStat {
	s := &LocalStat{P: pos}
	hasClose := false
	for {
		name, namePos := p.checkName()
		attrib := p.attrib()
		if attrib == AttribClose {
			if hasClose {
				p.semanticError("multiple to-be-closed variables in local list")
			}
			hasClose = true
		}
		s.Names = append(s.Names, name)
		s.NameP = append(s.NameP, namePos)
		s.Attribs = append(s.Attribs, attrib)
		if !p.testNext(TokComma) {
			break
		}
	}
	if p.testNext(TokAssign) {
		s.Values = p.exprList()
	}
	return s
}

// attrib parses an optional '<Name>' attribute (§3.3.7).
func (p *parser) attrib() Attrib {
	if !p.testNext(TokLt) {
		return AttribNone
	}
	name, _ := p.checkName()
	p.checkNext(TokGt)
	switch name {
	case "const":
		return AttribConst
	case "close":
		return AttribClose
	}
	p.semanticError("unknown attribute '" + name + "'")
	return AttribNone
}

// labelStat parses '::Name::'. Like the reference, it then parses any ';'
// and labels that follow as nested statements.
func (p *parser) labelStat(list *[]Stat) {
	pos := p.tok.Pos
	p.next()
	name, _ := p.checkName()
	p.checkNext(TokDColon)
	*list = append(*list, &LabelStat{P: pos, Name: name})
	for p.tok.Kind == TokSemi || p.tok.Kind == TokDColon {
		p.statement(list)
	}
}

// retStat parses 'return [explist] [;]'.
func (p *parser) retStat() *ReturnStat {
	s := &ReturnStat{P: p.tok.Pos}
	p.next()
	if !p.blockFollow(true) && p.tok.Kind != TokSemi {
		s.Values = p.exprList()
	}
	p.testNext(TokSemi)
	return s
}

// exprStat parses an assignment or a function call statement.
func (p *parser) exprStat() Stat {
	e := p.suffixedExp()
	if p.tok.Kind != TokAssign && p.tok.Kind != TokComma {
		switch e.(type) {
		case *CallExpr, *MethodCallExpr:
			return &CallStat{P: e.Pos(), Call: e}
		}
		p.syntaxError("syntax error")
	}
	s := &AssignStat{Targets: []Expr{e}}
	p.checkAssignable(e)
	// The reference reads each further target in a nested call that counts
	// as a syntax level until the end of the statement.
	level := p.level
	for p.testNext(TokComma) {
		t := p.suffixedExp()
		p.enterLevel()
		p.checkAssignable(t)
		s.Targets = append(s.Targets, t)
	}
	s.P = p.tok.Pos
	p.checkNext(TokAssign)
	s.Values = p.exprList()
	p.level = level
	return s
}

// checkAssignable reports a target that is not a variable.
func (p *parser) checkAssignable(e Expr) {
	switch e.(type) {
	case *NameExpr, *IndexExpr:
		return
	}
	p.syntaxError("syntax error")
}
