package compile

import (
	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// This file compiles statements other than loops.

// statList compiles a list of statements.
func (fs *funcState) statList(stats []syntax.Stat) {
	for i := 0; i < len(stats); i++ {
		if _, ok := stats[i].(*syntax.LabelStat); ok {
			j := i
			for j < len(stats) {
				if _, ok := stats[j].(*syntax.LabelStat); !ok {
					break
				}
				j++
			}
			fs.labelRun(stats[i:j])
			i = j - 1
			continue
		}
		fs.statement(stats[i])
	}
}

// block compiles a block that is its own scope.
func (fs *funcState) block(b *syntax.Block) {
	var bl blockState
	fs.enterBlock(&bl, nil, fs.g.res.blocks[b])
	fs.statList(b.Stats)
	fs.leaveBlock()
}

// statement compiles one statement.
func (fs *funcState) statement(s syntax.Stat) {
	g := fs.g
	g.enter()
	defer g.leave()
	g.check(s, false)
	switch s := s.(type) {
	case *syntax.LocalStat:
		fs.localStat(s)
	case *syntax.AssignStat:
		fs.assignStat(s)
	case *syntax.CallStat:
		var v expDesc
		fs.expr(s.Call, &v)
		if v.k == eCall {
			fs.f.Code[v.info] = fs.f.Code[v.info].SetC(1) // no results
		}
	case *syntax.DoStat:
		g.advance(s.P)
		fs.block(s.Body)
		g.advance(s.Body.End)
	case *syntax.WhileStat:
		fs.whileStat(s)
	case *syntax.RepeatStat:
		fs.repeatStat(s)
	case *syntax.IfStat:
		fs.ifStat(s)
	case *syntax.NumericForStat:
		fs.numericFor(s)
	case *syntax.GenericForStat:
		fs.genericFor(s)
	case *syntax.FunctionStat:
		g.advance(s.P)
		var v, b expDesc
		fs.expr(s.Target, &v)
		fs.body(s.Func, &b, s.P.Line)
		g.check(s, true)
		fs.storeVar(&v, &b)
		fs.fixLine(s.P.Line) // the definition "happens" on the first line
	case *syntax.LocalFunctionStat:
		g.advance(s.P)
		v := g.res.decls[s][0]
		fs.activate([]*variable{v})
		var b expDesc
		fs.body(s.Func, &b, s.Func.P.Line)
		// Debug information sees the variable only after the closure.
		fs.f.LocVars[v.pidx].StartPC = fs.pc()
	case *syntax.ReturnStat:
		fs.returnStat(s)
	case *syntax.BreakStat:
		g.advance(s.P)
		fs.addPending(g.res.gotos[s].target, fs.jump())
	case *syntax.GotoStat:
		g.advance(s.P)
		info := g.res.gotos[s]
		if info.backward {
			if info.closeLevel >= 0 {
				fs.codeABC(bytecode.OpClose, info.closeLevel, 0, 0)
			}
			fs.jumpTo(g.labelPC[info.target.(*syntax.LabelStat)])
		} else {
			fs.addPending(info.target, fs.jump())
		}
	case *syntax.LabelStat:
		fs.labelRun([]syntax.Stat{s})
	}
	fs.freeReg = fs.nvarstack()
}

// addPending adds a jump list to those waiting for a label or a loop's
// end.
func (fs *funcState) addPending(target syntax.Stat, list int) {
	if target == nil || list == noJump {
		return
	}
	l, ok := fs.g.pending[target]
	if !ok {
		l = noJump
	}
	fs.concat(&l, list)
	fs.g.pending[target] = l
}

// labelRun compiles consecutive labels. The reference creates them last
// first, after reading them all.
func (fs *funcState) labelRun(stats []syntax.Stat) {
	g := fs.g
	g.check(stats[0], false)
	g.advance(stats[len(stats)-1].Pos())
	for k := len(stats) - 1; k >= 0; k-- {
		lb := stats[k].(*syntax.LabelStat)
		pc := fs.getLabel()
		g.labelPC[lb] = pc
		fs.patchList(g.takePending(lb), pc)
		if g.res.labels[lb] {
			fs.codeABC(bytecode.OpClose, fs.nvarstack(), 0, 0)
		}
	}
}

func (fs *funcState) localStat(s *syntax.LocalStat) {
	g := fs.g
	g.advance(s.P)
	vars := g.res.decls[s]
	nvars := len(vars)
	last := vars[nvars-1]
	var e expDesc
	switch {
	case last.kind == bytecode.VarCTC:
		// The last value is a constant: the last variable takes no
		// register (the expression may still have emitted some code).
		fs.exprList(s.Values, &e)
		if v, ok := e.constValue(); !ok || !sameConstant(v, last.value) {
			g.internalf("constant local '%s': resolver and generator disagree", last.name)
		}
	case len(s.Values) > 0:
		nexps := fs.exprList(s.Values, &e)
		fs.adjustAssign(nvars, nexps, &e)
	default:
		e.init(eVoid, 0)
		fs.adjustAssign(nvars, 0, &e)
	}
	fs.activate(vars)
	for _, v := range vars {
		if v.kind == bytecode.VarClose {
			fs.markToBeClosed()
			fs.codeABC(bytecode.OpTBC, v.reg, 0, 0)
		}
	}
}

// adjustAssign adjusts the nexps values of a list, the last of which is
// e, to nvars.
func (fs *funcState) adjustAssign(nvars, nexps int, e *expDesc) {
	needed := nvars - nexps
	if e.hasMultRet() {
		extra := max(needed+1, 0)
		fs.setReturns(e, extra)
	} else {
		if e.k != eVoid {
			fs.exp2NextReg(e)
		}
		if needed > 0 {
			fs.loadNil(fs.freeReg, needed)
		}
	}
	if needed > 0 {
		fs.reserveRegs(needed)
	} else {
		fs.freeReg += needed
	}
}

func (fs *funcState) assignStat(s *syntax.AssignStat) {
	lhs := make([]expDesc, len(s.Targets))
	for i, t := range s.Targets {
		fs.expr(t, &lhs[i])
		fs.g.check(t, true)
		if i > 0 && !lhs[i].isIndexed() {
			fs.checkConflict(lhs[:i], &lhs[i])
		}
	}
	fs.g.advance(s.P)
	var e expDesc
	nexps := fs.exprList(s.Values, &e)
	i := len(lhs) - 1
	if nexps != len(lhs) {
		fs.adjustAssign(len(lhs), nexps, &e)
	} else {
		fs.setOneRet(&e)
		fs.storeVar(&lhs[i], &e)
		i--
	}
	// The other values are on the stack, the last on top.
	for ; i >= 0; i-- {
		e.init(eNonReloc, fs.freeReg-1)
		fs.storeVar(&lhs[i], &e)
	}
}

// checkConflict handles a multiple assignment where a variable assigned
// is used as table or key by an earlier target (as in 'a[i], i = 1, 2'):
// the earlier target then uses a copy of the variable's old value.
func (fs *funcState) checkConflict(prev []expDesc, v *expDesc) {
	extra := fs.freeReg
	conflict := false
	for i := range prev {
		lh := &prev[i]
		if !lh.isIndexed() {
			continue
		}
		if lh.k == eIndexUp {
			if v.k == eUpval && lh.t == v.info {
				conflict = true
				lh.k = eIndexStr
				lh.t = extra
			}
			continue
		}
		if v.k == eLocal && lh.t == v.reg {
			conflict = true
			lh.t = extra
		}
		if lh.k == eIndexed && v.k == eLocal && lh.idx == v.reg {
			conflict = true
			lh.idx = extra
		}
	}
	if conflict {
		if v.k == eLocal {
			fs.codeABC(bytecode.OpMove, extra, v.reg, 0)
		} else {
			fs.codeABC(bytecode.OpGetUpval, extra, v.info, 0)
		}
		fs.reserveRegs(1)
	}
}

func (fs *funcState) returnStat(s *syntax.ReturnStat) {
	fs.g.advance(s.P)
	first := fs.nvarstack()
	nret := len(s.Values)
	if nret > 0 {
		var e expDesc
		fs.exprList(s.Values, &e)
		switch {
		case e.hasMultRet():
			fs.setMultRet(&e)
			if e.k == eCall && nret == 1 && !fs.bl.insideTBC {
				fs.f.Code[e.info] = fs.f.Code[e.info].SetOp(bytecode.OpTailCall)
			}
			nret = multRet
		case nret == 1:
			first = fs.exp2AnyReg(&e)
		default:
			fs.exp2NextReg(&e)
			first = fs.nvarstack()
		}
	}
	fs.ret(first, nret)
}

func (fs *funcState) ifStat(s *syntax.IfStat) {
	g := fs.g
	g.advance(s.P)
	escape := noJump
	for i, c := range s.Conds {
		if i > 0 {
			g.advance(s.Blocks[i-1].End) // 'elseif'
		}
		more := i+1 < len(s.Conds) || s.Else != nil
		fs.testThenBlock(c, s.Blocks[i], more, &escape)
	}
	end := s.Blocks[len(s.Blocks)-1].End
	if s.Else != nil {
		g.advance(end) // 'else'
		fs.block(s.Else)
		end = s.Else.End
	}
	g.advance(end)
	fs.patchToHere(escape)
}

// testThenBlock compiles 'cond then block' of an if statement; more is
// set when an elseif or else part follows, which the block must jump
// over.
func (fs *funcState) testThenBlock(cond syntax.Expr, b *syntax.Block, more bool, escape *int) {
	g := fs.g
	var v expDesc
	fs.expr(cond, &v)
	var bl blockState
	var jf int
	stats := b.Stats
	if br, ok := firstBreak(stats); ok {
		// 'if cond then break': the test jumps out of the loop itself.
		fs.goIfFalse(&v)
		g.advance(br.P)
		fs.enterBlock(&bl, nil, g.res.blocks[b])
		fs.addPending(g.res.gotos[br].target, v.tl)
		if len(stats) == 1 {
			fs.leaveBlock()
			return
		}
		jf = fs.jump() // skip the rest of the block if cond is false
		stats = stats[1:]
	} else {
		fs.goIfTrue(&v)
		fs.enterBlock(&bl, nil, g.res.blocks[b])
		jf = v.fl
	}
	fs.statList(stats)
	fs.leaveBlock()
	if more {
		fs.concat(escape, fs.jump())
	}
	fs.patchToHere(jf)
}

// firstBreak returns the first statement of a list if it is a break.
func firstBreak(stats []syntax.Stat) (*syntax.BreakStat, bool) {
	if len(stats) == 0 {
		return nil, false
	}
	br, ok := stats[0].(*syntax.BreakStat)
	return br, ok
}
