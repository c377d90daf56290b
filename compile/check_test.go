package compile

import (
	"fmt"

	"github.com/lunar-lua/lunar/bytecode"
)

// checkProto checks the invariants the VM relies on in a prototype and
// its nested ones: operands in range (registers below MaxStackSize,
// constants, upvalues, nested functions, jump targets), line information
// for every instruction, EXTRAARG where expected, a return at the end.
func checkProto(p *bytecode.Proto) error {
	stack := []*bytecode.Proto{p}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if err := checkFunction(f); err != nil {
			return fmt.Errorf("function at line %d: %w", f.LineDefined, err)
		}
		stack = append(stack, f.Protos...)
	}
	return nil
}

func checkFunction(f *bytecode.Proto) error {
	n := len(f.Code)
	if len(f.LineInfo) != n {
		return fmt.Errorf("%d instructions, %d lines", n, len(f.LineInfo))
	}
	if f.MaxStackSize < 2 || f.MaxStackSize >= bytecode.MaxRegisters {
		return fmt.Errorf("MaxStackSize %d", f.MaxStackSize)
	}
	if n == 0 {
		return fmt.Errorf("no code")
	}
	switch f.Code[n-1].Op() {
	case bytecode.OpReturn, bytecode.OpReturn0, bytecode.OpReturn1:
	default:
		return fmt.Errorf("last instruction is %v", f.Code[n-1].Op())
	}
	if f.IsVararg && f.Code[0].Op() != bytecode.OpVarargPrep {
		return fmt.Errorf("vararg function does not start with VARARGPREP")
	}
	reg := func(pc, r int) error {
		if r < 0 || r >= f.MaxStackSize {
			return fmt.Errorf("pc %d: register %d out of %d", pc+1, r, f.MaxStackSize)
		}
		return nil
	}
	k := func(pc, i int) error {
		if i < 0 || i >= len(f.Constants) {
			return fmt.Errorf("pc %d: constant %d out of %d", pc+1, i, len(f.Constants))
		}
		return nil
	}
	up := func(pc, i int) error {
		if i < 0 || i >= len(f.Upvalues) {
			return fmt.Errorf("pc %d: upvalue %d out of %d", pc+1, i, len(f.Upvalues))
		}
		return nil
	}
	target := func(pc, t int) error {
		if t < 0 || t > n {
			return fmt.Errorf("pc %d: jump to %d out of %d", pc+1, t+1, n)
		}
		return nil
	}
	for pc, i := range f.Code {
		op := i.Op()
		if int(op) >= bytecode.NumOpCodes {
			return fmt.Errorf("pc %d: bad opcode %d", pc+1, op)
		}
		if f.LineInfo[pc] <= 0 {
			return fmt.Errorf("pc %d: no line", pc+1)
		}
		info := bytecode.Info[op]
		if info.IsTest {
			if pc+1 >= n || f.Code[pc+1].Op() != bytecode.OpJmp {
				return fmt.Errorf("pc %d: test not followed by a jump", pc+1)
			}
		}
		var errs []error
		switch op {
		case bytecode.OpMove, bytecode.OpUnm, bytecode.OpBNot, bytecode.OpNot, bytecode.OpLen:
			errs = append(errs, reg(pc, i.A()), reg(pc, i.B()))
		case bytecode.OpLoadK:
			errs = append(errs, reg(pc, i.A()), k(pc, i.Bx()))
		case bytecode.OpLoadKX, bytecode.OpNewTable:
			if pc+1 >= n || f.Code[pc+1].Op() != bytecode.OpExtraArg {
				return fmt.Errorf("pc %d: %v without EXTRAARG", pc+1, op)
			}
			errs = append(errs, reg(pc, i.A()))
		case bytecode.OpLoadNil:
			errs = append(errs, reg(pc, i.A()+i.B()))
		case bytecode.OpGetUpval:
			errs = append(errs, reg(pc, i.A()), up(pc, i.B()))
		case bytecode.OpSetUpval:
			errs = append(errs, reg(pc, i.A()), up(pc, i.B()))
		case bytecode.OpGetTabUp:
			errs = append(errs, reg(pc, i.A()), up(pc, i.B()), k(pc, i.C()))
		case bytecode.OpSetTabUp:
			errs = append(errs, up(pc, i.A()), k(pc, i.B()))
		case bytecode.OpGetField:
			errs = append(errs, reg(pc, i.A()), reg(pc, i.B()), k(pc, i.C()))
		case bytecode.OpSetField:
			errs = append(errs, reg(pc, i.A()), k(pc, i.B()))
		case bytecode.OpGetTable:
			errs = append(errs, reg(pc, i.A()), reg(pc, i.B()), reg(pc, i.C()))
		case bytecode.OpJmp:
			errs = append(errs, target(pc, pc+1+i.SJ()))
		case bytecode.OpForPrep:
			errs = append(errs, reg(pc, i.A()+3), target(pc, pc+1+i.Bx()+1))
		case bytecode.OpForLoop:
			errs = append(errs, target(pc, pc+1-i.Bx()))
		case bytecode.OpTForPrep:
			errs = append(errs, reg(pc, i.A()+3), target(pc, pc+1+i.Bx()))
		case bytecode.OpTForLoop:
			errs = append(errs, target(pc, pc+1-i.Bx()))
		case bytecode.OpClosure:
			if i.Bx() >= len(f.Protos) {
				return fmt.Errorf("pc %d: closure %d out of %d", pc+1, i.Bx(), len(f.Protos))
			}
			errs = append(errs, reg(pc, i.A()))
		case bytecode.OpEqK:
			errs = append(errs, reg(pc, i.A()), k(pc, i.B()))
		case bytecode.OpCall, bytecode.OpTailCall:
			errs = append(errs, reg(pc, i.A()))
			if b := i.B(); b > 0 {
				errs = append(errs, reg(pc, i.A()+b-1))
			}
		}
		if (info.IsMM) && pc > 0 {
			prev := bytecode.Info[f.Code[pc-1].Op()]
			if !prev.SetsA || prev.IsMM {
				return fmt.Errorf("pc %d: %v does not follow an operation", pc+1, op)
			}
		}
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
	}
	for _, v := range f.LocVars {
		if v.StartPC < 0 || v.StartPC > v.EndPC || v.EndPC > n {
			return fmt.Errorf("local %s: range %d..%d out of %d", v.Name, v.StartPC, v.EndPC, n)
		}
	}
	return nil
}
