package compile

import (
	"github.com/lunar-lua/lunar/bytecode"
)

// This file holds jump lists (chained through the offsets of the jumps
// themselves, as in the reference) and the final pass over a function's
// code.

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
