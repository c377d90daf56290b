package compile

import (
	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// This file resolves statements.

// statList resolves the statements of a block; end is the token that
// closes the block, and untilEnd is set when that token is 'until' (a
// label before it is then not at the end of its block, §3.3.4).
func (r *resolver) statList(b *syntax.Block, end follow, untilEnd bool) {
	stats := b.Stats
	for i := 0; i < len(stats); i++ {
		if _, ok := stats[i].(*syntax.LabelStat); ok {
			// The reference reads a run of labels recursively and creates
			// them last first, all at the token after the run.
			j := i
			for j < len(stats) {
				if _, ok := stats[j].(*syntax.LabelStat); !ok {
					break
				}
				j++
			}
			fol := end
			if j < len(stats) {
				fol = statFollow(stats[j])
			}
			last := j == len(stats) && !untilEnd
			at := anchor{node: stats[i]}
			for k := j - 1; k >= i; k-- {
				r.label(at, stats[k].(*syntax.LabelStat), fol.line, last)
			}
			i = j - 1
			continue
		}
		fol := end
		if i+1 < len(stats) {
			fol = statFollow(stats[i+1])
		}
		r.stat(stats[i], fol)
	}
}

// statFollow returns the first token of a statement, as a follow.
func statFollow(s syntax.Stat) follow {
	var near string
	switch x := s.(type) {
	case *syntax.LocalStat, *syntax.LocalFunctionStat:
		near = "'local'"
	case *syntax.AssignStat:
		return exprFollow(x.Targets[0])
	case *syntax.CallStat:
		return exprFollow(x.Call)
	case *syntax.DoStat:
		near = "'do'"
	case *syntax.WhileStat:
		near = "'while'"
	case *syntax.RepeatStat:
		near = "'repeat'"
	case *syntax.IfStat:
		near = "'if'"
	case *syntax.NumericForStat, *syntax.GenericForStat:
		near = "'for'"
	case *syntax.FunctionStat:
		near = "'function'"
	case *syntax.ReturnStat:
		near = "'return'"
	case *syntax.BreakStat:
		near = "'break'"
	case *syntax.GotoStat:
		near = "'goto'"
	case *syntax.LabelStat:
		near = "'::'"
	}
	return follow{line: s.Pos().Line, near: near}
}

// exprFollow returns the first token of a prefix expression.
func exprFollow(e syntax.Expr) follow {
	for {
		switch x := e.(type) {
		case *syntax.IndexExpr:
			e = x.Obj
			continue
		case *syntax.BinaryExpr:
			e = x.L
			continue
		case *syntax.NameExpr:
			return follow{line: x.P.Line, near: "'" + x.Name + "'"}
		case *syntax.ParenExpr:
			return follow{line: x.P.Line, near: "'('"}
		}
		return follow{line: e.Pos().Line, near: "'('"}
	}
}

// exprStart returns the position of the first token of an expression.
func exprStart(e syntax.Expr) syntax.Pos {
	for {
		switch x := e.(type) {
		case *syntax.IndexExpr:
			e = x.Obj
		case *syntax.BinaryExpr:
			e = x.L
		default:
			return e.Pos()
		}
	}
}

// block resolves a block that is its own scope.
func (r *resolver) block(b *syntax.Block, end follow, untilEnd bool) {
	r.enterBlock(nil, func(u bool) { r.res.blocks[b] = u })
	r.statList(b, end, untilEnd)
	r.leaveBlock(end.line)
}

// endFollow is the follow of a block closed by 'end'.
func endFollow(b *syntax.Block) follow {
	return follow{line: b.End.Line, near: "'end'"}
}

// stat resolves one statement; fol is the token after it.
func (r *resolver) stat(s syntax.Stat, fol follow) {
	r.enter(s.Pos().Line)
	defer r.leave()
	defer func(tail *syntax.FunctionExpr, fol follow) { r.tail, r.tailFollow = tail, fol }(r.tail, r.tailFollow)
	r.tail, r.tailFollow = nil, fol
	switch s := s.(type) {
	case *syntax.LocalStat:
		r.localStat(s, fol)
	case *syntax.AssignStat:
		r.assignStat(s)
	case *syntax.CallStat:
		r.expr(s.Call)
	case *syntax.DoStat:
		r.block(s.Body, endFollow(s.Body), false)
	case *syntax.WhileStat:
		r.expr(s.Cond)
		info := &loopInfo{}
		r.res.loops[s] = info
		r.enterBlock(s, func(u bool) { info.loopUpval = u })
		r.block(s.Body, endFollow(s.Body), false)
		r.leaveBlock(0)
	case *syntax.RepeatStat:
		info := &loopInfo{}
		r.res.loops[s] = info
		r.enterBlock(s, func(u bool) { info.loopUpval = u })
		body := s.Body
		r.enterBlock(nil, func(u bool) { r.res.blocks[body] = u })
		r.statList(body, follow{line: body.End.Line, near: "'until'"}, true)
		r.exprTail(s.Cond)
		r.expr(s.Cond)
		r.leaveBlock(0)
		r.leaveBlock(0)
	case *syntax.IfStat:
		for i, c := range s.Conds {
			r.expr(c)
			end := follow{line: s.Blocks[i].End.Line, near: "'end'"}
			if i+1 < len(s.Conds) {
				end.near = "'elseif'"
			} else if s.Else != nil {
				end.near = "'else'"
			}
			r.block(s.Blocks[i], end, false)
		}
		if s.Else != nil {
			r.block(s.Else, endFollow(s.Else), false)
		}
	case *syntax.NumericForStat:
		r.numericFor(s)
	case *syntax.GenericForStat:
		r.genericFor(s)
	case *syntax.FunctionStat:
		r.functionStat(s, fol)
	case *syntax.LocalFunctionStat:
		v := r.newLocal(s, s.Name, bytecode.VarRegular, s.NameP.Line, "'('")
		r.res.decls[s] = []*variable{v}
		r.fs.activate(1)
		r.tail = s.Func
		r.function(s.Func)
	case *syntax.ReturnStat:
		r.exprListTail(s.Values)
		r.exprList(s.Values)
	case *syntax.BreakStat:
		r.newGoto("break", s.P.Line, s)
	case *syntax.GotoStat:
		r.gotoStat(s)
	case *syntax.LabelStat:
		// Labels are handled by statList; a lone one gets here only
		// from a hand-built tree.
		r.label(anchor{node: s}, s, fol.line, false)
	}
}

// exprListTail notes the function expression whose 'end' ends a list
// that ends a statement, if any.
func (r *resolver) exprListTail(list []syntax.Expr) {
	if len(list) > 0 {
		r.exprTail(list[len(list)-1])
	}
}

// exprTail notes the function expression whose 'end' ends an expression
// that ends a statement, if any.
func (r *resolver) exprTail(e syntax.Expr) {
	for {
		switch x := e.(type) {
		case *syntax.BinaryExpr:
			e = x.R
			continue
		case *syntax.UnaryExpr:
			e = x.X
			continue
		case *syntax.FunctionExpr:
			r.tail = x
		}
		return
	}
}

func (r *resolver) localStat(s *syntax.LocalStat, fol follow) {
	vars := make([]*variable, len(s.Names))
	toClose := -1
	for i, name := range s.Names {
		kind := bytecode.VarRegular
		attrib := syntax.AttribNone
		if i < len(s.Attribs) {
			attrib = s.Attribs[i]
		}
		near := fol.near
		line := s.NameP[i].Line
		switch {
		case attrib != syntax.AttribNone:
			near = "'<'"
		case i+1 < len(s.Names):
			near = "','"
		case len(s.Values) > 0:
			near = "'='"
		default:
			line = fol.line
		}
		vars[i] = r.newLocal(s, name, kind, line, near)
		switch attrib {
		case syntax.AttribConst:
			vars[i].kind = bytecode.VarConst
		case syntax.AttribClose:
			vars[i].kind = bytecode.VarClose
			if toClose >= 0 {
				r.errorf(anchor{node: s}, s.NameP[i].Line, "multiple to-be-closed variables in local list")
			}
			toClose = i
		}
	}
	r.res.decls[s] = vars
	r.exprListTail(s.Values)
	r.exprList(s.Values)
	last := vars[len(vars)-1]
	if len(s.Values) == len(vars) && last.kind == bytecode.VarConst {
		if v, ok := r.constValue(s.Values[len(s.Values)-1]); ok {
			last.kind = bytecode.VarCTC
			last.value = v
		}
	}
	r.fs.activate(len(vars))
	if toClose >= 0 {
		r.markToBeClosed()
	}
}

func (r *resolver) assignStat(s *syntax.AssignStat) {
	for i, t := range s.Targets {
		r.expr(t)
		if n, ok := t.(*syntax.NameExpr); ok {
			// The reference checks each target when it reads the token
			// after it: ',' or, after the last one, '='.
			line := n.P.Line
			if i == len(s.Targets)-1 {
				line = s.P.Line
			}
			r.checkReadOnly(anchor{node: t, after: true}, r.res.refs[n], n.Name, line)
		}
	}
	r.exprListTail(s.Values)
	r.exprList(s.Values)
}

func (r *resolver) functionStat(s *syntax.FunctionStat, fol follow) {
	r.expr(s.Target)
	r.tail = s.Func
	r.function(s.Func)
	if n, ok := s.Target.(*syntax.NameExpr); ok {
		// Checked after the body, at the token after its 'end'.
		r.checkReadOnly(anchor{node: s, after: true}, r.res.refs[n], n.Name, fol.line)
	}
}

func (r *resolver) numericFor(s *syntax.NumericForStat) {
	info := &loopInfo{}
	r.res.loops[s] = info
	r.enterBlock(s, func(u bool) { info.loopUpval = u })
	line := s.VarP.Line
	vars := []*variable{
		r.newLocal(s, "(for state)", bytecode.VarRegular, line, "'='"),
		r.newLocal(s, "(for state)", bytecode.VarRegular, line, "'='"),
		r.newLocal(s, "(for state)", bytecode.VarRegular, line, "'='"),
		r.newLocal(s, s.Var, bytecode.VarRegular, line, "'='"),
	}
	r.res.decls[s] = vars
	r.expr(s.Start)
	r.expr(s.Limit)
	if s.Step != nil {
		r.expr(s.Step)
	}
	r.fs.activate(3)
	r.forBody(s, s.Body, 1, info)
	r.leaveBlock(0)
}

func (r *resolver) genericFor(s *syntax.GenericForStat) {
	info := &loopInfo{}
	r.res.loops[s] = info
	r.enterBlock(s, func(u bool) { info.loopUpval = u })
	near := func(i int) string {
		if i+1 < len(s.Names) {
			return "','"
		}
		return "'in'"
	}
	line := s.NameP[0].Line
	vars := []*variable{
		r.newLocal(s, "(for state)", bytecode.VarRegular, line, near(0)),
		r.newLocal(s, "(for state)", bytecode.VarRegular, line, near(0)),
		r.newLocal(s, "(for state)", bytecode.VarRegular, line, near(0)),
		r.newLocal(s, "(for state)", bytecode.VarRegular, line, near(0)),
	}
	for i, name := range s.Names {
		vars = append(vars, r.newLocal(s, name, bytecode.VarRegular, s.NameP[i].Line, near(i)))
	}
	r.res.decls[s] = vars
	r.exprList(s.Exprs)
	r.fs.activate(4)
	r.markToBeClosed()
	r.forBody(s, s.Body, len(s.Names), info)
	r.leaveBlock(0)
}

// forBody resolves the declared variables' block and the body of a for.
func (r *resolver) forBody(s syntax.Stat, body *syntax.Block, nvars int, info *loopInfo) {
	r.enterBlock(nil, func(u bool) { info.varsUpval = u })
	r.fs.activate(nvars)
	r.block(body, endFollow(body), false)
	r.leaveBlock(0)
}
