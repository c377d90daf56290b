package compile

import (
	"math"

	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// This file holds the code generator's per-function state and its
// primitives: emitting instructions with line information, registers,
// the constant table, jump lists and the final pass over a function's
// code.

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

// ---------------------------------------------------------------------------
// Constants

// constKey identifies a constant: kinds differ for 1 and 1.0, and the
// bits of a float tell 0.0 from -0.0.
type constKey struct {
	kind byte // 'n' nil, 'b' boolean, 'i' integer, 'f' float, 's' string
	bits uint64
	s    string
}

// addK returns the index of a constant, adding it when new.
func (fs *funcState) addK(key constKey, v any) int {
	if fs.g.scannerK != nil {
		return fs.addKShared(key, v)
	}
	if i, ok := fs.kcache[key]; ok {
		return i
	}
	i := len(fs.f.Constants)
	fs.f.Constants = append(fs.f.Constants, v)
	fs.kcache[key] = i
	return i
}

// addKShared is addK in the luac544 mode: the cache maps a key to
// the index it got last, in whichever function, and is believed only when
// that index holds the same constant in the current function. As in a
// Lua table, a float key with an integral value is the integer key.
func (fs *funcState) addKShared(key constKey, v any) int {
	if key.kind == 'f' {
		// A float with an integral value gets a key that is not
		// integral (unless too large), to stay apart from the integer.
		r := math.Float64frombits(key.bits)
		if i, ok := floatToInt(r); ok {
			k := 0x1p-52
			if i != 0 {
				k = r + r*0x1p-52
			}
			key.bits = math.Float64bits(k)
			if i, ok := floatToInt(k); ok {
				key = constKey{kind: 'i', bits: uint64(i)}
			}
		}
	}
	if i, ok := fs.g.scannerK[key]; ok && i < len(fs.f.Constants) && sameConstant(fs.f.Constants[i], v) {
		return i
	}
	i := len(fs.f.Constants)
	fs.f.Constants = append(fs.f.Constants, v)
	fs.g.scannerK[key] = i
	return i
}

// sameConstant reports whether two constants have the same type and are
// equal (0.0 equals -0.0 here, as in the reference).
func sameConstant(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	}
	return a == b
}

func (fs *funcState) stringK(s string) int { return fs.addK(constKey{kind: 's', s: s}, s) }

func (fs *funcState) intK(i int64) int { return fs.addK(constKey{kind: 'i', bits: uint64(i)}, i) }

func (fs *funcState) numberK(f float64) int {
	return fs.addK(constKey{kind: 'f', bits: math.Float64bits(f)}, f)
}

func (fs *funcState) boolK(b bool) int {
	var bits uint64
	if b {
		bits = 1
	}
	return fs.addK(constKey{kind: 'b', bits: bits}, b)
}

func (fs *funcState) nilK() int { return fs.addK(constKey{kind: 'n'}, nil) }

// isShortString reports whether constant k is a string short enough to be
// a field name in GETFIELD and friends (the reference's short strings).
func (fs *funcState) isShortString(k int) bool {
	s, ok := fs.f.Constants[k].(string)
	return ok && len(s) <= maxShortLen
}

// maxShortLen is the reference's LUAI_MAXSHORTLEN.
const maxShortLen = 40

// ---------------------------------------------------------------------------
// Loading constants

// codeK loads constant k into reg.
func (fs *funcState) codeK(reg, k int) int {
	if k <= bytecode.MaxArgBx {
		return fs.codeABx(bytecode.OpLoadK, reg, k)
	}
	p := fs.codeABx(bytecode.OpLoadKX, reg, 0)
	fs.codeExtraArg(k)
	return p
}

// fitsBx reports whether i fits a signed Bx operand.
func fitsBx(i int64) bool {
	return -bytecode.OffsetSBx <= i && i <= bytecode.MaxArgBx-bytecode.OffsetSBx
}

// fitsC reports whether i fits a signed C (or B) operand.
func fitsC(i int64) bool {
	return uint64(i)+bytecode.OffsetSC <= bytecode.MaxArgC
}

// loadInt loads an integer into reg.
func (fs *funcState) loadInt(reg int, i int64) {
	if fitsBx(i) {
		fs.codeAsBx(bytecode.OpLoadI, reg, int(i))
	} else {
		fs.codeK(reg, fs.intK(i))
	}
}

// loadFloat loads a float into reg.
func (fs *funcState) loadFloat(reg int, f float64) {
	if i, ok := floatToInt(f); ok && fitsBx(i) {
		fs.codeAsBx(bytecode.OpLoadF, reg, int(i))
	} else {
		fs.codeK(reg, fs.numberK(f))
	}
}

// loadNil sets n registers from 'from' to nil, merging with a LOADNIL
// just before when possible.
func (fs *funcState) loadNil(from, n int) {
	l := from + n - 1
	if p := fs.previous(); p >= 0 {
		prev := fs.f.Code[p]
		if prev.Op() == bytecode.OpLoadNil {
			pfrom := prev.A()
			pl := pfrom + prev.B()
			if (pfrom <= from && from <= pl+1) || (from <= pfrom && pfrom <= l+1) {
				from = min(from, pfrom)
				l = max(l, pl)
				fs.f.Code[p] = prev.SetA(from).SetB(l - from)
				return
			}
		}
	}
	fs.codeABC(bytecode.OpLoadNil, from, n-1, 0)
}

