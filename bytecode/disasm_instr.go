package bytecode

import "fmt"

// This file prints one instruction of a listing: its operands as luac
// prints them, and a comment with what they refer to (constants, upvalue
// names, jump targets, metamethod events).

// constant returns the text of constant k, or "?" for a bad index.
func constant(f *Proto, k int) string {
	if k < 0 || k >= len(f.Constants) {
		return "?"
	}
	return FormatConstant(f.Constants[k])
}

// upvalue returns the name of upvalue u, or "-" when unknown.
func upvalue(f *Proto, u int) string {
	if u < 0 || u >= len(f.Upvalues) {
		return "-"
	}
	return upvalueName(f.Upvalues[u].Name)
}

// event returns a metamethod event's name.
func event(c int) string {
	if c < len(TagMethodNames) {
		return TagMethodNames[c]
	}
	return "?"
}

// extraArg returns the Ax of the instruction after pc, if it is an
// EXTRAARG.
func extraArg(f *Proto, pc int) int {
	if pc+1 < len(f.Code) && f.Code[pc+1].Op() == OpExtraArg {
		return f.Code[pc+1].Ax()
	}
	return 0
}

// kflag returns the "k" luac appends to an operand when the k bit is set.
func kflag(i Instruction) string {
	if i.K() {
		return "k"
	}
	return ""
}

func (d *disassembler) instruction(f *Proto, pc int) {
	i := f.Code[pc]
	op := i.Op()
	a, b, c := i.A(), i.B(), i.C()
	sb, sc := i.SB(), i.SC()
	bx, sbx := i.Bx(), i.SBx()
	isk := boolInt(i.K())
	line := "[-]"
	if pc < len(f.LineInfo) && f.LineInfo[pc] > 0 {
		line = fmt.Sprintf("[%d]", f.LineInfo[pc])
	}
	d.printf("\t%d\t%s\t%-9s\t", pc+1, line, op)
	switch op {
	case OpMove:
		d.printf("%d %d", a, b)
	case OpLoadI, OpLoadF:
		d.printf("%d %d", a, sbx)
	case OpLoadK:
		d.printf("%d %d\t; %s", a, bx, constant(f, bx))
	case OpLoadKX:
		d.printf("%d\t; %s", a, constant(f, extraArg(f, pc)))
	case OpLoadFalse, OpLFalseSkip, OpLoadTrue:
		d.printf("%d", a)
	case OpLoadNil:
		d.printf("%d %d\t; %d out", a, b, b+1)
	case OpGetUpval, OpSetUpval:
		d.printf("%d %d\t; %s", a, b, upvalue(f, b))
	case OpGetTabUp:
		d.printf("%d %d %d\t; %s %s", a, b, c, upvalue(f, b), constant(f, c))
	case OpGetTable, OpGetI:
		d.printf("%d %d %d", a, b, c)
	case OpGetField:
		d.printf("%d %d %d\t; %s", a, b, c, constant(f, c))
	case OpSetTabUp:
		d.printf("%d %d %d%s\t; %s %s", a, b, c, kflag(i), upvalue(f, a), constant(f, b))
		if i.K() {
			d.printf(" %s", constant(f, c))
		}
	case OpSetTable, OpSetI:
		d.printf("%d %d %d%s", a, b, c, kflag(i))
		if i.K() {
			d.printf("\t; %s", constant(f, c))
		}
	case OpSetField:
		d.printf("%d %d %d%s\t; %s", a, b, c, kflag(i), constant(f, b))
		if i.K() {
			d.printf(" %s", constant(f, c))
		}
	case OpNewTable:
		d.printf("%d %d %d\t; %d", a, b, c, c+extraArg(f, pc)*(MaxArgC+1))
	case OpSelf:
		d.printf("%d %d %d%s", a, b, c, kflag(i))
		if i.K() {
			d.printf("\t; %s", constant(f, c))
		}
	case OpAddI, OpShrI, OpShlI:
		d.printf("%d %d %d", a, b, sc)
	case OpAddK, OpSubK, OpMulK, OpModK, OpPowK, OpDivK, OpIDivK, OpBAndK, OpBOrK, OpBXorK:
		d.printf("%d %d %d\t; %s", a, b, c, constant(f, c))
	case OpAdd, OpSub, OpMul, OpMod, OpPow, OpDiv, OpIDiv, OpBAnd, OpBOr, OpBXor, OpShl, OpShr:
		d.printf("%d %d %d", a, b, c)
	case OpMMBin:
		d.printf("%d %d %d\t; %s", a, b, c, event(c))
	case OpMMBinI:
		d.printf("%d %d %d %d\t; %s", a, sb, c, isk, event(c))
		if i.K() {
			d.printf(" flip")
		}
	case OpMMBinK:
		d.printf("%d %d %d %d\t; %s %s", a, b, c, isk, event(c), constant(f, b))
		if i.K() {
			d.printf(" flip")
		}
	case OpUnm, OpBNot, OpNot, OpLen, OpConcat:
		d.printf("%d %d", a, b)
	case OpClose, OpTBC, OpReturn1, OpVarargPrep:
		d.printf("%d", a)
	case OpJmp:
		d.printf("%d\t; to %d", i.SJ(), i.SJ()+pc+2)
	case OpEq, OpLt, OpLe:
		d.printf("%d %d %d", a, b, isk)
	case OpEqK:
		d.printf("%d %d %d\t; %s", a, b, isk, constant(f, b))
	case OpEqI, OpLtI, OpLeI, OpGtI, OpGeI:
		d.printf("%d %d %d", a, sb, isk)
	case OpTest:
		d.printf("%d %d", a, isk)
	case OpTestSet:
		d.printf("%d %d %d", a, b, isk)
	case OpCall:
		d.printf("%d %d %d\t; %s in %s out", a, b, c, count(b), count(c))
	case OpTailCall:
		d.printf("%d %d %d%s\t; %d in", a, b, c, kflag(i), b-1)
	case OpReturn:
		d.printf("%d %d %d%s\t; %s out", a, b, c, kflag(i), count(b))
	case OpReturn0:
	case OpForLoop, OpTForLoop:
		d.printf("%d %d\t; to %d", a, bx, pc-bx+2)
	case OpForPrep:
		d.printf("%d %d\t; exit to %d", a, bx, pc+bx+3)
	case OpTForPrep:
		d.printf("%d %d\t; to %d", a, bx, pc+bx+2)
	case OpTForCall:
		d.printf("%d %d", a, c)
	case OpSetList:
		d.printf("%d %d %d", a, b, c)
		if i.K() {
			d.printf("\t; %d", c+extraArg(f, pc)*(MaxArgC+1))
		}
	case OpClosure:
		if bx < len(f.Protos) {
			d.printf("%d %d\t; #%d", a, bx, d.index[f.Protos[bx]])
		} else {
			d.printf("%d %d\t; ?", a, bx)
		}
	case OpVararg:
		d.printf("%d %d\t; %s out", a, c, count(c))
	case OpExtraArg:
		d.printf("%d", i.Ax())
	default:
		d.printf("%d %d %d", a, b, c)
	}
	d.printf("\n")
}

// count formats the B or C operand of a call-like instruction: n-1 values,
// or "all" for 0.
func count(n int) string {
	if n == 0 {
		return "all"
	}
	return fmt.Sprint(n - 1)
}
