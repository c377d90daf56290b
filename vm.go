package lunar

import (
	"math"

	bc "github.com/lunar-lua/lunar/bytecode"
)

// execute runs Lua frames, starting with the top frame of the thread, until
// the frame marked fresh returns. Lua-to-Lua calls and returns happen
// inside this loop without Go recursion.
//
// This is the one long function of the package: the dispatch loop keeps
// its hot state (pc, code, constants, the register window) in locals, and
// every slow path (metamethods, errors, calls of Go functions) saves pc in
// the frame before it runs.
func (th *Thread) execute() error {
	fi := len(th.frames) - 1
newFrame:
	f := &th.frames[fi]
	cl := f.cl
	p := cl.proto
	code := p.code
	k := p.k
	base := f.base
	R := th.regs(base)
	pc := f.pc
	hooks := th.state.hookMask != 0
	ctl := &th.state.ctl

	for {
		i := code[pc]
		pc++
		if hooks {
			f.pc = pc
			if err := th.hookInstruction(f, pc-1); err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
		}
		a := uint8(i >> bc.PosA)
		switch bc.OpCode(i & 0x7f) {
		case bc.OpMove:
			R[a] = R[uint8(i>>bc.PosB)]
		case bc.OpLoadI:
			R[a] = Int(int64(i.SBx()))
		case bc.OpLoadF:
			R[a] = Float(float64(i.SBx()))
		case bc.OpLoadK:
			R[a] = k[i.Bx()]
		case bc.OpLoadKX:
			R[a] = k[code[pc].Ax()]
			pc++
		case bc.OpLoadFalse:
			R[a] = False
		case bc.OpLFalseSkip:
			R[a] = False
			pc++
		case bc.OpLoadTrue:
			R[a] = True
		case bc.OpLoadNil:
			b := int(uint8(i >> bc.PosB))
			for j := 0; j <= b; j++ {
				R[a+uint8(j)] = Nil
			}
		case bc.OpGetUpval:
			R[a] = *cl.upvals[uint8(i>>bc.PosB)].p
		case bc.OpSetUpval:
			*cl.upvals[uint8(i>>bc.PosB)].p = R[a]
		case bc.OpGetTabUp:
			up := *cl.upvals[uint8(i>>bc.PosB)].p
			c := uint8(i >> bc.PosC)
			if t := up.AsTable(); t != nil {
				if v := t.getStrHash(k[c].AsString(), p.khash[c]); !v.IsNil() || t.meta == nil {
					R[a] = v
					continue
				}
			}
			f.pc = pc
			v, err := th.index(up, k[c])
			if err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
			R[a] = v
		case bc.OpGetTable:
			rb := R[uint8(i>>bc.PosB)]
			rc := R[uint8(i>>bc.PosC)]
			if t := rb.AsTable(); t != nil {
				var v Value
				if rc.p == pInt {
					v = t.GetInt(int64(rc.n))
				} else {
					v = t.Get(rc)
				}
				if !v.IsNil() || t.meta == nil {
					R[a] = v
					continue
				}
			}
			f.pc = pc
			v, err := th.index(rb, rc)
			if err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
			R[a] = v
		case bc.OpGetI:
			rb := R[uint8(i>>bc.PosB)]
			c := int64(uint8(i >> bc.PosC))
			if t := rb.AsTable(); t != nil {
				if v := t.GetInt(c); !v.IsNil() || t.meta == nil {
					R[a] = v
					continue
				}
			}
			f.pc = pc
			v, err := th.index(rb, Int(c))
			if err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
			R[a] = v
		case bc.OpGetField:
			rb := R[uint8(i>>bc.PosB)]
			c := uint8(i >> bc.PosC)
			if t := rb.AsTable(); t != nil {
				if v := t.getStrHash(k[c].AsString(), p.khash[c]); !v.IsNil() || t.meta == nil {
					R[a] = v
					continue
				}
			}
			f.pc = pc
			v, err := th.index(rb, k[c])
			if err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
			R[a] = v
		case bc.OpSetTabUp:
			up := *cl.upvals[a].p
			kb := k[uint8(i>>bc.PosB)]
			var rc Value
			if i.K() {
				rc = k[uint8(i>>bc.PosC)]
			} else {
				rc = R[uint8(i>>bc.PosC)]
			}
			f.pc = pc
			if err := th.setIndexFast(up, kb, rc); err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
		case bc.OpSetTable:
			rb := R[uint8(i>>bc.PosB)]
			var rc Value
			if i.K() {
				rc = k[uint8(i>>bc.PosC)]
			} else {
				rc = R[uint8(i>>bc.PosC)]
			}
			ra := R[a]
			if t := ra.AsTable(); t != nil && t.meta == nil && rb.p == pInt {
				t.SetInt(int64(rb.n), rc)
				continue
			}
			f.pc = pc
			if err := th.setIndexFast(ra, rb, rc); err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
		case bc.OpSetI:
			b := int64(uint8(i >> bc.PosB))
			var rc Value
			if i.K() {
				rc = k[uint8(i>>bc.PosC)]
			} else {
				rc = R[uint8(i>>bc.PosC)]
			}
			ra := R[a]
			if t := ra.AsTable(); t != nil && t.meta == nil {
				t.SetInt(b, rc)
				continue
			}
			f.pc = pc
			if err := th.setIndexFast(ra, Int(b), rc); err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
		case bc.OpSetField:
			kb := k[uint8(i>>bc.PosB)]
			var rc Value
			if i.K() {
				rc = k[uint8(i>>bc.PosC)]
			} else {
				rc = R[uint8(i>>bc.PosC)]
			}
			ra := R[a]
			f.pc = pc
			if err := th.setIndexFast(ra, kb, rc); err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
		case bc.OpNewTable:
			b := int(uint8(i >> bc.PosB))
			c := int(uint8(i >> bc.PosC))
			if b > 0 {
				b = 1 << (b - 1)
			}
			if i.K() {
				c += code[pc].Ax() * (bc.MaxArgC + 1)
			}
			pc++ // skip the extra argument
			t := NewTable(c, b)
			t.acct = &ctl.allocated
			ctl.allocated += tableBaseSize + int64(c)*valueSize + int64(b)*nodeSize
			R[a] = TableValue(t)
		case bc.OpSelf:
			rb := R[uint8(i>>bc.PosB)]
			var key Value
			if i.K() {
				key = k[uint8(i>>bc.PosC)]
			} else {
				key = R[uint8(i>>bc.PosC)]
			}
			R[a+1] = rb
			if t := rb.AsTable(); t != nil && key.IsString() {
				if v := t.GetStr(key.AsString()); !v.IsNil() || t.meta == nil {
					R[a] = v
					continue
				}
			}
			f.pc = pc
			v, err := th.index(rb, key)
			if err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
			R[a] = v
		case bc.OpAddI:
			rb := R[uint8(i>>bc.PosB)]
			c := int64(int(uint8(i>>bc.PosC)) - bc.OffsetSC)
			if rb.p == pInt {
				R[a] = Int(int64(rb.n) + c)
				pc++
			} else if rb.p == pFloat {
				R[a] = Float(rb.AsFloat() + float64(c))
				pc++
			}
		case bc.OpAddK, bc.OpSubK, bc.OpMulK, bc.OpModK, bc.OpPowK, bc.OpDivK, bc.OpIDivK:
			rb := R[uint8(i>>bc.PosB)]
			kc := k[uint8(i>>bc.PosC)]
			if v, ok := arithFast(bc.OpCode(i&0x7f)-bc.OpAddK+bc.OpAdd, rb, kc); ok {
				R[a] = v
				pc++
			} else if v.p == pBool {
				f.pc = pc
				return th.divByZero(bc.OpCode(i&0x7f) - bc.OpAddK + bc.OpAdd)
			}
		case bc.OpBAndK, bc.OpBOrK, bc.OpBXorK:
			rb := R[uint8(i>>bc.PosB)]
			kc := k[uint8(i>>bc.PosC)]
			if x, ok := toIntStrict(rb); ok {
				y := kc.AsInt()
				switch bc.OpCode(i & 0x7f) {
				case bc.OpBAndK:
					R[a] = Int(x & y)
				case bc.OpBOrK:
					R[a] = Int(x | y)
				default:
					R[a] = Int(x ^ y)
				}
				pc++
			}
		case bc.OpShrI:
			rb := R[uint8(i>>bc.PosB)]
			c := int64(int(uint8(i>>bc.PosC)) - bc.OffsetSC)
			if x, ok := toIntStrict(rb); ok {
				R[a] = Int(shiftLeft(x, -c))
				pc++
			}
		case bc.OpShlI:
			rb := R[uint8(i>>bc.PosB)]
			c := int64(int(uint8(i>>bc.PosC)) - bc.OffsetSC)
			if x, ok := toIntStrict(rb); ok {
				R[a] = Int(shiftLeft(c, x))
				pc++
			}
		case bc.OpAdd:
			rb := R[uint8(i>>bc.PosB)]
			rc := R[uint8(i>>bc.PosC)]
			if rb.p == pInt && rc.p == pInt {
				R[a] = Int(int64(rb.n) + int64(rc.n))
				pc++
			} else if x, y, ok := bothFloats(rb, rc); ok {
				R[a] = Float(x + y)
				pc++
			}
		case bc.OpSub:
			rb := R[uint8(i>>bc.PosB)]
			rc := R[uint8(i>>bc.PosC)]
			if rb.p == pInt && rc.p == pInt {
				R[a] = Int(int64(rb.n) - int64(rc.n))
				pc++
			} else if x, y, ok := bothFloats(rb, rc); ok {
				R[a] = Float(x - y)
				pc++
			}
		case bc.OpMul:
			rb := R[uint8(i>>bc.PosB)]
			rc := R[uint8(i>>bc.PosC)]
			if rb.p == pInt && rc.p == pInt {
				R[a] = Int(int64(rb.n) * int64(rc.n))
				pc++
			} else if x, y, ok := bothFloats(rb, rc); ok {
				R[a] = Float(x * y)
				pc++
			}
		case bc.OpDiv:
			rb := R[uint8(i>>bc.PosB)]
			rc := R[uint8(i>>bc.PosC)]
			if x, y, ok := bothFloats(rb, rc); ok {
				R[a] = Float(x / y)
				pc++
			}
		case bc.OpMod, bc.OpPow, bc.OpIDiv:
			rb := R[uint8(i>>bc.PosB)]
			rc := R[uint8(i>>bc.PosC)]
			if v, ok := arithFast(bc.OpCode(i&0x7f), rb, rc); ok {
				R[a] = v
				pc++
			} else if v.p == pBool {
				f.pc = pc
				return th.divByZero(bc.OpCode(i & 0x7f))
			}
		case bc.OpBAnd, bc.OpBOr, bc.OpBXor, bc.OpShl, bc.OpShr:
			rb := R[uint8(i>>bc.PosB)]
			rc := R[uint8(i>>bc.PosC)]
			if x, ok := toIntStrict(rb); ok {
				if y, ok := toIntStrict(rc); ok {
					R[a] = Int(bitwise(bc.OpCode(i&0x7f), x, y))
					pc++
				}
			}
		case bc.OpMMBin, bc.OpMMBinI, bc.OpMMBinK:
			f.pc = pc
			if err := th.execMMBin(f, i, code[pc-2], R); err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
		case bc.OpUnm:
			rb := R[uint8(i>>bc.PosB)]
			switch rb.p {
			case pInt:
				R[a] = Int(-int64(rb.n))
			case pFloat:
				R[a] = Float(-rb.AsFloat())
			default:
				f.pc = pc
				v, err := th.arithMeta(bc.TMUnm, rb, rb, int(uint8(i>>bc.PosB)), int(uint8(i>>bc.PosB)))
				if err != nil {
					return err
				}
				R, f = th.regs(base), &th.frames[fi]
				R[a] = v
			}
		case bc.OpBNot:
			rb := R[uint8(i>>bc.PosB)]
			if x, ok := toIntStrict(rb); ok {
				R[a] = Int(^x)
			} else {
				f.pc = pc
				v, err := th.arithMeta(bc.TMBNot, rb, rb, int(uint8(i>>bc.PosB)), int(uint8(i>>bc.PosB)))
				if err != nil {
					return err
				}
				R, f = th.regs(base), &th.frames[fi]
				R[a] = v
			}
		case bc.OpNot:
			R[a] = Bool(!R[uint8(i>>bc.PosB)].Truthy())
		case bc.OpLen:
			rb := R[uint8(i>>bc.PosB)]
			if rb.isObject() {
				if rb.tag() == tagString {
					R[a] = Int(int64(rb.strLen()))
					continue
				}
				if t := rb.AsTable(); t != nil && t.meta == nil {
					R[a] = Int(t.Length())
					continue
				}
			}
			f.pc = pc
			v, err := th.length(rb, int(uint8(i>>bc.PosB)))
			if err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
			R[a] = v
		case bc.OpConcat:
			n := int(uint8(i >> bc.PosB))
			f.pc = pc
			th.top = base + int(a) + n
			if err := th.concat(n); err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
			th.top = f.top
		case bc.OpClose:
			f.pc = pc
			if err := th.closeFrom(base+int(a), Nil, false); err != nil {
				return err
			}
			R, f = th.regs(base), &th.frames[fi]
		case bc.OpTBC:
			f.pc = pc
			if err := th.markTBC(base + int(a)); err != nil {
				return err
			}
		case bc.OpJmp:
			d := i.SJ()
			pc += d
			if d < 0 {
				// A backward jump closes a loop: charge its body.
				if ctl.budget -= int64(-d); ctl.budget <= 0 {
					f.pc = pc
					if err := th.checkBudget(); err != nil {
						return err
					}
				}
			}
		case bc.OpEq:
			rb := R[uint8(i>>bc.PosB)]
			ra := R[a]
			var eq bool
			if ra.p == pInt && rb.p == pInt {
				eq = ra.n == rb.n
			} else if RawEqual(ra, rb) {
				eq = true
			} else if ra.Type() == rb.Type() && (ra.IsTable() || ra.AsUserdata() != nil) {
				f.pc = pc
				var err error
				eq, err = th.equalMeta(ra, rb)
				if err != nil {
					return err
				}
				R, f = th.regs(base), &th.frames[fi]
			}
			if eq != i.K() {
				pc++
			} else {
				pc += code[pc].SJ() + 1
			}
		case bc.OpLt, bc.OpLe:
			rb := R[uint8(i>>bc.PosB)]
			ra := R[a]
			var res bool
			if ra.p == pInt && rb.p == pInt {
				if bc.OpCode(i&0x7f) == bc.OpLt {
					res = int64(ra.n) < int64(rb.n)
				} else {
					res = int64(ra.n) <= int64(rb.n)
				}
			} else {
				f.pc = pc
				var err error
				if bc.OpCode(i&0x7f) == bc.OpLt {
					res, err = th.lessThan(ra, rb)
				} else {
					res, err = th.lessEqual(ra, rb)
				}
				if err != nil {
					return err
				}
				R, f = th.regs(base), &th.frames[fi]
			}
			if res != i.K() {
				pc++
			} else {
				pc += code[pc].SJ() + 1
			}
		case bc.OpEqK:
			eq := RawEqual(R[a], k[uint8(i>>bc.PosB)])
			if eq != i.K() {
				pc++
			} else {
				pc += code[pc].SJ() + 1
			}
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
				pc += code[pc].SJ() + 1
			}
		case bc.OpLtI, bc.OpLeI, bc.OpGtI, bc.OpGeI:
			ra := R[a]
			imm := int64(int(uint8(i>>bc.PosB)) - bc.OffsetSC)
			var res bool
			op := bc.OpCode(i & 0x7f)
			if ra.p == pInt {
				x := int64(ra.n)
				switch op {
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
				switch op {
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
				f.pc = pc
				var immV Value
				if uint8(i>>bc.PosC) != 0 {
					immV = Float(float64(imm))
				} else {
					immV = Int(imm)
				}
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
				R, f = th.regs(base), &th.frames[fi]
			}
			if res != i.K() {
				pc++
			} else {
				pc += code[pc].SJ() + 1
			}
		case bc.OpTest:
			if R[a].Truthy() != i.K() {
				pc++
			} else {
				pc += code[pc].SJ() + 1
			}
		case bc.OpTestSet:
			rb := R[uint8(i>>bc.PosB)]
			if rb.Truthy() != i.K() {
				pc++
			} else {
				R[a] = rb
				pc += code[pc].SJ() + 1
			}
		case bc.OpCall:
			b := int(uint8(i >> bc.PosB))
			wanted := int(uint8(i>>bc.PosC)) - 1
			fn := base + int(a)
			if b != 0 {
				th.top = fn + b
			}
			f.pc = pc
			if fv := R[a]; fv.isObject() && fv.tag() == tagLuaFunction {
				// Lua-to-Lua call: push a frame and continue in this loop.
				if _, err := th.pushLuaFrame((*luaClosure)(fv.p), fn, wanted); err != nil {
					return err
				}
				fi = len(th.frames) - 1
				goto newFrame
			}
			nf, err := th.prepareCall(fn, wanted)
			if err != nil {
				return err
			}
			if nf != nil {
				fi = len(th.frames) - 1
				goto newFrame
			}
			// A Go function ran to completion.
			R, f = th.regs(base), &th.frames[fi]
			if wanted >= 0 {
				th.top = f.top
			}
		case bc.OpTailCall:
			b := int(uint8(i >> bc.PosB))
			fn := base + int(a)
			if b != 0 {
				th.top = fn + b
			}
			f.pc = pc
			if i.K() {
				if err := th.closeFrom(base, Nil, false); err != nil {
					return err
				}
				f = &th.frames[fi]
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
				if th.state.hookMask&hookCall != 0 {
					if err := th.callHook(nf, true); err != nil {
						return err
					}
				}
				goto newFrame
			}
			// A Go function: call it, then return its results.
			if err := th.callGo(th.stack[fn].asGoFunction(), fn, -1); err != nil {
				return err
			}
			n := th.top - fn
			if th.postReturn(fi, fn, n) {
				return nil
			}
			fi = len(th.frames) - 1
			goto returned
		case bc.OpReturn:
			b := int(uint8(i >> bc.PosB))
			ra := base + int(a)
			n := b - 1
			if n < 0 {
				n = th.top - ra
			}
			f.pc = pc
			if i.K() {
				th.top = ra + n
				if err := th.closeFrom(base, Nil, false); err != nil {
					return err
				}
				f = &th.frames[fi]
			}
			if th.state.hookMask&hookReturn != 0 {
				if err := th.returnHook(f); err != nil {
					return err
				}
			}
			if th.postReturn(fi, ra, n) {
				return nil
			}
			fi = len(th.frames) - 1
			goto returned
		case bc.OpReturn0:
			if th.state.hookMask&hookReturn != 0 {
				f.pc = pc
				if err := th.returnHook(f); err != nil {
					return err
				}
			}
			if th.postReturn(fi, base, 0) {
				return nil
			}
			fi = len(th.frames) - 1
			goto returned
		case bc.OpReturn1:
			if th.state.hookMask&hookReturn != 0 {
				f.pc = pc
				if err := th.returnHook(f); err != nil {
					return err
				}
			}
			if th.postReturn(fi, base+int(a), 1) {
				return nil
			}
			fi = len(th.frames) - 1
			goto returned
		case bc.OpForLoop:
			if R[a+2].p == pInt {
				count := R[a+1].n // remaining iterations, unsigned
				if count > 0 {
					step := int64(R[a+2].n)
					R[a+1] = Value{p: pInt, n: count - 1}
					idx := int64(R[a].n) + step
					R[a] = Int(idx)
					R[a+3] = Int(idx)
					pc -= i.Bx()
					if ctl.budget -= int64(i.Bx()); ctl.budget <= 0 {
						f.pc = pc
						if err := th.checkBudget(); err != nil {
							return err
						}
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
						if err := th.checkBudget(); err != nil {
							return err
						}
					}
				}
			}
		case bc.OpForPrep:
			f.pc = pc
			skip, err := th.forPrep(R, a)
			if err != nil {
				return err
			}
			if skip {
				pc += i.Bx() + 1
			}
		case bc.OpTForPrep:
			f.pc = pc
			if err := th.markTBC(base + int(a) + 3); err != nil {
				return err
			}
			pc += i.Bx()
		case bc.OpTForCall:
			ra := base + int(a)
			// Copy the iterator, state and control above the loop's
			// variables and call it.
			R[a+4] = R[a]
			R[a+5] = R[a+1]
			R[a+6] = R[a+2]
			th.top = ra + 4 + 3
			f.pc = pc
			c := int(uint8(i >> bc.PosC))
			nf, err := th.prepareCall(ra+4, c)
			if err != nil {
				return err
			}
			if nf != nil {
				fi = len(th.frames) - 1
				goto newFrame
			}
			th.top = f.top
			R, f = th.regs(base), &th.frames[fi]
			// Falls into TFORLOOP, the next instruction.
		case bc.OpTForLoop:
			if !R[a+4].IsNil() {
				R[a+2] = R[a+4]
				pc -= i.Bx()
				if ctl.budget -= int64(i.Bx()); ctl.budget <= 0 {
					f.pc = pc
					if err := th.checkBudget(); err != nil {
						return err
					}
				}
			}
		case bc.OpSetList:
			n := int(uint8(i >> bc.PosB))
			last := int(uint8(i >> bc.PosC))
			if i.K() {
				last += code[pc].Ax() * (bc.MaxArgC + 1)
				pc++
			}
			if n == 0 {
				n = th.top - (base + int(a)) - 1
			}
			t := R[a].AsTable()
			for j := 1; j <= n; j++ {
				t.SetInt(int64(last+j), th.stack[base+int(a)+j])
			}
			th.top = f.top
		case bc.OpClosure:
			sub := p.protos[i.Bx()]
			ncl := &luaClosure{proto: sub, upvals: make([]*upvalue, len(sub.Upvalues))}
			for j, uv := range sub.Upvalues {
				if uv.InStack {
					ncl.upvals[j] = th.findUpval(base + uv.Index)
				} else {
					ncl.upvals[j] = cl.upvals[uv.Index]
				}
			}
			ctl.allocated += closureBaseSize + int64(len(ncl.upvals))*8
			R[a] = ncl.value()
		case bc.OpVararg:
			n := int(uint8(i>>bc.PosC)) - 1
			nextra := f.nextra
			ra := base + int(a)
			if n < 0 {
				n = nextra
				if err := th.ensureStackAt(ra + n + regWindow); err != nil {
					return err
				}
				R, f = th.regs(base), &th.frames[fi]
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
			if th.state.hookMask&hookCall != 0 {
				f.pc = pc
				if err := th.callHook(f, false); err != nil {
					return err
				}
			}
		case bc.OpExtraArg:
			// Consumed by the instruction before it.
		default:
			f.pc = pc
			return th.runtimeError("invalid instruction %d", int(i&0x7f))
		}
		continue

	returned:
		// Back in the caller after a Lua function returned to it.
		f = &th.frames[fi]
		cl = f.cl
		p = cl.proto
		code = p.code
		k = p.k
		base = f.base
		pc = f.pc
		R = th.regs(base)
		if prev := code[pc-1]; prev.Op() != bc.OpCall || prev.C() != 0 {
			th.top = f.top
		}
	}
}

// postReturn finishes the return of frame fi whose n results start at
// stack index src. It reports whether the frame was the fresh frame of the
// running execute (which then returns).
func (th *Thread) postReturn(fi, src, n int) bool {
	f := &th.frames[fi]
	fresh := f.fresh
	th.moveResults(f.ret, src, n, f.nresults)
	th.frames = th.frames[:fi]
	return fresh
}

// forPrep prepares a numeric for loop over R[a..a+2] (§3.3.5): it reports
// whether the loop runs zero times. An integer loop precomputes its
// iteration count in R[a+1], so it can never overflow.
func (th *Thread) forPrep(R *[regWindow]Value, a uint8) (bool, error) {
	init, limit, step := R[a], R[a+1], R[a+2]
	if init.p == pInt && step.p == pInt {
		st := int64(step.n)
		if st == 0 {
			return false, th.runtimeError("'for' step is zero")
		}
		i := int64(init.n)
		lim, skip, err := th.forLimit(limit, i, st)
		if err != nil {
			return false, err
		}
		if skip {
			return true, nil
		}
		var count uint64
		if st > 0 {
			count = uint64(lim) - uint64(i)
			if st != 1 {
				count /= uint64(st)
			}
		} else {
			count = uint64(i) - uint64(lim)
			count /= uint64(-(st + 1)) + 1
		}
		R[a] = init
		R[a+1] = Value{p: pInt, n: count}
		R[a+2] = step
		R[a+3] = init
		return false, nil
	}
	// Float loop (numeric strings are accepted, as the reference does).
	fl, ok := limit.ToFloat()
	if !ok {
		return false, th.forError("limit", limit)
	}
	fs, ok := step.ToFloat()
	if !ok {
		return false, th.forError("step", step)
	}
	fi, ok := init.ToFloat()
	if !ok {
		return false, th.forError("initial value", init)
	}
	if fs == 0 {
		return false, th.runtimeError("'for' step is zero")
	}
	if (fs > 0 && fl < fi) || (fs < 0 && fi < fl) {
		return true, nil
	}
	R[a] = Float(fi)
	R[a+1] = Float(fl)
	R[a+2] = Float(fs)
	R[a+3] = Float(fi)
	return false, nil
}

// forLimit converts a loop limit to an integer for an integer loop,
// clipping float limits; skip reports a loop that must not run.
func (th *Thread) forLimit(limit Value, init, step int64) (int64, bool, error) {
	var lim int64
	if limit.IsString() {
		if v, ok := limit.ToNumber(); ok {
			limit = v
		}
	}
	switch limit.p {
	case pInt:
		lim = int64(limit.n)
	case pFloat:
		fl := limit.AsFloat()
		if step < 0 {
			fl = math.Ceil(fl)
		} else {
			fl = math.Floor(fl)
		}
		if v, ok := FloatToInteger(fl); ok {
			lim = v
		} else if fl > 0 {
			if step < 0 {
				return 0, true, nil
			}
			lim = math.MaxInt64
		} else {
			// Very negative, or NaN.
			if step > 0 {
				return 0, true, nil
			}
			lim = math.MinInt64
		}
	default:
		return 0, false, th.forError("limit", limit)
	}
	if step > 0 {
		return lim, init > lim, nil
	}
	return lim, init < lim, nil
}

func (th *Thread) forError(what string, v Value) error {
	return th.runtimeError("bad 'for' %s (number expected, got %s)", what, th.typeNameMeta(v))
}

// ToFloatStrict converts a number (not a string) to a float.
func (v Value) ToFloatStrict() (float64, bool) {
	switch v.p {
	case pFloat:
		return v.AsFloat(), true
	case pInt:
		return float64(int64(v.n)), true
	}
	return 0, false
}
