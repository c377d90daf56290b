package compile

import (
	"github.com/lunar-lua/lunar/bytecode"
)

// This file holds expression descriptors: the state of an expression
// whose code is not (completely) emitted yet, which lets the generator
// choose the best instruction once it knows where the value goes (the
// design of the reference's expdesc).

// expKind is the kind of an expression descriptor.
type expKind uint8

const (
	eVoid     expKind = iota // no value (an empty list)
	eNil                     // nil
	eTrue                    // true
	eFalse                   // false
	eK                       // constant K[info]
	eKFlt                    // float constant nval
	eKInt                    // integer constant ival
	eKStr                    // string constant sval
	eNonReloc                // value in register info
	eLocal                   // local variable v in register reg
	eUpval                   // upvalue info
	eConst                   // compile-time constant variable v
	eIndexed                 // R[t][R[idx]]
	eIndexUp                 // U[t][K[idx]] (K[idx] a short string)
	eIndexI                  // R[t][idx] (idx a small integer)
	eIndexStr                // R[t][K[idx]] (K[idx] a short string)
	eJmp                     // a test; info is the pc of its jump
	eReloc                   // value of instruction info, whose A is still free
	eCall                    // call instruction info
	eVararg                  // vararg instruction info
)

// expDesc describes an expression being compiled.
type expDesc struct {
	k    expKind
	info int
	ival int64
	nval float64
	sval string
	v    *variable // eLocal, eConst
	reg  int       // eLocal
	t    int       // indexed: table register or upvalue
	idx  int       // indexed: key register, constant or integer
	tl   int       // list of jumps taken when the expression is true
	fl   int       // list of jumps taken when the expression is false
}

// init sets an expression of kind k with info i and no jumps.
func (e *expDesc) init(k expKind, i int) {
	*e = expDesc{k: k, info: i, tl: noJump, fl: noJump}
}

// hasJumps reports whether the expression has pending exits.
func (e *expDesc) hasJumps() bool { return e.tl != e.fl }

// hasMultRet reports whether the expression may give several values.
func (e *expDesc) hasMultRet() bool { return e.k == eCall || e.k == eVararg }

// isIndexed reports whether the expression is a table field.
func (e *expDesc) isIndexed() bool { return eIndexed <= e.k && e.k <= eIndexStr }

// isNumeral reports whether the expression is a numeric literal without
// jumps, returning its value.
func (e *expDesc) numeral() (any, bool) {
	if e.hasJumps() {
		return nil, false
	}
	switch e.k {
	case eKInt:
		return e.ival, true
	case eKFlt:
		return e.nval, true
	}
	return nil, false
}

func (e *expDesc) isNumeral() bool {
	_, ok := e.numeral()
	return ok
}

// isKInt reports whether the expression is an integer literal without
// jumps.
func (e *expDesc) isKInt() bool { return e.k == eKInt && !e.hasJumps() }

// isCInt reports whether the expression is an integer literal that fits
// an unsigned C operand.
func (e *expDesc) isCInt() bool {
	return e.isKInt() && uint64(e.ival) <= bytecode.MaxArgC
}

// isSCInt reports whether the expression is an integer literal that fits
// a signed C operand.
func (e *expDesc) isSCInt() bool { return e.isKInt() && fitsC(e.ival) }

// isSCNumber reports whether the expression is a number that fits a
// signed immediate operand, returning the encoded operand. Like the
// reference, it sets *isFloat for any float with an integral value, even
// one that does not fit (the flag then ends up, unused, in the C operand
// of the comparison).
func (e *expDesc) isSCNumber(isFloat *bool) (imm int, ok bool) {
	var i int64
	switch e.k {
	case eKInt:
		i = e.ival
	case eKFlt:
		var exact bool
		if i, exact = floatToInt(e.nval); !exact {
			return 0, false
		}
		*isFloat = true
	default:
		return 0, false
	}
	if e.hasJumps() || !fitsC(i) {
		return 0, false
	}
	return int(i) + bytecode.OffsetSC, true
}

// constValue returns the value of an expression that is a constant
// without jumps.
func (e *expDesc) constValue() (any, bool) {
	if e.hasJumps() {
		return nil, false
	}
	switch e.k {
	case eConst:
		return e.v.value, true
	case eNil:
		return nil, true
	case eTrue:
		return true, true
	case eFalse:
		return false, true
	case eKInt:
		return e.ival, true
	case eKFlt:
		return e.nval, true
	case eKStr:
		return e.sval, true
	}
	return nil, false
}

