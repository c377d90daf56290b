package bytecode

import "fmt"

// Verify checks that a prototype (and its nested ones) keeps every
// invariant the VM relies on, so that running it cannot index out of
// range or dereference nil: registers below MaxStackSize, constants of the
// right kinds, upvalue and prototype indices in range, jump targets inside
// the code, the instruction pairs the VM reads together (a test and its
// jump, an operation and its MMBIN, EXTRAARG), instructions that use the
// stack top placed right after the one that sets it, SETLIST on a
// register that holds a new table, and a return at the end. The compiler
// always produces such code; Undump runs Verify on what it loads.
func Verify(p *Proto) error {
	return verify(p, nil, 0)
}

func verify(p *Proto, parent *Proto, depth int) error {
	if depth > dumpMaxDepth {
		return fmt.Errorf("functions nested too deeply")
	}
	if err := verifyFunction(p, parent); err != nil {
		return fmt.Errorf("function at line %d: %w", p.LineDefined, err)
	}
	for _, sub := range p.Protos {
		if sub == nil {
			return fmt.Errorf("function at line %d: nil prototype", p.LineDefined)
		}
		if err := verify(sub, p, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// isArithOp reports whether op is one of the operations followed by an
// MMBIN-family instruction, and which one.
func mmFor(op OpCode) (OpCode, bool) {
	switch {
	case op == OpAddI || op == OpShrI || op == OpShlI:
		return OpMMBinI, true
	case op >= OpAddK && op <= OpBXorK:
		return OpMMBinK, true
	case op >= OpAdd && op <= OpShr:
		return OpMMBin, true
	}
	return 0, false
}

func verifyFunction(f *Proto, parent *Proto) error {
	n := len(f.Code)
	if n == 0 {
		return fmt.Errorf("no code")
	}
	if f.MaxStackSize < 2 || f.MaxStackSize > MaxRegisters {
		return fmt.Errorf("bad stack size %d", f.MaxStackSize)
	}
	if f.NumParams < 0 || f.NumParams > f.MaxStackSize {
		return fmt.Errorf("bad parameter count %d", f.NumParams)
	}
	if len(f.LineInfo) != 0 && len(f.LineInfo) != n {
		return fmt.Errorf("%d instructions, %d lines", n, len(f.LineInfo))
	}
	if f.LineDefined < 0 || f.LastLineDefined < 0 {
		return fmt.Errorf("bad line numbers")
	}
	for i, c := range f.Constants {
		switch c.(type) {
		case nil, bool, int64, float64, string:
		default:
			return fmt.Errorf("constant %d: bad type %T", i, c)
		}
	}
	for i, u := range f.Upvalues {
		if u.Index < 0 {
			return fmt.Errorf("upvalue %d: bad index", i)
		}
		if parent == nil {
			continue // a main function gets fresh upvalues
		}
		if u.InStack && u.Index >= parent.MaxStackSize {
			return fmt.Errorf("upvalue %d: register %d out of %d", i, u.Index, parent.MaxStackSize)
		}
		if !u.InStack && u.Index >= len(parent.Upvalues) {
			return fmt.Errorf("upvalue %d: enclosing upvalue %d out of %d", i, u.Index, len(parent.Upvalues))
		}
	}
	for _, v := range f.LocVars {
		if v.StartPC < 0 || v.StartPC > v.EndPC || v.EndPC > n {
			return fmt.Errorf("local %q: range %d..%d out of %d", v.Name, v.StartPC, v.EndPC, n)
		}
	}
	v := verifier{f: f, n: n, nSetList: -1}
	for pc := range f.Code {
		if err := v.instruction(pc); err != nil {
			return fmt.Errorf("pc %d (%v): %w", pc+1, f.Code[pc].Op(), err)
		}
	}
	return v.tables()
}

type verifier struct {
	f *Proto
	n int
	// targets marks instructions that a jump lands on.
	targets []bool
	// nSetList counts the SETLIST instructions (-1: not yet counted).
	nSetList int
}

func (v *verifier) setLists() int {
	if v.nSetList < 0 {
		v.nSetList = 0
		for _, i := range v.f.Code {
			if i.Op() == OpSetList {
				v.nSetList++
			}
		}
	}
	return v.nSetList
}

func (v *verifier) reg(r int) error {
	if r < 0 || r >= v.f.MaxStackSize {
		return fmt.Errorf("register %d out of %d", r, v.f.MaxStackSize)
	}
	return nil
}

// regs checks registers a..b (none when b < a).
func (v *verifier) regs(a, b int) error {
	if b < a {
		return nil
	}
	if err := v.reg(a); err != nil {
		return err
	}
	return v.reg(b)
}

func (v *verifier) k(i int) (any, error) {
	if i < 0 || i >= len(v.f.Constants) {
		return nil, fmt.Errorf("constant %d out of %d", i, len(v.f.Constants))
	}
	return v.f.Constants[i], nil
}

func (v *verifier) kString(i int) error {
	c, err := v.k(i)
	if err != nil {
		return err
	}
	if _, ok := c.(string); !ok {
		return fmt.Errorf("constant %d is not a string", i)
	}
	return nil
}

func (v *verifier) up(i int) error {
	if i < 0 || i >= len(v.f.Upvalues) {
		return fmt.Errorf("upvalue %d out of %d", i, len(v.f.Upvalues))
	}
	return nil
}

// target checks that the instruction index t exists.
func (v *verifier) target(t int) error {
	if t < 0 || t >= v.n {
		return fmt.Errorf("jump to %d out of %d", t+1, v.n)
	}
	return nil
}

// next returns the instruction after pc, which must exist.
func (v *verifier) next(pc int) (Instruction, error) {
	if pc+1 >= v.n {
		return 0, fmt.Errorf("missing next instruction")
	}
	return v.f.Code[pc+1], nil
}

// rk checks RK(C) of instruction i.
func (v *verifier) rk(i Instruction) error {
	if i.K() {
		_, err := v.k(i.C())
		return err
	}
	return v.reg(i.C())
}

func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (v *verifier) instruction(pc int) error {
	f := v.f
	i := f.Code[pc]
	op := i.Op()
	if int(op) >= NumOpCodes {
		return fmt.Errorf("bad opcode %d", op)
	}
	a, b, c := i.A(), i.B(), i.C()
	// Control flow: where execution may go after this instruction.
	switch op {
	case OpReturn, OpReturn0, OpReturn1, OpTailCall:
		// no successor
	case OpJmp:
		if err := v.target(pc + 1 + i.SJ()); err != nil {
			return err
		}
	case OpLoadKX, OpNewTable:
		nx, err := v.next(pc)
		if err != nil {
			return err
		}
		if nx.Op() != OpExtraArg {
			return fmt.Errorf("no EXTRAARG")
		}
		if err := v.target(pc + 2); err != nil {
			return err
		}
	case OpSetList:
		succ := pc + 1
		if i.K() {
			nx, err := v.next(pc)
			if err != nil {
				return err
			}
			if nx.Op() != OpExtraArg {
				return fmt.Errorf("no EXTRAARG")
			}
			succ = pc + 2
		}
		if err := v.target(succ); err != nil {
			return err
		}
	case OpLFalseSkip:
		if err := v.target(pc + 2); err != nil {
			return err
		}
	case OpForPrep:
		if err := first(v.target(pc+1), v.target(pc+2+i.Bx())); err != nil {
			return err
		}
	case OpForLoop, OpTForLoop:
		if err := first(v.target(pc+1), v.target(pc+1-i.Bx())); err != nil {
			return err
		}
	case OpTForPrep:
		if err := v.target(pc + 1 + i.Bx()); err != nil {
			return err
		}
	case OpTForCall:
		nx, err := v.next(pc)
		if err != nil {
			return err
		}
		if nx.Op() != OpTForLoop {
			return fmt.Errorf("TFORCALL not followed by TFORLOOP")
		}
	default:
		if Info[op].IsTest {
			nx, err := v.next(pc)
			if err != nil {
				return err
			}
			if nx.Op() != OpJmp {
				return fmt.Errorf("test not followed by a jump")
			}
			if err := v.target(pc + 2); err != nil {
				return err
			}
		} else if mm, ok := mmFor(op); ok {
			nx, err := v.next(pc)
			if err != nil {
				return err
			}
			if nx.Op() != mm {
				return fmt.Errorf("not followed by %v", mm)
			}
			if err := v.target(pc + 2); err != nil {
				return err
			}
		} else if err := v.target(pc + 1); err != nil {
			return err
		}
	}
	// Operands.
	switch op {
	case OpMove, OpUnm, OpBNot, OpNot, OpLen:
		return first(v.reg(a), v.reg(b))
	case OpLoadI, OpLoadF, OpLoadFalse, OpLFalseSkip, OpLoadTrue, OpClose, OpTBC, OpTest:
		return v.reg(a)
	case OpLoadK:
		_, err := v.k(i.Bx())
		return first(v.reg(a), err)
	case OpLoadKX:
		_, err := v.k(f.Code[pc+1].Ax())
		return first(v.reg(a), err)
	case OpLoadNil:
		return v.regs(a, a+b)
	case OpGetUpval, OpSetUpval:
		return first(v.reg(a), v.up(b))
	case OpGetTabUp:
		return first(v.reg(a), v.up(b), v.kString(c))
	case OpGetTable:
		return first(v.reg(a), v.reg(b), v.reg(c))
	case OpGetI:
		return first(v.reg(a), v.reg(b))
	case OpGetField:
		return first(v.reg(a), v.reg(b), v.kString(c))
	case OpSetTabUp:
		return first(v.up(a), v.kString(b), v.rk(i))
	case OpSetTable:
		return first(v.reg(a), v.reg(b), v.rk(i))
	case OpSetI:
		return first(v.reg(a), v.rk(i))
	case OpSetField:
		return first(v.reg(a), v.kString(b), v.rk(i))
	case OpNewTable:
		// The size hints make the VM allocate: keep them within what the
		// function's code could fill (each hash field needs an
		// instruction, each SETLIST stores at most 255 items).
		if b > 0 && (b > 31 || 1<<(b-1) > 2*v.n) {
			return fmt.Errorf("hash size hint %d too large", b)
		}
		size := c
		if i.K() {
			size += f.Code[pc+1].Ax() * (MaxArgC + 1)
		}
		if size > (MaxArgB+1)*v.setLists() {
			return fmt.Errorf("array size hint %d too large", size)
		}
		return v.reg(a)
	case OpSelf:
		if i.K() {
			return first(v.regs(a, a+1), v.reg(b), v.kString(c))
		}
		return first(v.regs(a, a+1), v.reg(b), v.reg(c))
	case OpAddI, OpShrI, OpShlI:
		return first(v.reg(a), v.reg(b))
	case OpAddK, OpSubK, OpMulK, OpModK, OpPowK, OpDivK, OpIDivK:
		kc, err := v.k(c)
		if err != nil {
			return err
		}
		switch kc.(type) {
		case int64, float64:
		default:
			return fmt.Errorf("constant %d is not a number", c)
		}
		return first(v.reg(a), v.reg(b))
	case OpBAndK, OpBOrK, OpBXorK:
		kc, err := v.k(c)
		if err != nil {
			return err
		}
		if _, ok := kc.(int64); !ok {
			return fmt.Errorf("constant %d is not an integer", c)
		}
		return first(v.reg(a), v.reg(b))
	case OpAdd, OpSub, OpMul, OpMod, OpPow, OpDiv, OpIDiv,
		OpBAnd, OpBOr, OpBXor, OpShl, OpShr:
		return first(v.reg(a), v.reg(b), v.reg(c))
	case OpMMBin, OpMMBinI, OpMMBinK:
		if pc == 0 {
			return fmt.Errorf("no operation before it")
		}
		if mm, ok := mmFor(f.Code[pc-1].Op()); !ok || mm != op {
			return fmt.Errorf("does not follow its operation")
		}
		if tm := TagMethod(c); tm < TMAdd || tm > TMShr && tm != TMUnm && tm != TMBNot {
			return fmt.Errorf("bad metamethod event %d", c)
		}
		switch op {
		case OpMMBin:
			return first(v.reg(a), v.reg(b))
		case OpMMBinK:
			_, err := v.k(b)
			return first(v.reg(a), err)
		}
		return v.reg(a)
	case OpConcat:
		if b < 1 {
			return fmt.Errorf("bad operand count")
		}
		return v.regs(a, a+b-1)
	case OpJmp, OpExtraArg:
		return nil
	case OpEq, OpLt, OpLe, OpTestSet:
		return first(v.reg(a), v.reg(b))
	case OpEqK:
		_, err := v.k(b)
		return first(v.reg(a), err)
	case OpEqI, OpLtI, OpLeI, OpGtI, OpGeI:
		return v.reg(a)
	case OpCall, OpTailCall:
		if err := v.reg(a); err != nil {
			return err
		}
		if b == 0 {
			if err := v.usesTop(pc, a+1); err != nil {
				return err
			}
		} else if err := v.regs(a, a+b-1); err != nil {
			return err
		}
		if op == OpCall && c > 1 {
			return v.regs(a, a+c-2)
		}
		return nil
	case OpReturn:
		if b == 0 {
			return first(v.reg(a), v.usesTop(pc, a))
		}
		if b == 1 {
			return nil
		}
		return v.regs(a, a+b-2)
	case OpReturn0:
		return nil
	case OpReturn1:
		return v.reg(a)
	case OpForLoop, OpForPrep:
		return v.regs(a, a+3)
	case OpTForPrep:
		return v.regs(a, a+3)
	case OpTForCall:
		return v.regs(a, a+6+max(c-3, 0))
	case OpTForLoop:
		return v.regs(a, a+4)
	case OpSetList:
		if b == 0 {
			return first(v.reg(a), v.usesTop(pc, a+1))
		}
		return v.regs(a, a+b)
	case OpClosure:
		if i.Bx() >= len(f.Protos) {
			return fmt.Errorf("function %d out of %d", i.Bx(), len(f.Protos))
		}
		return v.reg(a)
	case OpVararg:
		if c == 0 {
			return v.reg(a)
		}
		return v.regs(a, a+c-2)
	case OpVarargPrep:
		if !f.IsVararg {
			return fmt.Errorf("VARARGPREP in a function that is not vararg")
		}
		return nil
	}
	return fmt.Errorf("unknown opcode")
}

// usesTop checks an instruction that takes its operand count from the
// stack top: it must come right after a call or vararg that leaves its
// results there (at least at register min), and no jump may land on it.
func (v *verifier) usesTop(pc, min int) error {
	if pc == 0 {
		return fmt.Errorf("uses the stack top with nothing setting it")
	}
	prev := v.f.Code[pc-1]
	if prev.Op() == OpTailCall {
		// Unreachable: a tail call does not fall through, and no jump
		// lands here (checked below).
		min = prev.A()
	} else if !(prev.Op() == OpCall && prev.C() == 0 || prev.Op() == OpVararg && prev.C() == 0) {
		return fmt.Errorf("uses the stack top with nothing setting it")
	}
	if prev.A() < min {
		return fmt.Errorf("stack top below its operands")
	}
	if v.jumpTargets()[pc] {
		return fmt.Errorf("uses the stack top at a jump target")
	}
	return nil
}

// jumpTargets marks the instructions that a jump or loop lands on.
func (v *verifier) jumpTargets() []bool {
	if v.targets != nil {
		return v.targets
	}
	t := make([]bool, v.n+2)
	mark := func(x int) {
		if x >= 0 && x < len(t) {
			t[x] = true
		}
	}
	for pc, i := range v.f.Code {
		if int(i.Op()) >= NumOpCodes {
			continue // rejected when its turn comes
		}
		switch i.Op() {
		case OpJmp:
			mark(pc + 1 + i.SJ())
		case OpForPrep:
			mark(pc + 2 + i.Bx())
		case OpForLoop, OpTForLoop:
			mark(pc + 1 - i.Bx())
		case OpTForPrep:
			mark(pc + 1 + i.Bx())
		case OpLFalseSkip:
			mark(pc + 2)
		default:
			if Info[i.Op()].IsTest {
				mark(pc + 2)
			}
			if _, ok := mmFor(i.Op()); ok {
				mark(pc + 2)
			}
		}
	}
	v.targets = t
	return t
}

// tables checks that every SETLIST stores into a register that holds a
// table on every path to it: a forward data-flow analysis of "register
// certainly holds a table made by NEWTABLE" (kept by intersection where
// paths meet), where any instruction that may write a register clears it.
// A register that a closure may have captured, with its upvalue still
// open, could be changed by any call, so it never counts; that set is kept
// by union (CLOSURE adds to it, CLOSE removes from it).
func (v *verifier) tables() error {
	f := v.f
	hasSetList := false
	for _, i := range f.Code {
		if i.Op() == OpSetList {
			hasSetList = true
			break
		}
	}
	if !hasSetList {
		return nil
	}
	type state struct{ tables, open regSet }
	n := v.n
	in := make([]state, n)
	seen := make([]bool, n)
	queued := make([]bool, n)
	work := []int{0}
	seen[0], queued[0] = true, true
	for len(work) > 0 {
		pc := work[len(work)-1]
		work = work[:len(work)-1]
		queued[pc] = false
		i := f.Code[pc]
		st := in[pc]
		if i.Op() == OpSetList && (!st.tables.has(i.A()) || st.open.has(i.A())) {
			return fmt.Errorf("pc %d: SETLIST on a register that may not hold a table", pc+1)
		}
		lo, hi := writes(f, pc)
		st.tables.clear(lo, hi)
		switch i.Op() {
		case OpNewTable:
			st.tables.set(i.A())
		case OpClosure:
			for _, u := range f.Protos[i.Bx()].Upvalues {
				if u.InStack && u.Index < 256 {
					st.open.set(u.Index)
				}
			}
		case OpClose:
			st.open.clear(i.A(), 255)
		}
		for _, s := range successors(f, pc) {
			if s < 0 || s >= n {
				continue
			}
			next := st
			if seen[s] {
				next = state{in[s].tables.and(st.tables), in[s].open.or(st.open)}
				if next == in[s] {
					continue
				}
			}
			seen[s] = true
			in[s] = next
			if !queued[s] {
				queued[s] = true
				work = append(work, s)
			}
		}
	}
	return nil
}

// regSet is a set of the 256 possible registers.
type regSet [4]uint64

func (s *regSet) set(r int)     { s[r>>6] |= 1 << (r & 63) }
func (s regSet) has(r int) bool { return s[r>>6]&(1<<(r&63)) != 0 }
func (s regSet) and(t regSet) regSet {
	return regSet{s[0] & t[0], s[1] & t[1], s[2] & t[2], s[3] & t[3]}
}
func (s regSet) or(t regSet) regSet {
	return regSet{s[0] | t[0], s[1] | t[1], s[2] | t[2], s[3] | t[3]}
}

// clear removes registers lo..hi.
func (s *regSet) clear(lo, hi int) {
	for r := max(lo, 0); r <= hi && r < 256; r++ {
		s[r>>6] &^= 1 << (r & 63)
	}
}

// writes returns the range of registers instruction pc may write.
func writes(f *Proto, pc int) (lo, hi int) {
	i := f.Code[pc]
	a := i.A()
	switch op := i.Op(); op {
	case OpCall, OpVararg:
		return a, 255
	case OpTForCall:
		return a + 4, 255
	case OpLoadNil:
		return a, a + i.B()
	case OpSelf:
		return a, a + 1
	case OpForPrep, OpForLoop:
		return a, a + 3
	case OpTForLoop:
		return a + 2, a + 2
	case OpConcat:
		return a, a + i.B()
	case OpMMBin, OpMMBinI, OpMMBinK:
		pa := f.Code[pc-1].A()
		return pa, pa
	default:
		if Info[op].SetsA {
			return a, a
		}
	}
	return 0, -1
}

// successors returns where execution may go after instruction pc.
func successors(f *Proto, pc int) []int {
	i := f.Code[pc]
	switch op := i.Op(); op {
	case OpReturn, OpReturn0, OpReturn1, OpTailCall:
		return nil
	case OpJmp:
		return []int{pc + 1 + i.SJ()}
	case OpLoadKX, OpNewTable, OpLFalseSkip:
		return []int{pc + 2}
	case OpSetList:
		if i.K() {
			return []int{pc + 2}
		}
		return []int{pc + 1}
	case OpForPrep:
		return []int{pc + 1, pc + 2 + i.Bx()}
	case OpForLoop, OpTForLoop:
		return []int{pc + 1, pc + 1 - i.Bx()}
	case OpTForPrep:
		return []int{pc + 1 + i.Bx()}
	default:
		if Info[op].IsTest {
			j := f.Code[pc+1]
			return []int{pc + 2, pc + 2 + j.SJ()}
		}
		if _, ok := mmFor(op); ok {
			return []int{pc + 1, pc + 2}
		}
		return []int{pc + 1}
	}
}
