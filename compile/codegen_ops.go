package compile

import (
	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// This file compiles operators: conditions and their jump lists, unary
// and binary operators with their immediate, constant and register
// forms, and constant folding.

// condJump emits a test followed by a jump and returns the jump's pc.
func (fs *funcState) condJump(op bytecode.OpCode, a, b, c int, k bool) int {
	fs.codeABCk(op, a, b, c, k)
	return fs.jump()
}

// negateCondition inverts the test controlling the jump of e.
func (fs *funcState) negateCondition(e *expDesc) {
	pc := fs.jumpControl(e.info)
	fs.f.Code[pc] = fs.f.Code[pc].SetK(!fs.f.Code[pc].K())
}

// jumpOnCond emits a jump taken when e is cond and returns its pc.
func (fs *funcState) jumpOnCond(e *expDesc, cond bool) int {
	if e.k == eReloc {
		if ie := fs.f.Code[e.instr()]; ie.Op() == bytecode.OpNot {
			// Test the operand of 'not' instead, with the condition
			// inverted.
			fs.removeLastInstruction()
			return fs.condJump(bytecode.OpTest, ie.B(), 0, 0, !cond)
		}
	}
	fs.discharge2AnyReg(e)
	fs.freeExp(e)
	return fs.condJump(bytecode.OpTestSet, noReg, e.info, 0, cond)
}

// goIfTrue emits what falls through when e is true and jumps (adding to
// e's false list) when it is false.
func (fs *funcState) goIfTrue(e *expDesc) {
	fs.dischargeVars(e)
	var pc int
	switch e.k {
	case eJmp:
		fs.negateCondition(e)
		pc = e.info
	case eK, eKFlt, eKInt, eKStr, eTrue:
		pc = noJump // always true
	default:
		pc = fs.jumpOnCond(e, false)
	}
	fs.concat(&e.fl, pc)
	fs.patchToHere(e.tl)
	e.tl = noJump
}

// goIfFalse emits what falls through when e is false and jumps (adding to
// e's true list) when it is true.
func (fs *funcState) goIfFalse(e *expDesc) {
	fs.dischargeVars(e)
	var pc int
	switch e.k {
	case eJmp:
		pc = e.info
	case eNil, eFalse:
		pc = noJump // always false
	default:
		pc = fs.jumpOnCond(e, true)
	}
	fs.concat(&e.tl, pc)
	fs.patchToHere(e.fl)
	e.fl = noJump
}

// codeNot compiles 'not e'.
func (fs *funcState) codeNot(e *expDesc) {
	switch e.k {
	case eNil, eFalse:
		e.k = eTrue
	case eK, eKFlt, eKInt, eKStr, eTrue:
		e.k = eFalse
	case eJmp:
		fs.negateCondition(e)
	case eReloc, eNonReloc:
		fs.discharge2AnyReg(e)
		fs.freeExp(e)
		e.info = fs.codeABC(bytecode.OpNot, 0, e.info, 0)
		e.k = eReloc
	}
	e.fl, e.tl = e.tl, e.fl
	fs.removeValues(e.fl)
	fs.removeValues(e.tl)
}

// constFold folds e1 op e2 into e1 when both are numerals and the
// operation is safe to do now.
func constFold(op arithOp, e1, e2 *expDesc) bool {
	v1, ok1 := e1.numeral()
	v2, ok2 := e2.numeral()
	if !ok1 || !ok2 {
		return false
	}
	r, ok := fold(op, v1, v2)
	if !ok {
		return false
	}
	e1.setConstValue(r)
	return true
}

// prefix compiles a unary operator applied to e; line is the operator's.
func (fs *funcState) prefix(op syntax.UnaryOp, e *expDesc, line int32) {
	fs.dischargeVars(e)
	zero := expDesc{k: eKInt, tl: noJump, fl: noJump}
	switch op {
	case syntax.OpNeg:
		if !constFold(arUnm, e, &zero) {
			fs.codeUnExpVal(bytecode.OpUnm, e, line)
		}
	case syntax.OpBNot:
		if !constFold(arBNot, e, &zero) {
			fs.codeUnExpVal(bytecode.OpBNot, e, line)
		}
	case syntax.OpLen:
		fs.codeUnExpVal(bytecode.OpLen, e, line)
	case syntax.OpNot:
		fs.codeNot(e)
	}
}

// codeUnExpVal emits a unary operator on a register.
func (fs *funcState) codeUnExpVal(op bytecode.OpCode, e *expDesc, line int32) {
	r := fs.exp2AnyReg(e)
	fs.freeExp(e)
	e.info = fs.codeABC(op, 0, r, 0)
	e.k = eReloc
	fs.fixLine(line)
}

// infix prepares the first operand of a binary operator, before the
// second one is compiled.
func (fs *funcState) infix(op syntax.BinaryOp, v *expDesc) {
	fs.dischargeVars(v)
	switch op {
	case syntax.OpAnd:
		fs.goIfTrue(v)
	case syntax.OpOr:
		fs.goIfFalse(v)
	case syntax.OpConcat:
		fs.exp2NextReg(v)
	case syntax.OpEq, syntax.OpNe:
		if !v.isNumeral() {
			fs.exp2RK(v)
		}
	case syntax.OpLt, syntax.OpLe, syntax.OpGt, syntax.OpGe:
		var isFloat bool
		if _, ok := v.isSCNumber(&isFloat); !ok {
			fs.exp2AnyReg(v)
		}
	default: // arithmetic and bitwise
		if !v.isNumeral() {
			fs.exp2AnyReg(v)
		}
	}
}

// posfix finishes a binary operator; e1 is the first operand as infix
// left it, line the operator's line.
func (fs *funcState) posfix(op syntax.BinaryOp, e1, e2 *expDesc, line int32) {
	fs.dischargeVars(e2)
	if aop, ok := binaryArith(op); ok && constFold(aop, e1, e2) {
		return
	}
	switch op {
	case syntax.OpAnd:
		fs.concat(&e2.fl, e1.fl)
		*e1 = *e2
	case syntax.OpOr:
		fs.concat(&e2.tl, e1.tl)
		*e1 = *e2
	case syntax.OpConcat:
		fs.exp2NextReg(e2)
		fs.codeConcat(e1, e2, line)
	case syntax.OpAdd, syntax.OpMul:
		fs.codeCommutative(op, e1, e2, line)
	case syntax.OpSub:
		if !fs.finishBinExpNeg(e1, e2, bytecode.OpAddI, line, bytecode.TMSub) {
			fs.codeArith(arSub, e1, e2, false, line)
		}
	case syntax.OpDiv, syntax.OpIDiv, syntax.OpMod, syntax.OpPow:
		aop, _ := binaryArith(op)
		fs.codeArith(aop, e1, e2, false, line)
	case syntax.OpBAnd, syntax.OpBOr, syntax.OpBXor:
		aop, _ := binaryArith(op)
		fs.codeBitwise(aop, e1, e2, line)
	case syntax.OpShl:
		switch {
		case e1.isSCInt():
			*e1, *e2 = *e2, *e1
			fs.codeBinI(bytecode.OpShlI, e1, e2, true, line, bytecode.TMShl) // I << r2
		case fs.finishBinExpNeg(e1, e2, bytecode.OpShrI, line, bytecode.TMShl):
			// coded as r1 >> -I
		default:
			fs.codeBinExpVal(arShl, e1, e2, line)
		}
	case syntax.OpShr:
		if e2.isSCInt() {
			fs.codeBinI(bytecode.OpShrI, e1, e2, false, line, bytecode.TMShr)
		} else {
			fs.codeBinExpVal(arShr, e1, e2, line)
		}
	case syntax.OpEq, syntax.OpNe:
		fs.codeEq(op == syntax.OpEq, e1, e2)
	case syntax.OpLt, syntax.OpLe:
		fs.codeOrder(op == syntax.OpLt, e1, e2)
	case syntax.OpGt, syntax.OpGe:
		// a > b is b < a, a >= b is b <= a.
		*e1, *e2 = *e2, *e1
		fs.codeOrder(op == syntax.OpGt, e1, e2)
	}
}

// finishBinExpVal emits a binary operation whose first operand goes to a
// register, and the MMBIN-family instruction that follows it.
func (fs *funcState) finishBinExpVal(e1, e2 *expDesc, op bytecode.OpCode, v2 int, flip bool, line int32,
	mmop bytecode.OpCode, event bytecode.TagMethod) {
	v1 := fs.exp2AnyReg(e1)
	pc := fs.codeABC(op, 0, v1, v2)
	fs.freeExps(e1, e2)
	e1.info = pc
	e1.k = eReloc
	fs.fixLine(line)
	fs.codeABCk(mmop, v1, v2, int(event), flip)
	fs.fixLine(line)
}

// codeBinExpVal emits a binary operation on two registers.
func (fs *funcState) codeBinExpVal(op arithOp, e1, e2 *expDesc, line int32) {
	v2 := fs.exp2AnyReg(e2)
	fs.finishBinExpVal(e1, e2, bytecode.OpAdd+bytecode.OpCode(op), v2, false, line,
		bytecode.OpMMBin, bytecode.TMAdd+bytecode.TagMethod(op))
}

// codeBinI emits a binary operation with an immediate second operand.
func (fs *funcState) codeBinI(op bytecode.OpCode, e1, e2 *expDesc, flip bool, line int32, event bytecode.TagMethod) {
	v2 := int(e2.ival) + bytecode.OffsetSC
	fs.finishBinExpVal(e1, e2, op, v2, flip, line, bytecode.OpMMBinI, event)
}

// codeBinK emits a binary operation with a constant second operand.
func (fs *funcState) codeBinK(op arithOp, e1, e2 *expDesc, flip bool, line int32) {
	fs.finishBinExpVal(e1, e2, bytecode.OpAddK+bytecode.OpCode(op), e2.info, flip, line,
		bytecode.OpMMBinK, bytecode.TMAdd+bytecode.TagMethod(op))
}

// finishBinExpNeg codes r1 - I as r1 + (-I) (and r1 << I as r1 >> -I)
// when I is a small integer whose negation is small too.
func (fs *funcState) finishBinExpNeg(e1, e2 *expDesc, op bytecode.OpCode, line int32, event bytecode.TagMethod) bool {
	if !e2.isKInt() {
		return false
	}
	i2 := e2.ival
	if !fitsC(i2) || !fitsC(-i2) {
		return false
	}
	fs.finishBinExpVal(e1, e2, op, int(-i2)+bytecode.OffsetSC, false, line, bytecode.OpMMBinI, event)
	// The metamethod gets the original operand.
	last := fs.pc() - 1
	fs.f.Code[last] = fs.f.Code[last].SetB(int(i2) + bytecode.OffsetSC)
	return true
}

// codeArith emits an arithmetic operation, with a constant operand when
// the second operand is a numeral (flip: the operands were swapped).
func (fs *funcState) codeArith(op arithOp, e1, e2 *expDesc, flip bool, line int32) {
	if e2.isNumeral() && fs.exp2K(e2) {
		fs.codeBinK(op, e1, e2, flip, line)
		return
	}
	if flip {
		*e1, *e2 = *e2, *e1 // back to the original order
	}
	fs.codeBinExpVal(op, e1, e2, line)
}

// codeCommutative emits + or *, moving a numeral first operand second.
func (fs *funcState) codeCommutative(op syntax.BinaryOp, e1, e2 *expDesc, line int32) {
	flip := false
	if e1.isNumeral() {
		*e1, *e2 = *e2, *e1
		flip = true
	}
	if op == syntax.OpAdd && e2.isSCInt() {
		fs.codeBinI(bytecode.OpAddI, e1, e2, flip, line, bytecode.TMAdd)
		return
	}
	aop, _ := binaryArith(op)
	fs.codeArith(aop, e1, e2, flip, line)
}

// codeBitwise emits &, | or ~, with a constant operand when either one
// is an integer literal.
//
// An integer first operand is moved second without first being put in a
// register: when it does not fit in a K operand (a function with more than
// 256 constants), loading it then would place it above the already
// evaluated second operand, which Lua 5.4.4 got wrong ("1 ~ (2 or 3)");
// this follows the reference's fix (5.4.5).
func (fs *funcState) codeBitwise(op arithOp, e1, e2 *expDesc, line int32) {
	flip := false
	if e1.k == eKInt {
		*e1, *e2 = *e2, *e1
		flip = true
	}
	if e2.k == eKInt && fs.exp2K(e2) {
		fs.codeBinK(op, e1, e2, flip, line)
		return
	}
	if flip {
		*e1, *e2 = *e2, *e1 // back to the original order
	}
	fs.codeBinExpVal(op, e1, e2, line)
}

// codeConcat emits e1 .. e2, merging with a CONCAT that e2 compiled to.
func (fs *funcState) codeConcat(e1, e2 *expDesc, line int32) {
	if p := fs.previous(); p >= 0 && fs.f.Code[p].Op() == bytecode.OpConcat {
		ie2 := fs.f.Code[p]
		n := ie2.B()
		fs.freeExp(e2)
		fs.f.Code[p] = ie2.SetA(e1.info).SetB(n + 1)
		return
	}
	fs.codeABC(bytecode.OpConcat, e1.info, 2, 0)
	fs.freeExp(e2)
	fs.fixLine(line)
}

// codeEq emits == (eq) or ~=.
func (fs *funcState) codeEq(eq bool, e1, e2 *expDesc) {
	if e1.k != eNonReloc {
		// e1 is a constant left by infix: swap it second.
		*e1, *e2 = *e2, *e1
	}
	r1 := fs.exp2AnyReg(e1)
	var op bytecode.OpCode
	var r2 int
	isFloat := false
	imm, ok := e2.isSCNumber(&isFloat)
	switch {
	case ok:
		op, r2 = bytecode.OpEqI, imm
	case fs.exp2RK(e2):
		op, r2 = bytecode.OpEqK, e2.info
	default:
		op, r2 = bytecode.OpEq, fs.exp2AnyReg(e2)
	}
	fs.freeExps(e1, e2)
	e1.info = fs.condJump(op, r1, r2, boolInt(isFloat), eq)
	e1.k = eJmp
}

// codeOrder emits < (lt) or <=, with an immediate operand when either
// one is a small number.
func (fs *funcState) codeOrder(lt bool, e1, e2 *expDesc) {
	var op bytecode.OpCode
	var r1, r2 int
	isFloat := false
	if imm, ok := e2.isSCNumber(&isFloat); ok {
		r1 = fs.exp2AnyReg(e1)
		r2 = imm
		op = pick(lt, bytecode.OpLtI, bytecode.OpLeI)
	} else if imm, ok := e1.isSCNumber(&isFloat); ok {
		// A < B is B > A, A <= B is B >= A.
		r1 = fs.exp2AnyReg(e2)
		r2 = imm
		op = pick(lt, bytecode.OpGtI, bytecode.OpGeI)
	} else {
		r1 = fs.exp2AnyReg(e1)
		r2 = fs.exp2AnyReg(e2)
		op = pick(lt, bytecode.OpLt, bytecode.OpLe)
	}
	fs.freeExps(e1, e2)
	e1.info = fs.condJump(op, r1, r2, boolInt(isFloat), true)
	e1.k = eJmp
}

func pick(c bool, a, b bytecode.OpCode) bytecode.OpCode {
	if c {
		return a
	}
	return b
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
