package lunar

import (
	bc "github.com/lunar-lua/lunar/bytecode"
)

// execute runs Lua frames, starting with the top frame of the thread, until
// the frame marked fresh returns. Lua-to-Lua calls and returns happen
// inside this loop without Go recursion.
//
// This is the one long function of the package. It has two levels:
//
//   - the fast loop runs the common cases of the common instructions
//     (moves, arithmetic on numbers, comparisons, jumps, loops, table
//     access that hits without metamethods) and makes no Go calls at all,
//     so that the compiler keeps pc, the code, the constants and the
//     register window in machine registers;
//   - everything else leaves the fast loop for the slow section below it,
//     which may call anything (metamethods, Go functions, allocation,
//     errors), saves pc in the frame first, and then re-enters the fast
//     loop with the frame's state reloaded.
func (th *Thread) execute() error {
	fi := len(th.frames) - 1
	ctl := &th.state.ctl
	for {
		f := &th.frames[fi]
		cl := f.cl
		p := cl.proto
		code := p.code
		k := p.k
		base := f.base
		R := th.regs(base)
		pc := f.pc
		upvals := cl.upvals
		hooks := th.hookMask != 0
		if hooks && pc == 0 && f.status&frameCallHooked == 0 {
			// A function starts: the call hook runs once per frame.
			f.status |= frameCallHooked
			if th.hookMask&hookCall != 0 {
				if err := th.callHook(f, f.tail); err != nil {
					return err
				}
			}
			// The line hook sees the first instruction as a new line (in a
			// vararg function the one after VARARGPREP, which is skipped),
			// whatever the call hook did.
			th.oldpc = 0
			if p.isVararg {
				th.oldpc = 1
			}
			if th.hookMask&hookCall != 0 {
				continue
			}
		}

		// Nothing computed in the fast loop is used after it: every exit
		// stores pc in the frame and says why in th.slow, so the compiler
		// need not keep loop values in memory.
	fast:
		for {
			i := code[pc]
			pc++
			if hooks {
				// With a hook set, each instruction first leaves the loop to
				// run the hook, then runs once with skipHook.
				if !th.skipHook {
					f.pc = pc
					th.slow = slowHook
					break fast
				}
				th.skipHook = false
			}
			a := uint8(i >> bc.PosA)
			switch bc.OpCode(i & 0x7f) {
			case bc.OpMove:
				R[a] = R[uint8(i>>bc.PosB)]
				continue
			case bc.OpLoadI:
				R[a] = Int(int64(i.SBx()))
				continue
			case bc.OpLoadF:
				R[a] = Float(float64(i.SBx()))
				continue
			case bc.OpLoadK:
				R[a] = k[i.Bx()]
				continue
			case bc.OpLoadKX:
				R[a] = k[code[pc].Ax()]
				pc++
				continue
			case bc.OpLoadFalse:
				R[a] = False
				continue
			case bc.OpLFalseSkip:
				R[a] = False
				pc++
				continue
			case bc.OpLoadTrue:
				R[a] = True
				continue
			case bc.OpLoadNil:
				b := int(uint8(i >> bc.PosB))
				for j := 0; j <= b; j++ {
					R[a+uint8(j)] = Nil
				}
				continue
			case bc.OpGetUpval:
				R[a] = *upvals[uint8(i>>bc.PosB)].p
				continue
			case bc.OpSetUpval:
				*upvals[uint8(i>>bc.PosB)].p = R[a]
				continue
			case bc.OpGetTabUp:
				up := *upvals[uint8(i>>bc.PosB)].p
				if up.p != pInt && up.p != pFloat && up.n>>tagShift == tagTable {
					t := (*Table)(up.p)
					if len(t.node) > 0 {
						c := uint8(i >> bc.PosC)
						kv := k[c]
						mask := uint64(len(t.node) - 1)
						h := p.khash[c] & mask
						n := &t.node[h]
						if n.key.p != kv.p || n.key.n != kv.n {
							// Linear probing puts a colliding key in the next slot:
							// one more look keeps most collisions on the fast path.
							n = &t.node[(h+1)&mask]
						}
						if n.key.p == kv.p && n.key.n == kv.n && (t.meta == nil || !n.val.IsNil()) {
							R[a] = n.val
							continue
						}
					}
				}
			case bc.OpGetField:
				rb := R[uint8(i>>bc.PosB)]
				if rb.p != pInt && rb.p != pFloat && rb.n>>tagShift == tagTable {
					t := (*Table)(rb.p)
					if len(t.node) > 0 {
						c := uint8(i >> bc.PosC)
						kv := k[c]
						mask := uint64(len(t.node) - 1)
						h := p.khash[c] & mask
						n := &t.node[h]
						if n.key.p != kv.p || n.key.n != kv.n {
							// Linear probing puts a colliding key in the next slot:
							// one more look keeps most collisions on the fast path.
							n = &t.node[(h+1)&mask]
						}
						if n.key.p == kv.p && n.key.n == kv.n && (t.meta == nil || !n.val.IsNil()) {
							R[a] = n.val
							continue
						}
					}
				}
			case bc.OpGetTable:
				rb := R[uint8(i>>bc.PosB)]
				rc := R[uint8(i>>bc.PosC)]
				if rc.p == pInt && rb.p != pInt && rb.p != pFloat && rb.n>>tagShift == tagTable {
					t := (*Table)(rb.p)
					if idx := rc.n - 1; idx < uint64(len(t.arr)) {
						if v := t.arr[idx]; t.meta == nil || !v.IsNil() {
							R[a] = v
							continue
						}
					}
				}
			case bc.OpGetI:
				rb := R[uint8(i>>bc.PosB)]
				if rb.p != pInt && rb.p != pFloat && rb.n>>tagShift == tagTable {
					t := (*Table)(rb.p)
					if idx := uint64(uint8(i>>bc.PosC)) - 1; idx < uint64(len(t.arr)) {
						if v := t.arr[idx]; t.meta == nil || !v.IsNil() {
							R[a] = v
							continue
						}
					}
				}
			case bc.OpSetTable:
				ra := R[a]
				rb := R[uint8(i>>bc.PosB)]
				if rb.p == pInt && ra.p != pInt && ra.p != pFloat && ra.n>>tagShift == tagTable {
					t := (*Table)(ra.p)
					if idx := rb.n - 1; idx < uint64(len(t.arr)) && !t.shared && (t.meta == nil || !t.arr[idx].IsNil()) {
						if i.K() {
							t.arr[idx] = k[uint8(i>>bc.PosC)]
						} else {
							t.arr[idx] = R[uint8(i>>bc.PosC)]
						}
						continue
					}
				}
			case bc.OpSetI:
				ra := R[a]
				if ra.p != pInt && ra.p != pFloat && ra.n>>tagShift == tagTable {
					t := (*Table)(ra.p)
					if idx := uint64(uint8(i>>bc.PosB)) - 1; idx < uint64(len(t.arr)) && !t.shared && (t.meta == nil || !t.arr[idx].IsNil()) {
						if i.K() {
							t.arr[idx] = k[uint8(i>>bc.PosC)]
						} else {
							t.arr[idx] = R[uint8(i>>bc.PosC)]
						}
						continue
					}
				}
			case bc.OpSetField:
				ra := R[a]
				if ra.p != pInt && ra.p != pFloat && ra.n>>tagShift == tagTable {
					t := (*Table)(ra.p)
					if len(t.node) > 0 && !t.shared {
						b := uint8(i >> bc.PosB)
						kv := k[b]
						mask := uint64(len(t.node) - 1)
						h := p.khash[b] & mask
						n := &t.node[h]
						if n.key.p != kv.p || n.key.n != kv.n {
							// Linear probing puts a colliding key in the next slot:
							// one more look keeps most collisions on the fast path.
							n = &t.node[(h+1)&mask]
						}
						// An existing live key can be overwritten directly (a
						// nil goes the slow way, which lets go of the key).
						if n.key.p == kv.p && n.key.n == kv.n && !n.val.IsNil() {
							v := R[uint8(i>>bc.PosC)]
							if i.K() {
								v = k[uint8(i>>bc.PosC)]
							}
							if !v.IsNil() {
								n.val = v
								continue
							}
						}
					}
				}
			case bc.OpSelf:
				rb := R[uint8(i>>bc.PosB)]
				R[a+1] = rb
				if i.K() && rb.p != pInt && rb.p != pFloat && rb.n>>tagShift == tagTable {
					t := (*Table)(rb.p)
					if len(t.node) > 0 {
						c := uint8(i >> bc.PosC)
						kv := k[c]
						mask := uint64(len(t.node) - 1)
						h := p.khash[c] & mask
						n := &t.node[h]
						if n.key.p != kv.p || n.key.n != kv.n {
							// Linear probing puts a colliding key in the next slot:
							// one more look keeps most collisions on the fast path.
							n = &t.node[(h+1)&mask]
						}
						if n.key.p == kv.p && n.key.n == kv.n && !n.val.IsNil() {
							R[a] = n.val
							continue
						}
					}
				}
			case bc.OpAddI:
				rb := R[uint8(i>>bc.PosB)]
				c := int64(int(uint8(i>>bc.PosC)) - bc.OffsetSC)
				if rb.p == pInt {
					R[a] = Int(int64(rb.n) + c)
					pc++
					continue
				} else if rb.p == pFloat {
					R[a] = Float(rb.AsFloat() + float64(c))
					pc++
					continue
				}
			case bc.OpAddK:
				rb := R[uint8(i>>bc.PosB)]
				kc := k[uint8(i>>bc.PosC)]
				if rb.p == pInt && kc.p == pInt {
					R[a] = Int(int64(rb.n) + int64(kc.n))
					pc++
					continue
				} else if x, y, ok := bothFloats(rb, kc); ok {
					R[a] = Float(x + y)
					pc++
					continue
				}
			case bc.OpSubK:
				rb := R[uint8(i>>bc.PosB)]
				kc := k[uint8(i>>bc.PosC)]
				if rb.p == pInt && kc.p == pInt {
					R[a] = Int(int64(rb.n) - int64(kc.n))
					pc++
					continue
				} else if x, y, ok := bothFloats(rb, kc); ok {
					R[a] = Float(x - y)
					pc++
					continue
				}
			case bc.OpMulK:
				rb := R[uint8(i>>bc.PosB)]
				kc := k[uint8(i>>bc.PosC)]
				if rb.p == pInt && kc.p == pInt {
					R[a] = Int(int64(rb.n) * int64(kc.n))
					pc++
					continue
				} else if x, y, ok := bothFloats(rb, kc); ok {
					R[a] = Float(x * y)
					pc++
					continue
				}
			case bc.OpModK:
				rb := R[uint8(i>>bc.PosB)]
				kc := k[uint8(i>>bc.PosC)]
				if rb.p == pInt && kc.p == pInt && int64(kc.n) > 0 {
					// Positive divisor: the floor modulo needs no special case
					// beyond the sign fix.
					r := int64(rb.n) % int64(kc.n)
					if r < 0 {
						r += int64(kc.n)
					}
					R[a] = Int(r)
					pc++
					continue
				}
			case bc.OpIDivK:
				rb := R[uint8(i>>bc.PosB)]
				kc := k[uint8(i>>bc.PosC)]
				if rb.p == pInt && kc.p == pInt && int64(kc.n) > 0 {
					x, y := int64(rb.n), int64(kc.n)
					q := x / y
					if x%y != 0 && x < 0 {
						q--
					}
					R[a] = Int(q)
					pc++
					continue
				}
			case bc.OpShrI, bc.OpShlI:
				rb := R[uint8(i>>bc.PosB)]
				c := int64(int(uint8(i>>bc.PosC)) - bc.OffsetSC)
				if rb.p == pInt {
					if bc.OpCode(i&0x7f) == bc.OpShrI {
						R[a] = Int(shiftLeft(int64(rb.n), -c))
					} else {
						R[a] = Int(shiftLeft(c, int64(rb.n)))
					}
					pc++
					continue
				}
			case bc.OpDivK:
				if x, y, ok := bothFloats(R[uint8(i>>bc.PosB)], k[uint8(i>>bc.PosC)]); ok {
					R[a] = Float(x / y)
					pc++
					continue
				}
			case bc.OpAdd:
				rb := R[uint8(i>>bc.PosB)]
				rc := R[uint8(i>>bc.PosC)]
				if rb.p == pInt && rc.p == pInt {
					R[a] = Int(int64(rb.n) + int64(rc.n))
					pc++
					continue
				} else if x, y, ok := bothFloats(rb, rc); ok {
					R[a] = Float(x + y)
					pc++
					continue
				}
			case bc.OpSub:
				rb := R[uint8(i>>bc.PosB)]
				rc := R[uint8(i>>bc.PosC)]
				if rb.p == pInt && rc.p == pInt {
					R[a] = Int(int64(rb.n) - int64(rc.n))
					pc++
					continue
				} else if x, y, ok := bothFloats(rb, rc); ok {
					R[a] = Float(x - y)
					pc++
					continue
				}
			case bc.OpMul:
				rb := R[uint8(i>>bc.PosB)]
				rc := R[uint8(i>>bc.PosC)]
				if rb.p == pInt && rc.p == pInt {
					R[a] = Int(int64(rb.n) * int64(rc.n))
					pc++
					continue
				} else if x, y, ok := bothFloats(rb, rc); ok {
					R[a] = Float(x * y)
					pc++
					continue
				}
			case bc.OpDiv:
				if x, y, ok := bothFloats(R[uint8(i>>bc.PosB)], R[uint8(i>>bc.PosC)]); ok {
					R[a] = Float(x / y)
					pc++
					continue
				}
			case bc.OpBAndK, bc.OpBOrK, bc.OpBXorK:
				rb := R[uint8(i>>bc.PosB)]
				if rb.p == pInt {
					x, y := int64(rb.n), k[uint8(i>>bc.PosC)].AsInt()
					switch bc.OpCode(i & 0x7f) {
					case bc.OpBAndK:
						R[a] = Int(x & y)
					case bc.OpBOrK:
						R[a] = Int(x | y)
					default:
						R[a] = Int(x ^ y)
					}
					pc++
					continue
				}
			case bc.OpBAnd, bc.OpBOr, bc.OpBXor:
				rb := R[uint8(i>>bc.PosB)]
				rc := R[uint8(i>>bc.PosC)]
				if rb.p == pInt && rc.p == pInt {
					x, y := int64(rb.n), int64(rc.n)
					switch bc.OpCode(i & 0x7f) {
					case bc.OpBAnd:
						R[a] = Int(x & y)
					case bc.OpBOr:
						R[a] = Int(x | y)
					default:
						R[a] = Int(x ^ y)
					}
					pc++
					continue
				}
			case bc.OpNot:
				R[a] = Bool(!R[uint8(i>>bc.PosB)].Truthy())
				continue
			case bc.OpUnm:
				rb := R[uint8(i>>bc.PosB)]
				if rb.p == pInt {
					R[a] = Int(-int64(rb.n))
					continue
				} else if rb.p == pFloat {
					R[a] = Float(-rb.AsFloat())
					continue
				}
			case bc.OpLen:
				rb := R[uint8(i>>bc.PosB)]
				if rb.p != pInt && rb.p != pFloat && rb.p != nil && rb.p != pBool {
					if rb.n>>tagShift == tagString {
						R[a] = Int(int64(rb.n & lenMask))
						continue
					}
					if rb.n>>tagShift == tagTable {
						if t := (*Table)(rb.p); t.meta == nil && len(t.arr) > 0 && len(t.arr) == cap(t.arr) && !t.arr[len(t.arr)-1].IsNil() && t.used == 0 {
							R[a] = Int(int64(len(t.arr)))
							continue
						}
					}
				}
			case bc.OpJmp:
				d := i.SJ()
				pc += d
				if d < 0 {
					// A backward jump closes a loop: charge its body.
					if ctl.budget -= int64(-d); ctl.budget <= 0 {
						f.pc = pc
						th.slow = slowBudget
						break fast
					}
				}
				continue
			case bc.OpEq:
				ra := R[a]
				rb := R[uint8(i>>bc.PosB)]
				var eq bool
				if ra.p == rb.p && ra.n == rb.n && ra.p != pFloat {
					eq = true
				} else if ra.p == pInt && rb.p == pInt || ra.p == pBool || ra.p == nil {
					eq = false
				} else {
					break // slow path: floats, strings, metamethods
				}
				if eq != i.K() {
					pc++
				} else {
					d := code[pc].SJ()
					pc += d + 1
					if d < 0 {
						// The jump closes a loop (repeat ... until, while): charge it.
						if ctl.budget -= int64(-d); ctl.budget <= 0 {
							f.pc = pc
							th.slow = slowBudget
							break fast
						}
					}
				}
				continue
			case bc.OpLt:
				ra := R[a]
				rb := R[uint8(i>>bc.PosB)]
				var res bool
				if ra.p == pInt && rb.p == pInt {
					res = int64(ra.n) < int64(rb.n)
				} else if ra.p == pFloat && rb.p == pFloat {
					res = ra.AsFloat() < rb.AsFloat()
				} else {
					break
				}
				if res != i.K() {
					pc++
				} else {
					d := code[pc].SJ()
					pc += d + 1
					if d < 0 {
						// The jump closes a loop (repeat ... until, while): charge it.
						if ctl.budget -= int64(-d); ctl.budget <= 0 {
							f.pc = pc
							th.slow = slowBudget
							break fast
						}
					}
				}
				continue
			case bc.OpLe:
				ra := R[a]
				rb := R[uint8(i>>bc.PosB)]
				var res bool
				if ra.p == pInt && rb.p == pInt {
					res = int64(ra.n) <= int64(rb.n)
				} else if ra.p == pFloat && rb.p == pFloat {
					res = ra.AsFloat() <= rb.AsFloat()
				} else {
					break
				}
				if res != i.K() {
					pc++
				} else {
					d := code[pc].SJ()
					pc += d + 1
					if d < 0 {
						// The jump closes a loop (repeat ... until, while): charge it.
						if ctl.budget -= int64(-d); ctl.budget <= 0 {
							f.pc = pc
							th.slow = slowBudget
							break fast
						}
					}
				}
				continue
			case bc.OpEqK:
				ra := R[a]
				kb := k[uint8(i>>bc.PosB)]
				var eq bool
				if ra.p == kb.p && ra.n == kb.n && ra.p != pFloat {
					eq = true
				} else if ra.p == pInt && kb.p == pInt || ra.p == pBool || ra.p == nil {
					eq = false
				} else {
					break
				}
				if eq != i.K() {
					pc++
				} else {
					d := code[pc].SJ()
					pc += d + 1
					if d < 0 {
						// The jump closes a loop (repeat ... until, while): charge it.
						if ctl.budget -= int64(-d); ctl.budget <= 0 {
							f.pc = pc
							th.slow = slowBudget
							break fast
						}
					}
				}
				continue
			case bc.OpEqI:
				ra := R[a]
				imm := int64(int(uint8(i>>bc.PosB)) - bc.OffsetSC)
				var eq bool
				if ra.p == pInt {
					eq = int64(ra.n) == imm
				} else if ra.p == pFloat {
					eq = ra.AsFloat() == float64(imm)
				}
				if eq != i.K() {
					pc++
				} else {
					d := code[pc].SJ()
					pc += d + 1
					if d < 0 {
						// The jump closes a loop (repeat ... until, while): charge it.
						if ctl.budget -= int64(-d); ctl.budget <= 0 {
							f.pc = pc
							th.slow = slowBudget
							break fast
						}
					}
				}
				continue
			case bc.OpLtI, bc.OpLeI, bc.OpGtI, bc.OpGeI:
				ra := R[a]
				imm := int64(int(uint8(i>>bc.PosB)) - bc.OffsetSC)
				var res bool
				if ra.p == pInt {
					x := int64(ra.n)
					switch bc.OpCode(i & 0x7f) {
					case bc.OpLtI:
						res = x < imm
					case bc.OpLeI:
						res = x <= imm
					case bc.OpGtI:
						res = x > imm
					default:
						res = x >= imm
					}
				} else if ra.p == pFloat {
					x, y := ra.AsFloat(), float64(imm)
					switch bc.OpCode(i & 0x7f) {
					case bc.OpLtI:
						res = x < y
					case bc.OpLeI:
						res = x <= y
					case bc.OpGtI:
						res = x > y
					default:
						res = x >= y
					}
				} else {
					break
				}
				if res != i.K() {
					pc++
				} else {
					d := code[pc].SJ()
					pc += d + 1
					if d < 0 {
						// The jump closes a loop (repeat ... until, while): charge it.
						if ctl.budget -= int64(-d); ctl.budget <= 0 {
							f.pc = pc
							th.slow = slowBudget
							break fast
						}
					}
				}
				continue
			case bc.OpTest:
				if R[a].Truthy() != i.K() {
					pc++
				} else {
					d := code[pc].SJ()
					pc += d + 1
					if d < 0 {
						// The jump closes a loop (repeat ... until, while): charge it.
						if ctl.budget -= int64(-d); ctl.budget <= 0 {
							f.pc = pc
							th.slow = slowBudget
							break fast
						}
					}
				}
				continue
			case bc.OpTestSet:
				rb := R[uint8(i>>bc.PosB)]
				if rb.Truthy() != i.K() {
					pc++
				} else {
					R[a] = rb
					d := code[pc].SJ()
					pc += d + 1
					if d < 0 {
						// The jump closes a loop (repeat ... until, while): charge it.
						if ctl.budget -= int64(-d); ctl.budget <= 0 {
							f.pc = pc
							th.slow = slowBudget
							break fast
						}
					}
				}
				continue
			case bc.OpForLoop:
				if R[a+2].p == pInt {
					count := R[a+1].n // remaining iterations, unsigned
					if count > 0 {
						// The internal counters are integers already: update
						// their bits only (no pointer write, no write barrier).
						step := int64(R[a+2].n)
						R[a+1].n = count - 1
						idx := int64(R[a].n) + step
						R[a].n = uint64(idx)
						R[a+3] = Int(idx)
						pc -= i.Bx()
						if ctl.budget -= int64(i.Bx()); ctl.budget <= 0 {
							f.pc = pc
							th.slow = slowBudget
							break fast
						}
					}
				} else {
					step := R[a+2].AsFloat()
					limit := R[a+1].AsFloat()
					idx := R[a].AsFloat() + step
					if (step > 0 && idx <= limit) || (step <= 0 && limit <= idx) {
						R[a] = Float(idx)
						R[a+3] = Float(idx)
						pc -= i.Bx()
						if ctl.budget -= int64(i.Bx()); ctl.budget <= 0 {
							f.pc = pc
							th.slow = slowBudget
							break fast
						}
					}
				}
				continue
			case bc.OpTForLoop:
				if !R[a+4].IsNil() {
					R[a+2] = R[a+4]
					pc -= i.Bx()
					if ctl.budget -= int64(i.Bx()); ctl.budget <= 0 {
						f.pc = pc
						th.slow = slowBudget
						break fast
					}
				}
				continue
			case bc.OpExtraArg:
				continue
			}
			f.pc = pc
			th.slow = slowOp
			break
		}

		// The slow section: the instruction before f.pc needs more than the
		// fast loop does (or a hook or the budget needs attention). pc is
		// already saved in the frame: errors, hooks and calls read it.
		pc = f.pc
		switch th.slow {
		case slowHook:
			if err := th.hookInstruction(f, pc-1); err != nil {
				return err
			}
			th.frames[fi].pc = pc - 1 // run the instruction itself next
			th.skipHook = true
			continue
		case slowBudget:
			if err := th.checkBudget(); err != nil {
				return err
			}
			continue
		}
		i := code[pc-1]
		a := int(uint8(i >> bc.PosA))
		switch op := bc.OpCode(i & 0x7f); op {
		case bc.OpGetTabUp:
			c := uint8(i >> bc.PosC)
			up := *cl.upvals[uint8(i>>bc.PosB)].p
			if t := up.AsTable(); t != nil {
				if v := t.getStrHash(k[c].AsString(), p.khash[c]); !v.IsNil() || t.meta == nil {
					R[a] = v
					continue
				}
			}
			v, err := th.indexStr(up, k[c], p.khash[c])
			if err != nil {
				return err
			}
			th.stack[base+a] = v
		case bc.OpGetField:
			c := uint8(i >> bc.PosC)
			rb := R[uint8(i>>bc.PosB)]
			if t := rb.AsTable(); t != nil {
				if v := t.getStrHash(k[c].AsString(), p.khash[c]); !v.IsNil() || t.meta == nil {
					R[a] = v
					continue
				}
			}
			v, err := th.indexStr(rb, k[c], p.khash[c])
			if err != nil {
				return err
			}
			th.stack[base+a] = v
		case bc.OpGetTable:
			rb := R[uint8(i>>bc.PosB)]
			rc := R[uint8(i>>bc.PosC)]
			if t := rb.AsTable(); t != nil {
				if v := t.Get(rc); !v.IsNil() || t.meta == nil {
					R[a] = v
					continue
				}
			}
			v, err := th.index(rb, rc)
			if err != nil {
				return err
			}
			th.stack[base+a] = v
		case bc.OpGetI:
			rb := R[uint8(i>>bc.PosB)]
			c := int64(uint8(i >> bc.PosC))
			if t := rb.AsTable(); t != nil {
				if v := t.GetInt(c); !v.IsNil() || t.meta == nil {
					R[a] = v
					continue
				}
			}
			v, err := th.index(rb, Int(c))
			if err != nil {
				return err
			}
			th.stack[base+a] = v
		case bc.OpSelf:
			rb := R[uint8(i>>bc.PosB)]
			var v Value
			var err error
			if i.K() {
				c := uint8(i >> bc.PosC)
				if rb.IsString() {
					// s:method(...): straight to the string metatable's
					// __index table when it is one (the string library).
					if mt := th.state.typeMeta[TypeString]; mt != nil {
						if idx := fastTM(mt, bc.TMIndex).AsTable(); idx != nil {
							if m := idx.getStrHash(k[c].AsString(), p.khash[c]); !m.IsNil() {
								R[a] = m
								continue
							}
						}
					}
				}
				v, err = th.indexStr(rb, k[c], p.khash[c])
			} else {
				v, err = th.index(rb, R[uint8(i>>bc.PosC)])
			}
			if err != nil {
				return err
			}
			th.stack[base+a] = v
		case bc.OpSetTabUp, bc.OpSetTable, bc.OpSetI, bc.OpSetField:
			var obj, key, val Value
			if i.K() {
				val = k[uint8(i>>bc.PosC)]
			} else {
				val = R[uint8(i>>bc.PosC)]
			}
			switch op {
			case bc.OpSetTabUp:
				obj, key = *cl.upvals[a].p, k[uint8(i>>bc.PosB)]
			case bc.OpSetTable:
				obj, key = R[a], R[uint8(i>>bc.PosB)]
			case bc.OpSetI:
				obj, key = R[a], Int(int64(uint8(i>>bc.PosB)))
			default:
				obj, key = R[a], k[uint8(i>>bc.PosB)]
			}
			if op == bc.OpSetField || op == bc.OpSetTabUp {
				// A constant key: its hash is known and it is interned.
				if t := obj.AsTable(); t != nil {
					b := uint8(i >> bc.PosB)
					h := p.khash[b]
					if t.meta == nil || fastTM(t.meta, bc.TMNewIndex).IsNil() ||
						!t.getStrHash(key.AsString(), h).IsNil() {
						t.setHashKey(key, h, val, true)
						continue
					}
				}
			}
			if err := th.setIndexFast(obj, key, val); err != nil {
				return err
			}
		case bc.OpNewTable:
			b := int(uint8(i >> bc.PosB))
			c := int(uint8(i >> bc.PosC))
			if b > 0 {
				b = 1 << (b - 1)
			}
			if i.K() {
				c += code[pc].Ax() * (bc.MaxArgC + 1)
			}
			th.frames[fi].pc = pc + 1 // skip the extra argument
			t := NewTable(c, b)
			t.acct = &ctl.allocated
			ctl.allocated += tableBaseSize + int64(c)*valueSize + int64(b)*nodeSize
			R[a] = TableValue(t)
			if th.state.watchGC {
				th.clearDeadRegisters(base+a+1, f)
			}
		case bc.OpAddK, bc.OpSubK, bc.OpMulK, bc.OpModK, bc.OpPowK, bc.OpDivK, bc.OpIDivK:
			aop := op - bc.OpAddK + bc.OpAdd
			v, ok := arithFast(aop, R[uint8(i>>bc.PosB)], k[uint8(i>>bc.PosC)])
			if ok {
				R[a] = v
				th.frames[fi].pc = pc + 1
			} else if v.p == pBool {
				return th.divByZero(aop)
			}
			// Otherwise the MMBINK instruction that follows handles it.
		case bc.OpMod, bc.OpPow, bc.OpIDiv, bc.OpAdd, bc.OpSub, bc.OpMul, bc.OpDiv:
			v, ok := arithFast(op, R[uint8(i>>bc.PosB)], R[uint8(i>>bc.PosC)])
			if ok {
				R[a] = v
				th.frames[fi].pc = pc + 1
			} else if v.p == pBool {
				return th.divByZero(op)
			}
		case bc.OpAddI:
			// Not a number: the MMBINI that follows handles it.
		case bc.OpBAndK, bc.OpBOrK, bc.OpBXorK:
			if x, ok := toIntStrict(R[uint8(i>>bc.PosB)]); ok {
				y := k[uint8(i>>bc.PosC)].AsInt()
				switch op {
				case bc.OpBAndK:
					R[a] = Int(x & y)
				case bc.OpBOrK:
					R[a] = Int(x | y)
				default:
					R[a] = Int(x ^ y)
				}
				th.frames[fi].pc = pc + 1
			}
		case bc.OpShrI, bc.OpShlI:
			c := int64(int(uint8(i>>bc.PosC)) - bc.OffsetSC)
			if x, ok := toIntStrict(R[uint8(i>>bc.PosB)]); ok {
				if op == bc.OpShrI {
					R[a] = Int(shiftLeft(x, -c))
				} else {
					R[a] = Int(shiftLeft(c, x))
				}
				th.frames[fi].pc = pc + 1
			}
		case bc.OpBAnd, bc.OpBOr, bc.OpBXor, bc.OpShl, bc.OpShr:
			if x, ok := toIntStrict(R[uint8(i>>bc.PosB)]); ok {
				if y, ok := toIntStrict(R[uint8(i>>bc.PosC)]); ok {
					R[a] = Int(bitwise(op, x, y))
					th.frames[fi].pc = pc + 1
				}
			}
		case bc.OpMMBin, bc.OpMMBinI, bc.OpMMBinK:
			if err := th.execMMBin(f, i, code[pc-2], R); err != nil {
				return err
			}
		case bc.OpUnm, bc.OpBNot:
			b := int(uint8(i >> bc.PosB))
			rb := R[b]
			tm := bc.TMUnm
			if op == bc.OpBNot {
				tm = bc.TMBNot
				if x, ok := toIntStrict(rb); ok {
					R[a] = Int(^x)
					continue
				}
			}
			v, err := th.arithMeta(tm, rb, rb, b, b)
			if err != nil {
				return err
			}
			th.stack[base+a] = v
		case bc.OpLen:
			b := int(uint8(i >> bc.PosB))
			rb := R[b]
			var v Value
			if t := rb.AsTable(); t != nil && t.meta == nil {
				v = Int(t.Length())
			} else {
				var err error
				if v, err = th.length(rb, b); err != nil {
					return err
				}
			}
			th.stack[base+a] = v
		case bc.OpConcat:
			n := int(uint8(i >> bc.PosB))
			th.top = base + a + n
			if err := th.concat(n); err != nil {
				return err
			}
			th.top = th.frames[fi].top
		case bc.OpClose:
			if err := th.closeFrom(base+a, Nil, false); err != nil {
				return err
			}
		case bc.OpTBC:
			if err := th.markTBC(base + a); err != nil {
				return err
			}
		case bc.OpEq:
			ra, rb := R[a], R[uint8(i>>bc.PosB)]
			eq := RawEqual(ra, rb)
			if !eq && ra.Type() == rb.Type() && (ra.IsTable() || ra.AsUserdata() != nil) {
				var err error
				if eq, err = th.equalMeta(ra, rb); err != nil {
					return err
				}
			}
			if err := th.condJump(fi, code, pc, eq == i.K()); err != nil {
				return err
			}
		case bc.OpEqK:
			if err := th.condJump(fi, code, pc, RawEqual(R[a], k[uint8(i>>bc.PosB)]) == i.K()); err != nil {
				return err
			}
		case bc.OpLt, bc.OpLe:
			ra, rb := R[a], R[uint8(i>>bc.PosB)]
			var res bool
			var err error
			if op == bc.OpLt {
				res, err = th.lessThan(ra, rb)
			} else {
				res, err = th.lessEqual(ra, rb)
			}
			if err != nil {
				return err
			}
			if err := th.condJump(fi, code, pc, res == i.K()); err != nil {
				return err
			}
		case bc.OpLtI, bc.OpLeI, bc.OpGtI, bc.OpGeI:
			ra := R[a]
			imm := int64(int(uint8(i>>bc.PosB)) - bc.OffsetSC)
			var immV Value
			if uint8(i>>bc.PosC) != 0 {
				immV = Float(float64(imm))
			} else {
				immV = Int(imm)
			}
			var res bool
			var err error
			switch op {
			case bc.OpLtI:
				res, err = th.lessThan(ra, immV)
			case bc.OpLeI:
				res, err = th.lessEqual(ra, immV)
			case bc.OpGtI:
				res, err = th.lessThan(immV, ra)
			default:
				res, err = th.lessEqual(immV, ra)
			}
			if err != nil {
				return err
			}
			if err := th.condJump(fi, code, pc, res == i.K()); err != nil {
				return err
			}
		case bc.OpCall:
			b := int(uint8(i >> bc.PosB))
			wanted := int(uint8(i>>bc.PosC)) - 1
			fn := base + a
			if b != 0 {
				th.top = fn + b
			}
			if fv := R[a]; fv.isObject() && fv.tag() == tagLuaFunction {
				// Lua-to-Lua call: push a frame and continue in this loop.
				ncl := (*luaClosure)(fv.p)
				np := ncl.proto
				nbase := fn + 1
				if n := len(th.frames); !np.isVararg && n < cap(th.frames) && ctl.budget > 1 &&
					ctl.limits.CallDepth == 0 && nbase+np.maxStack+regWindow <= len(th.stack) {
					// The common case inline: room for the frame and its
					// registers, no varargs, no depth limit.
					for j := th.top - nbase; j < np.numParams; j++ {
						th.stack[nbase+j] = Nil
					}
					ctl.budget--
					th.frames = th.frames[:n+1]
					nf := &th.frames[n]
					nf.cl, nf.gf = ncl, nil
					nf.fn, nf.ret, nf.base, nf.top = fn, fn, nbase, nbase+np.maxStack
					nf.pc, nf.nresults, nf.nextra = 0, wanted, 0
					nf.fresh, nf.tail, nf.status = false, false, 0
					th.top = nf.top
					fi = n
					continue
				}
				if _, err := th.pushLuaFrame(ncl, fn, wanted); err != nil {
					return err
				}
				fi = len(th.frames) - 1
				continue
			}
			if fv := R[a]; fv.isObject() && fv.tag() == tagGoFunction {
				if err := th.callGo((*goFunction)(fv.p), fn, wanted); err != nil {
					return err
				}
			} else {
				nf, err := th.prepareCall(fn, wanted)
				if err != nil {
					return err
				}
				if nf != nil {
					fi = len(th.frames) - 1
					continue
				}
			}
			// A Go function ran to completion.
			if wanted >= 0 {
				th.top = th.frames[fi].top
			}
		case bc.OpTailCall:
			b := int(uint8(i >> bc.PosB))
			fn := base + a
			if b != 0 {
				th.top = fn + b
			}
			if i.K() {
				if err := th.closeFrom(base, Nil, false); err != nil {
					return err
				}
			}
			// Resolve __call now so that the function is known.
			for {
				v := th.stack[fn]
				if v.IsFunction() {
					break
				}
				tm := th.metamethod(v, bc.TMCall)
				if tm.IsNil() {
					return th.callError(fn, v)
				}
				if err := th.ensureStack(1); err != nil {
					return err
				}
				copy(th.stack[fn+1:th.top+1], th.stack[fn:th.top])
				th.top++
				th.stack[fn] = tm
			}
			f = &th.frames[fi]
			if lc := th.stack[fn].asLuaClosure(); lc != nil {
				// Reuse the frame: move function and arguments down.
				nargs := th.top - fn
				dst := f.ret
				copy(th.stack[dst:dst+nargs], th.stack[fn:fn+nargs])
				th.top = dst + nargs
				wanted, fresh := f.nresults, f.fresh
				th.frames = th.frames[:fi]
				nf, err := th.pushLuaFrame(lc, dst, wanted)
				if err != nil {
					return err
				}
				nf.fresh = fresh
				nf.tail = true
				fi = len(th.frames) - 1
				continue
			}
			// A Go function: call it, then return its results.
			if err := th.callGo(th.stack[fn].asGoFunction(), fn, -1); err != nil {
				return err
			}
			if th.hookMask&hookReturn != 0 {
				// The frame making the tail call returns now.
				if err := th.returnHook(fi, fn, th.top-fn); err != nil {
					return err
				}
			}
			if th.postReturn(fi, fn, th.top-fn) {
				return nil
			}
			fi--
		case bc.OpReturn, bc.OpReturn0, bc.OpReturn1:
			if op == bc.OpReturn1 && !f.fresh && f.nresults == 1 && th.hookMask == 0 {
				// The common return of one value to a Lua caller that wants
				// one, without the general result mover.
				th.stack[f.ret] = R[a]
				th.frames = th.frames[:fi]
				fi--
				th.top = th.frames[fi].top
				continue
			}
			ra := base + a
			var n int
			switch op {
			case bc.OpReturn0:
				n = 0
			case bc.OpReturn1:
				n = 1
			default:
				n = int(uint8(i>>bc.PosB)) - 1
				if n < 0 {
					n = th.top - ra
				}
				if i.K() {
					th.top = ra + n
					if err := th.closeFrom(base, Nil, false); err != nil {
						return err
					}
				}
			}
			if th.hookMask&hookReturn != 0 {
				if err := th.returnHook(fi, ra, n); err != nil {
					return err
				}
			}
			if th.postReturn(fi, ra, n) {
				return nil
			}
			fi--
		case bc.OpForPrep:
			skip, err := th.forPrep(R, uint8(a))
			if err != nil {
				return err
			}
			if skip {
				th.frames[fi].pc = pc + i.Bx() + 1
			}
		case bc.OpTForPrep:
			if err := th.markTBC(base + a + 3); err != nil {
				return err
			}
			th.frames[fi].pc = pc + i.Bx()
		case bc.OpTForCall:
			ra := base + a
			// Copy the iterator, state and control above the loop's
			// variables and call it; TFORLOOP follows.
			R[a+4] = R[a]
			R[a+5] = R[a+1]
			R[a+6] = R[a+2]
			th.top = ra + 4 + 3
			nf, err := th.prepareCall(ra+4, int(uint8(i>>bc.PosC)))
			if err != nil {
				return err
			}
			if nf != nil {
				fi = len(th.frames) - 1
				continue
			}
			th.top = th.frames[fi].top
		case bc.OpSetList:
			n := int(uint8(i >> bc.PosB))
			last := int(uint8(i >> bc.PosC))
			if i.K() {
				last += code[pc].Ax() * (bc.MaxArgC + 1)
				th.frames[fi].pc = pc + 1
			}
			if n == 0 {
				n = th.top - (base + a) - 1
			}
			t := R[a].AsTable()
			if t == nil {
				return th.runtimeError("SETLIST on a non-table (corrupt code)")
			}
			// Like the reference, grow the array part to the constructor's
			// size and store every value there, nils included.
			if t.shared {
				t.unshare()
			}
			if last+n > cap(t.arr) {
				t.resizeArray(last + n)
			}
			copy(t.array()[last:last+n], th.stack[base+a+1:base+a+1+n])
			th.top = th.frames[fi].top
		case bc.OpClosure:
			sub := p.protos[i.Bx()]
			ncl := newLuaClosure(sub)
			for j, uv := range sub.Upvalues {
				if uv.InStack {
					ncl.upvals[j] = th.findUpval(base + uv.Index)
				} else {
					ncl.upvals[j] = cl.upvals[uv.Index]
				}
			}
			ctl.allocated += closureBaseSize + int64(len(ncl.upvals))*8
			R[a] = ncl.value()
			if th.state.watchGC {
				th.clearDeadRegisters(base+a+1, f)
			}
		case bc.OpVararg:
			n := int(uint8(i>>bc.PosC)) - 1
			nextra := f.nextra
			ra := base + a
			if n < 0 {
				n = nextra
				if err := th.ensureStackAt(ra + n + regWindow); err != nil {
					return err
				}
				th.top = ra + n
			}
			src := f.fn - nextra
			for j := 0; j < n; j++ {
				if j < nextra {
					th.stack[ra+j] = th.stack[src+j]
				} else {
					th.stack[ra+j] = Nil
				}
			}
		case bc.OpVarargPrep:
			// The frame was adjusted when it was pushed.
		case bc.OpGetUpval, bc.OpSetUpval, bc.OpMove, bc.OpLoadI, bc.OpLoadF, bc.OpLoadK, bc.OpLoadKX,
			bc.OpLoadFalse, bc.OpLFalseSkip, bc.OpLoadTrue, bc.OpLoadNil, bc.OpNot, bc.OpJmp, bc.OpTest,
			bc.OpTestSet, bc.OpEqI, bc.OpForLoop, bc.OpTForLoop, bc.OpExtraArg:
			// Always handled by the fast loop.
			panic("lunar: fast instruction reached the slow path")
		default:
			return th.runtimeError("invalid instruction %d", int(op))
		}
	}
}

// condJump finishes a comparison on the slow path: when jump is true the
// jump that follows is taken, else it is skipped.
func (th *Thread) condJump(fi int, code []bc.Instruction, pc int, jump bool) error {
	if !jump {
		th.frames[fi].pc = pc + 1
		return nil
	}
	d := code[pc].SJ()
	th.frames[fi].pc = pc + d + 1
	if d < 0 {
		// A loop closed by a comparison with metamethods: charge it too.
		ctl := &th.state.ctl
		if ctl.budget -= int64(-d); ctl.budget <= 0 {
			return th.checkBudget()
		}
	}
	return nil
}