// setConstValue makes e the constant v.
func (e *expDesc) setConstValue(v any) {
	switch x := v.(type) {
	case nil:
		e.k = eNil
	case bool:
		if x {
			e.k = eTrue
		} else {
			e.k = eFalse
		}
	case int64:
		e.k, e.ival = eKInt, x
	case float64:
		e.k, e.nval = eKFlt, x
	case string:
		e.k, e.sval = eKStr, x
	}
}

// instr returns the index of the instruction of a eReloc, eCall or
// eVararg expression.
func (e *expDesc) instr() int { return e.info }

// ---------------------------------------------------------------------------
// Discharging

// setReturns makes an open call or vararg give nresults values.
func (fs *funcState) setReturns(e *expDesc, nresults int) {
	pc := e.instr()
	ins := fs.f.Code[pc].SetC(nresults + 1)
	if e.k == eVararg {
		ins = ins.SetA(fs.freeReg)
		fs.reserveRegs(1)
	}
	fs.f.Code[pc] = ins
}

// setMultRet makes an open call or vararg give all its values.
func (fs *funcState) setMultRet(e *expDesc) { fs.setReturns(e, multRet) }

// setOneRet makes an open call or vararg give one value.
func (fs *funcState) setOneRet(e *expDesc) {
	switch e.k {
	case eCall:
		e.k = eNonReloc
		e.info = fs.f.Code[e.instr()].A()
	case eVararg:
		fs.f.Code[e.instr()] = fs.f.Code[e.instr()].SetC(2)
		e.k = eReloc
	}
}

// dischargeVars turns a variable into a value: locals become registers,
// other variables an instruction whose target is still to be chosen.
func (fs *funcState) dischargeVars(e *expDesc) {
	switch e.k {
	case eConst:
		e.setConstValue(e.v.value)
	case eLocal:
		e.info = e.reg
		e.k = eNonReloc
	case eUpval:
		e.info = fs.codeABC(bytecode.OpGetUpval, 0, e.info, 0)
		e.k = eReloc
	case eIndexUp:
		e.info = fs.codeABC(bytecode.OpGetTabUp, 0, e.t, e.idx)
		e.k = eReloc
	case eIndexI:
		fs.freeRegister(e.t)
		e.info = fs.codeABC(bytecode.OpGetI, 0, e.t, e.idx)
		e.k = eReloc
	case eIndexStr:
		fs.freeRegister(e.t)
		e.info = fs.codeABC(bytecode.OpGetField, 0, e.t, e.idx)
		e.k = eReloc
	case eIndexed:
		fs.freeRegs(e.t, e.idx)
		e.info = fs.codeABC(bytecode.OpGetTable, 0, e.t, e.idx)
		e.k = eReloc
	case eVararg, eCall:
		fs.setOneRet(e)
	}
}

// discharge2Reg puts the value of e (jumps aside) in reg.
func (fs *funcState) discharge2Reg(e *expDesc, reg int) {
	fs.dischargeVars(e)
	switch e.k {
	case eNil:
		fs.loadNil(reg, 1)
	case eFalse:
		fs.codeABC(bytecode.OpLoadFalse, reg, 0, 0)
	case eTrue:
		fs.codeABC(bytecode.OpLoadTrue, reg, 0, 0)
	case eKStr:
		fs.str2K(e)
		fs.codeK(reg, e.info)
	case eK:
		fs.codeK(reg, e.info)
	case eKFlt:
		fs.loadFloat(reg, e.nval)
	case eKInt:
		fs.loadInt(reg, e.ival)
	case eReloc:
		pc := e.instr()
		fs.f.Code[pc] = fs.f.Code[pc].SetA(reg)
	case eNonReloc:
		if reg != e.info {
			fs.codeABC(bytecode.OpMove, reg, e.info, 0)
		}
	default: // eJmp: nothing to do yet
		return
	}
	e.info = reg
	e.k = eNonReloc
}

// discharge2AnyReg puts the value of e in some register.
func (fs *funcState) discharge2AnyReg(e *expDesc) {
	if e.k != eNonReloc {
		fs.reserveRegs(1)
		fs.discharge2Reg(e, fs.freeReg-1)
	}
}

// codeLoadBool emits a boolean load that may be a jump target.
func (fs *funcState) codeLoadBool(a int, op bytecode.OpCode) int {
	fs.getLabel()
	return fs.codeABC(op, a, 0, 0)
}