// ret emits a return of nret values from register first.
func (fs *funcState) ret(first, nret int) {
	op := bytecode.OpReturn
	switch nret {
	case 0:
		op = bytecode.OpReturn0
	case 1:
		op = bytecode.OpReturn1
	}
	fs.codeABC(op, first, nret+1, 0)
}

// setVararg marks the function variadic.
func (fs *funcState) setVararg(nparams int) {
	fs.f.IsVararg = true
	fs.codeABC(bytecode.OpVarargPrep, nparams, 0, 0)
}

// ---------------------------------------------------------------------------
// Jumps

// jump emits a jump to be patched and returns its pc.
func (fs *funcState) jump() int {
	return fs.code(bytecode.SJ(bytecode.OpJmp, noJump))
}

// getJump returns the next jump of the list after pc.
func (fs *funcState) getJump(pc int) int {
	offset := fs.f.Code[pc].SJ()
	if offset == noJump {
		return noJump
	}
	return pc + 1 + offset
}

// fixJump makes the jump at pc go to dest.
func (fs *funcState) fixJump(pc, dest int) {
	offset := dest - (pc + 1)
	if offset < -bytecode.OffsetSJ || offset > bytecode.MaxArgSJ-bytecode.OffsetSJ {
		fs.g.errorf("control structure too long")
	}
	fs.f.Code[pc] = fs.f.Code[pc].SetSJ(offset)
}

// concat joins list l2 to list *l1. Where the lists are linked does not
// matter (every jump of a list is patched on its own), so concat walks
// the two lists together and links the end of the shorter one to the
// other: joining a long list and a short one costs the short one's
// length, which keeps long chains of 'and' and 'or' linear (the
// reference always walks *l1).
func (fs *funcState) concat(l1 *int, l2 int) {
	if l2 == noJump {
		return
	}
	if *l1 == noJump {
		*l1 = l2
		return
	}
	a, b := *l1, l2
	for {
		na, nb := fs.getJump(a), fs.getJump(b)
		if na == noJump {
			fs.fixJump(a, l2) // *l1 ends first: append l2
			return
		}
		if nb == noJump {
			fs.fixJump(b, *l1) // l2 ends first: prepend it
			*l1 = l2
			return
		}
		a, b = na, nb
	}
}

// jumpControl returns the pc of the instruction that controls the jump at
// pc: the test before it, if any.
func (fs *funcState) jumpControl(pc int) int {
	if pc >= 1 && bytecode.Info[fs.f.Code[pc-1].Op()].IsTest {
		return pc - 1
	}
	return pc
}

// patchTestReg makes the TESTSET controlling the jump at node put its
// value in reg, or turns it into a TEST when no value is needed (reg is
// noReg or the tested register). It reports false when the jump is not
// controlled by a TESTSET.
func (fs *funcState) patchTestReg(node, reg int) bool {
	pc := fs.jumpControl(node)
	i := fs.f.Code[pc]
	if i.Op() != bytecode.OpTestSet {
		return false
	}
	if reg != noReg && reg != i.B() {
		fs.f.Code[pc] = i.SetA(reg)
	} else {
		fs.f.Code[pc] = bytecode.ABC(bytecode.OpTest, i.B(), 0, 0, i.K())
	}
	return true
}

// removeValues turns the TESTSETs of a list into TESTs.
func (fs *funcState) removeValues(list int) {
	for ; list != noJump; list = fs.getJump(list) {
		fs.patchTestReg(list, noReg)
	}
}

// patchListAux patches a list: jumps whose TESTSET can put its value in
// reg go to vtarget, the others to dtarget.
func (fs *funcState) patchListAux(list, vtarget, reg, dtarget int) {
	for list != noJump {
		next := fs.getJump(list)
		if fs.patchTestReg(list, reg) {
			fs.fixJump(list, vtarget)
		} else {
			fs.fixJump(list, dtarget)
		}
		list = next
	}
}

// patchList makes all jumps of a list go to target.
func (fs *funcState) patchList(list, target int) {
	fs.patchListAux(list, target, noReg, target)
}

// patchToHere makes all jumps of a list go to the current pc.
func (fs *funcState) patchToHere(list int) {
	fs.patchList(list, fs.getLabel())
}

// jumpTo emits a jump to target.
func (fs *funcState) jumpTo(target int) {
	fs.patchList(fs.jump(), target)
}

// ---------------------------------------------------------------------------
// Finishing

// finish makes the last changes to a function's code: returns of
// variadic functions and of functions with upvalues to close get their
// extra operands, and jumps to jumps go straight to the final target.
func (fs *funcState) finish() {
	p := fs.f
	needClose := fs.info.needClose
	for i, ins := range p.Code {
		switch ins.Op() {
		case bytecode.OpReturn0, bytecode.OpReturn1:
			if !needClose && !p.IsVararg {
				break
			}
			ins = ins.SetOp(bytecode.OpReturn)
			fallthrough
		case bytecode.OpReturn, bytecode.OpTailCall:
			if needClose {
				ins = ins.SetK(true)
			}
			if p.IsVararg {
				ins = ins.SetC(p.NumParams + 1)
			}
			p.Code[i] = ins
		case bytecode.OpJmp:
			fs.fixJump(i, finalTarget(p.Code, i))
		}
	}
}

// finalTarget follows a chain of jumps (at most 100, to stop on loops).
func finalTarget(code []bytecode.Instruction, i int) int {
	for count := 0; count < 100; count++ {
		ins := code[i]
		if ins.Op() != bytecode.OpJmp {
			break
		}
		i += ins.SJ() + 1
	}
	return i
}
