package bytecode

// Instruction is one encoded VM instruction. The layouts, from the least
// significant bit, are:
//
//	iABC:  op(7) A(8) k(1) B(8) C(8)
//	iABx:  op(7) A(8) Bx(17)
//	iAsBx: op(7) A(8) sBx(17, signed, excess-K)
//	iAx:   op(7) Ax(25)
//	isJ:   op(7) sJ(25, signed, excess-K)
type Instruction uint32

// Field sizes and limits of the encoding.
const (
	SizeOp = 7
	SizeA  = 8
	SizeB  = 8
	SizeC  = 8
	SizeBx = SizeC + SizeB + 1
	SizeAx = SizeBx + SizeA
	SizeSJ = SizeBx + SizeA

	PosOp = 0
	PosA  = PosOp + SizeOp
	PosK  = PosA + SizeA
	PosB  = PosK + 1
	PosC  = PosB + SizeB
	PosBx = PosK
	PosAx = PosA
	PosSJ = PosA

	MaxArgA  = 1<<SizeA - 1
	MaxArgB  = 1<<SizeB - 1
	MaxArgC  = 1<<SizeC - 1
	MaxArgBx = 1<<SizeBx - 1
	MaxArgAx = 1<<SizeAx - 1
	MaxArgSJ = 1<<SizeSJ - 1

	// OffsetSBx is the excess-K bias of sBx; OffsetSJ that of sJ.
	OffsetSBx = MaxArgBx >> 1
	OffsetSJ  = MaxArgSJ >> 1
	// OffsetSC is the bias of signed immediates held in B or C (sB, sC).
	OffsetSC = MaxArgC >> 1

	// MaxRegisters is the number of registers a function may use.
	MaxRegisters = 255
	// FieldsPerFlush is how many list items SETLIST stores at a time.
	FieldsPerFlush = 50
)

// Op returns the instruction's opcode.
func (i Instruction) Op() OpCode { return OpCode(i & (1<<SizeOp - 1)) }

// A returns argument A.
func (i Instruction) A() int { return int(i>>PosA) & MaxArgA }

// B returns argument B.
func (i Instruction) B() int { return int(i>>PosB) & MaxArgB }

// C returns argument C.
func (i Instruction) C() int { return int(i>>PosC) & MaxArgC }

// SB returns argument B as a signed immediate.
func (i Instruction) SB() int { return i.B() - OffsetSC }

// SC returns argument C as a signed immediate.
func (i Instruction) SC() int { return i.C() - OffsetSC }

// K returns the k bit.
func (i Instruction) K() bool { return i&(1<<PosK) != 0 }

// Bx returns argument Bx.
func (i Instruction) Bx() int { return int(i>>PosBx) & MaxArgBx }

// SBx returns argument sBx.
func (i Instruction) SBx() int { return i.Bx() - OffsetSBx }

// Ax returns argument Ax.
func (i Instruction) Ax() int { return int(i>>PosAx) & MaxArgAx }

// SJ returns argument sJ.
func (i Instruction) SJ() int { return int(i>>PosSJ)&MaxArgSJ - OffsetSJ }

func boolBit(k bool) Instruction {
	if k {
		return 1
	}
	return 0
}

// ABC encodes an iABC instruction.
func ABC(op OpCode, a, b, c int, k bool) Instruction {
	return Instruction(op) | Instruction(a)<<PosA | boolBit(k)<<PosK |
		Instruction(b)<<PosB | Instruction(c)<<PosC
}

// ABx encodes an iABx instruction.
func ABx(op OpCode, a, bx int) Instruction {
	return Instruction(op) | Instruction(a)<<PosA | Instruction(bx)<<PosBx
}

// AsBx encodes an iAsBx instruction.
func AsBx(op OpCode, a, sbx int) Instruction {
	return ABx(op, a, sbx+OffsetSBx)
}

// Ax encodes an iAx instruction.
func Ax(op OpCode, ax int) Instruction {
	return Instruction(op) | Instruction(ax)<<PosAx
}

// SJ encodes an isJ instruction.
func SJ(op OpCode, sj int) Instruction {
	return Instruction(op) | Instruction(sj+OffsetSJ)<<PosSJ
}

// SetA returns i with argument A replaced.
func (i Instruction) SetA(a int) Instruction {
	return i&^(MaxArgA<<PosA) | Instruction(a)<<PosA
}

// SetB returns i with argument B replaced.
func (i Instruction) SetB(b int) Instruction {
	return i&^(MaxArgB<<PosB) | Instruction(b)<<PosB
}

// SetC returns i with argument C replaced.
func (i Instruction) SetC(c int) Instruction {
	return i&^(MaxArgC<<PosC) | Instruction(c)<<PosC
}

// SetK returns i with the k bit replaced.
func (i Instruction) SetK(k bool) Instruction {
	return i&^(1<<PosK) | boolBit(k)<<PosK
}

// SetBx returns i with argument Bx replaced.
func (i Instruction) SetBx(bx int) Instruction {
	return i&^(MaxArgBx<<PosBx) | Instruction(bx)<<PosBx
}

// SetSBx returns i with argument sBx replaced.
func (i Instruction) SetSBx(sbx int) Instruction { return i.SetBx(sbx + OffsetSBx) }

// SetSJ returns i with argument sJ replaced.
func (i Instruction) SetSJ(sj int) Instruction {
	return i&^(MaxArgSJ<<PosSJ) | Instruction(sj+OffsetSJ)<<PosSJ
}

// SetOp returns i with the opcode replaced.
func (i Instruction) SetOp(op OpCode) Instruction {
	return i&^(1<<SizeOp-1) | Instruction(op)
}
