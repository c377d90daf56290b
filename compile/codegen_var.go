package compile

import (
	"github.com/lunar-lua/lunar/bytecode"
)

// This file compiles the use of variables as targets: stores to locals,
// upvalues and table fields, table fields themselves, and the operand of
// a method call.

// codeABRK emits an instruction whose C is a register or a constant.
func (fs *funcState) codeABRK(op bytecode.OpCode, a, b int, ec *expDesc) {
	k := fs.exp2RK(ec)
	fs.codeABCk(op, a, b, ec.info, k)
}

// storeVar assigns the value of ex to the variable var.
func (fs *funcState) storeVar(v, ex *expDesc) {
	switch v.k {
	case eLocal:
		fs.freeExp(ex)
		fs.exp2Reg(ex, v.reg)
		return
	case eUpval:
		e := fs.exp2AnyReg(ex)
		fs.codeABC(bytecode.OpSetUpval, e, v.info, 0)
	case eIndexUp:
		fs.codeABRK(bytecode.OpSetTabUp, v.t, v.idx, ex)
	case eIndexI:
		fs.codeABRK(bytecode.OpSetI, v.t, v.idx, ex)
	case eIndexStr:
		fs.codeABRK(bytecode.OpSetField, v.t, v.idx, ex)
	case eIndexed:
		fs.codeABRK(bytecode.OpSetTable, v.t, v.idx, ex)
	}
	fs.freeExp(ex)
}

// indexed makes t the field t[k]; t is a local, a register or an
// upvalue, and k a value.
func (fs *funcState) indexed(t, k *expDesc) {
	if k.k == eKStr {
		fs.str2K(k)
	}
	isKStr := k.k == eK && !k.hasJumps() && k.info <= bytecode.MaxArgB && fs.isShortString(k.info)
	if t.k == eUpval && !isKStr {
		fs.exp2AnyReg(t)
	}
	if t.k == eUpval {
		t.t = t.info
		t.idx = k.info
		t.k = eIndexUp
		return
	}
	if t.k == eLocal {
		t.t = t.reg
	} else {
		t.t = t.info
	}
	switch {
	case isKStr:
		t.idx = k.info
		t.k = eIndexStr
	case k.isCInt():
		t.idx = int(k.ival)
		t.k = eIndexI
	default:
		t.idx = fs.exp2AnyReg(k)
		t.k = eIndexed
	}
}

// self compiles 'e:key' for a method call: the method and e go to two
// consecutive registers.
func (fs *funcState) self(e, key *expDesc) {
	fs.exp2AnyReg(e)
	ereg := e.info
	fs.freeExp(e)
	e.info = fs.freeReg
	e.k = eNonReloc
	fs.reserveRegs(2)
	fs.codeABRK(bytecode.OpSelf, e.info, ereg, key)
	fs.freeExp(key)
}