// needValue reports whether some jump of a list is not controlled by a
// TESTSET (and so produces no value by itself).
func (fs *funcState) needValue(list int) bool {
	for ; list != noJump; list = fs.getJump(list) {
		if fs.f.Code[fs.jumpControl(list)].Op() != bytecode.OpTestSet {
			return true
		}
	}
	return false
}

// exp2Reg puts the complete value of e, jumps included, in reg.
func (fs *funcState) exp2Reg(e *expDesc, reg int) {
	fs.discharge2Reg(e, reg)
	if e.k == eJmp {
		fs.concat(&e.tl, e.info)
	}
	if e.hasJumps() {
		pf, pt := noJump, noJump
		if fs.needValue(e.tl) || fs.needValue(e.fl) {
			fj := noJump
			if e.k != eJmp {
				fj = fs.jump()
			}
			pf = fs.codeLoadBool(reg, bytecode.OpLFalseSkip)
			pt = fs.codeLoadBool(reg, bytecode.OpLoadTrue)
			fs.patchToHere(fj)
		}
		final := fs.getLabel()
		fs.patchListAux(e.fl, final, reg, pf)
		fs.patchListAux(e.tl, final, reg, pt)
	}
	e.fl, e.tl = noJump, noJump
	e.info = reg
	e.k = eNonReloc
}

// freeExp releases the register of a temporary value.
func (fs *funcState) freeExp(e *expDesc) {
	if e.k == eNonReloc {
		fs.freeRegister(e.info)
	}
}

// freeExps releases the registers of two temporaries, the higher first.
func (fs *funcState) freeExps(e1, e2 *expDesc) {
	r1, r2 := -1, -1
	if e1.k == eNonReloc {
		r1 = e1.info
	}
	if e2.k == eNonReloc {
		r2 = e2.info
	}
	fs.freeRegs(r1, r2)
}

// exp2NextReg puts the value of e in the next free register.
func (fs *funcState) exp2NextReg(e *expDesc) {
	fs.dischargeVars(e)
	fs.freeExp(e)
	fs.reserveRegs(1)
	fs.exp2Reg(e, fs.freeReg-1)
}

// exp2AnyReg puts the value of e in some register and returns it.
func (fs *funcState) exp2AnyReg(e *expDesc) int {
	fs.dischargeVars(e)
	if e.k == eNonReloc {
		if !e.hasJumps() {
			return e.info
		}
		if e.info >= fs.nvarstack() {
			fs.exp2Reg(e, e.info)
			return e.info
		}
		// A local's register cannot take the values of the jumps.
	}
	fs.exp2NextReg(e)
	return e.info
}

// exp2AnyRegUp puts e in a register unless it is an upvalue.
func (fs *funcState) exp2AnyRegUp(e *expDesc) {
	if e.k != eUpval || e.hasJumps() {
		fs.exp2AnyReg(e)
	}
}

// exp2Val makes e a value, in a register or a constant.
func (fs *funcState) exp2Val(e *expDesc) {
	if e.hasJumps() {
		fs.exp2AnyReg(e)
	} else {
		fs.dischargeVars(e)
	}
}

// str2K moves a string literal to the constant table.
func (fs *funcState) str2K(e *expDesc) {
	e.info = fs.stringK(e.sval)
	e.k = eK
}

// exp2K tries to make e a constant operand (an index that fits in B or
// C). The constant is added to the table even when its index is too big.
func (fs *funcState) exp2K(e *expDesc) bool {
	if e.hasJumps() {
		return false
	}
	var info int
	switch e.k {
	case eTrue:
		info = fs.boolK(true)
	case eFalse:
		info = fs.boolK(false)
	case eNil:
		info = fs.nilK()
	case eKInt:
		info = fs.intK(e.ival)
	case eKFlt:
		info = fs.numberK(e.nval)
	case eKStr:
		info = fs.stringK(e.sval)
	case eK:
		info = e.info
	default:
		return false
	}
	if info <= bytecode.MaxArgB {
		e.k = eK
		e.info = info
		return true
	}
	return false
}

// exp2RK makes e a constant operand or puts it in a register; it reports
// whether it is a constant.
func (fs *funcState) exp2RK(e *expDesc) bool {
	if fs.exp2K(e) {
		return true
	}
	fs.exp2AnyReg(e)
	return false
}
