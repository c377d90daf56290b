package compile

import (
	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// This file compiles loops. Each loop statement has a loop block, whose
// end is the target of its breaks; a for loop also has a block for its
// declared variables around the body, so that each iteration gets fresh
// variables (closed at the end of the iteration when captured).

// cond compiles a loop condition and returns its false exit list.
func (fs *funcState) cond(e syntax.Expr) int {
	var v expDesc
	fs.expr(e, &v)
	if v.k == eNil {
		v.k = eFalse // all falses are equal here
	}
	fs.goIfTrue(&v)
	return v.fl
}

func (fs *funcState) whileStat(s *syntax.WhileStat) {
	g := fs.g
	g.advance(s.P)
	whileInit := fs.getLabel()
	condExit := fs.cond(s.Cond)
	var bl blockState
	fs.enterBlock(&bl, s, g.res.loops[s].loopUpval)
	fs.block(s.Body)
	fs.jumpTo(whileInit)
	g.advance(s.Body.End)
	fs.leaveBlock()
	fs.patchToHere(condExit)
}

func (fs *funcState) repeatStat(s *syntax.RepeatStat) {
	g := fs.g
	g.advance(s.P)
	repeatInit := fs.getLabel()
	var loop, scope blockState
	fs.enterBlock(&loop, s, g.res.loops[s].loopUpval)
	fs.enterBlock(&scope, nil, g.res.blocks[s.Body])
	fs.statList(s.Body.Stats)
	g.advance(s.Body.End) // 'until'
	condExit := fs.cond(s.Cond)
	fs.leaveBlock()
	if scope.upval {
		// Repeating must close the upvalues of the body.
		exit := fs.jump()
		fs.patchToHere(condExit)
		fs.codeABC(bytecode.OpClose, fs.regLevel(scope.nactvar), 0, 0)
		condExit = fs.jump()
		fs.patchToHere(exit)
	}
	fs.patchList(condExit, repeatInit)
	fs.leaveBlock()
}

// exp1 compiles a for loop's control expression into the next register.
func (fs *funcState) exp1(e syntax.Expr) {
	var v expDesc
	fs.expr(e, &v)
	fs.exp2NextReg(&v)
}

func (fs *funcState) numericFor(s *syntax.NumericForStat) {
	g := fs.g
	g.advance(s.P)
	info := g.res.loops[s]
	var bl blockState
	fs.enterBlock(&bl, s, info.loopUpval)
	vars := g.res.decls[s]
	base := fs.freeReg
	g.advance(s.VarP)
	fs.exp1(s.Start)
	fs.exp1(s.Limit)
	if s.Step != nil {
		fs.exp1(s.Step)
	} else {
		fs.loadInt(fs.freeReg, 1)
		fs.reserveRegs(1)
	}
	fs.activate(vars[:3])
	fs.forBody(s, s.Body, base, s.P.Line, vars[3:], false)
	g.advance(s.Body.End)
	fs.leaveBlock()
}

func (fs *funcState) genericFor(s *syntax.GenericForStat) {
	g := fs.g
	g.advance(s.P)
	info := g.res.loops[s]
	var bl blockState
	fs.enterBlock(&bl, s, info.loopUpval)
	vars := g.res.decls[s]
	base := fs.freeReg
	g.advance(s.NameP[len(s.NameP)-1])
	line := exprStart(s.Exprs[0]).Line
	var e expDesc
	nexps := fs.exprList(s.Exprs, &e)
	fs.adjustAssign(4, nexps, &e)
	fs.activate(vars[:4])
	fs.markToBeClosed() // the fourth control variable is to be closed
	fs.checkStack(3)    // room to call the generator
	fs.forBody(s, s.Body, base, line, vars[4:], true)
	g.advance(s.Body.End)
	fs.leaveBlock()
}

// forBody compiles the body of a for loop and its loop instructions.
func (fs *funcState) forBody(s syntax.Stat, body *syntax.Block, base int, line int32, vars []*variable, generic bool) {
	prepOp := bytecode.OpForPrep
	if generic {
		prepOp = bytecode.OpTForPrep
	}
	prep := fs.codeABx(prepOp, base, 0)
	var bl blockState
	fs.enterBlock(&bl, nil, fs.g.res.loops[s].varsUpval)
	fs.activate(vars)
	fs.reserveRegs(len(vars))
	fs.block(body)
	fs.leaveBlock()
	fs.fixForJump(prep, fs.getLabel(), false)
	var endFor int
	if generic {
		fs.codeABC(bytecode.OpTForCall, base, 0, len(vars))
		fs.fixLine(line)
		endFor = fs.codeABx(bytecode.OpTForLoop, base, 0)
	} else {
		endFor = fs.codeABx(bytecode.OpForLoop, base, 0)
	}
	fs.fixForJump(endFor, prep+1, true)
	fs.fixLine(line)
}

// fixForJump sets the Bx offset of a for-loop instruction at pc so that
// it goes to dest (backwards when back is set).
func (fs *funcState) fixForJump(pc, dest int, back bool) {
	offset := dest - (pc + 1)
	if back {
		offset = -offset
	}
	if offset > bytecode.MaxArgBx {
		fs.g.errorf("control structure too long")
	}
	fs.f.Code[pc] = fs.f.Code[pc].SetBx(offset)
}
