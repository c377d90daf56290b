package compile

import (
	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// This file holds the code generator's per-function state and its
// primitives: emitting instructions with line information, registers,
// variables and blocks.

// noJump marks the end of a jump list (and an empty list).
const noJump = -1

// noReg is the register operand of a TESTSET whose target is not known
// yet.
const noReg = bytecode.MaxArgA

// multRet is the number of results of an open call or vararg.
const multRet = -1

// funcState is the state of the function being compiled.
type funcState struct {
	g    *generator
	prev *funcState
	info *funcInfo
	f    *bytecode.Proto
	bl   *blockState
	// lastTarget is the pc of the last jump target, which ends the
	// stretch of code where instructions may be merged.
	lastTarget int
	freeReg    int // first free register
	// actvars are the variables in scope, innermost last (compile-time
	// constants included).
	actvars []*variable
	kcache  map[constKey]int
}

// blockState is a block (scope) being compiled.
type blockState struct {
	prev      *blockState
	nactvar   int         // variables in scope outside the block
	loop      syntax.Stat // the loop statement, for a loop block
	upval     bool        // some variable of the block is captured or to be closed
	insideTBC bool        // the block is in the scope of a to-be-closed variable
}

// pc returns the index of the next instruction.
func (fs *funcState) pc() int { return len(fs.f.Code) }

// code emits an instruction at the current line and returns its index.
func (fs *funcState) code(i bytecode.Instruction) int {
	fs.f.Code = append(fs.f.Code, i)
	fs.f.LineInfo = append(fs.f.LineInfo, fs.g.line)
	return len(fs.f.Code) - 1
}

func (fs *funcState) codeABC(op bytecode.OpCode, a, b, c int) int {
	return fs.code(bytecode.ABC(op, a, b, c, false))
}

func (fs *funcState) codeABCk(op bytecode.OpCode, a, b, c int, k bool) int {
	return fs.code(bytecode.ABC(op, a, b, c, k))
}

func (fs *funcState) codeABx(op bytecode.OpCode, a, bx int) int {
	return fs.code(bytecode.ABx(op, a, bx))
}

func (fs *funcState) codeAsBx(op bytecode.OpCode, a, sbx int) int {
	return fs.code(bytecode.AsBx(op, a, sbx))
}

func (fs *funcState) codeExtraArg(ax int) int {
	if ax > bytecode.MaxArgAx {
		fs.g.errorf("constant table overflow")
	}
	return fs.code(bytecode.Ax(bytecode.OpExtraArg, ax))
}

// fixLine gives the last instruction emitted the given line.
func (fs *funcState) fixLine(line int32) {
	fs.f.LineInfo[len(fs.f.LineInfo)-1] = line
}

// removeLastInstruction drops the last instruction emitted.
func (fs *funcState) removeLastInstruction() {
	n := len(fs.f.Code) - 1
	fs.f.Code = fs.f.Code[:n]
	fs.f.LineInfo = fs.f.LineInfo[:n]
}

// getLabel marks the current pc as a jump target and returns it.
func (fs *funcState) getLabel() int {
	fs.lastTarget = fs.pc()
	return fs.pc()
}

// previous returns the index of the previous instruction when it may be
// changed (no jump targets the current position), or -1.
func (fs *funcState) previous() int {
	if fs.pc() > fs.lastTarget {
		return fs.pc() - 1
	}
	return -1
}

// ---------------------------------------------------------------------------
// Registers

// regLevel returns the number of registers used by the first n variables
// in scope.
func (fs *funcState) regLevel(n int) int {
	for i := n - 1; i >= 0; i-- {
		if v := fs.actvars[i]; v.kind != bytecode.VarCTC {
			return v.reg + 1
		}
	}
	return 0
}

// nvarstack returns the number of registers used by variables in scope.
func (fs *funcState) nvarstack() int { return fs.regLevel(len(fs.actvars)) }

// checkStack makes sure n more registers are available.
func (fs *funcState) checkStack(n int) {
	newStack := fs.freeReg + n
	if newStack > fs.f.MaxStackSize {
		if newStack >= bytecode.MaxRegisters {
			msg := "function or expression needs too many registers"
			if g := fs.g; g.near != "" {
				msg += " near " + g.near
				g.advance(g.nearPos)
			}
			fs.g.errorf("%s", msg)
		}
		fs.f.MaxStackSize = newStack
	}
}

// reserveRegs takes n registers.
func (fs *funcState) reserveRegs(n int) {
	fs.checkStack(n)
	fs.freeReg += n
}

// freeReg releases a register holding a temporary (not a variable).
func (fs *funcState) freeRegister(reg int) {
	if reg >= fs.nvarstack() {
		fs.freeReg--
	}
}

// freeRegs releases two registers, the higher one first.
func (fs *funcState) freeRegs(r1, r2 int) {
	if r1 > r2 {
		fs.freeRegister(r1)
		fs.freeRegister(r2)
	} else {
		fs.freeRegister(r2)
		fs.freeRegister(r1)
	}
}

// ---------------------------------------------------------------------------
// Variables

// activate brings variables into scope, with their debug information.
func (fs *funcState) activate(vars []*variable) {
	for _, v := range vars {
		fs.actvars = append(fs.actvars, v)
		if v.kind != bytecode.VarCTC {
			v.pidx = len(fs.f.LocVars)
			fs.f.LocVars = append(fs.f.LocVars, bytecode.LocVar{Name: v.name, StartPC: fs.pc()})
		}
	}
}

// removeVars takes variables out of scope down to level.
func (fs *funcState) removeVars(level int) {
	for len(fs.actvars) > level {
		v := fs.actvars[len(fs.actvars)-1]
		fs.actvars = fs.actvars[:len(fs.actvars)-1]
		if v.kind != bytecode.VarCTC {
			fs.f.LocVars[v.pidx].EndPC = fs.pc()
		}
	}
}

// enterBlock opens a scope.
func (fs *funcState) enterBlock(bl *blockState, loop syntax.Stat, upval bool) {
	bl.prev = fs.bl
	bl.nactvar = len(fs.actvars)
	bl.loop = loop
	bl.upval = upval
	bl.insideTBC = fs.bl != nil && fs.bl.insideTBC
	fs.bl = bl
}

// leaveBlock closes the current scope. A loop's end is where its breaks
// jump; leaving the scope of captured or to-be-closed variables closes
// them.
func (fs *funcState) leaveBlock() {
	bl := fs.bl
	stkLevel := fs.regLevel(bl.nactvar)
	hasClose := false
	if bl.loop != nil {
		fs.patchList(fs.g.takePending(bl.loop), fs.getLabel())
		if fs.g.res.loops[bl.loop].breakClose {
			// The reference (5.4.4) closes from the level of the loop's
			// control variables here, which misses the closing value of
			// a generic for; like Lua 5.4.6 we close from the level
			// outside the loop.
			level := stkLevel
			if fs.g.luac544 {
				level = fs.nvarstack()
			}
			fs.codeABC(bytecode.OpClose, level, 0, 0)
			hasClose = true
		}
	}
	if !hasClose && bl.prev != nil && bl.upval {
		fs.codeABC(bytecode.OpClose, stkLevel, 0, 0)
	}
	fs.bl = bl.prev
	fs.removeVars(bl.nactvar)
	fs.freeReg = stkLevel
}

// markToBeClosed notes that the current block has a to-be-closed
// variable.
func (fs *funcState) markToBeClosed() {
	fs.bl.upval = true
	fs.bl.insideTBC = true
}

// takePending returns and forgets the jumps waiting for a target.
func (g *generator) takePending(target syntax.Stat) int {
	l, ok := g.pending[target]
	if !ok {
		return noJump
	}
	delete(g.pending, target)
	return l
}
