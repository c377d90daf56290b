package compile

import (
	"math"

	"github.com/lunar-lua/lunar/bytecode"
)

// This file holds the constant table of the function being compiled and
// the instructions that load constants.

// constKey identifies a constant: kinds differ for 1 and 1.0, and the
// bits of a float tell 0.0 from -0.0.
type constKey struct {
	kind byte // 'n' nil, 'b' boolean, 'i' integer, 'f' float, 's' string
	bits uint64
	s    string
}

// addK returns the index of a constant, adding it when new.
func (fs *funcState) addK(key constKey, v any) int {
	if fs.g.scannerK != nil {
		return fs.addKShared(key, v)
	}
	if i, ok := fs.kcache[key]; ok {
		return i
	}
	i := len(fs.f.Constants)
	fs.f.Constants = append(fs.f.Constants, v)
	fs.kcache[key] = i
	return i
}

// addKShared is addK in the luac544 mode: the cache maps a key to
// the index it got last, in whichever function, and is believed only when
// that index holds the same constant in the current function. As in a
// Lua table, a float key with an integral value is the integer key.
func (fs *funcState) addKShared(key constKey, v any) int {
	if key.kind == 'f' {
		// A float with an integral value gets a key that is not
		// integral (unless too large), to stay apart from the integer.
		r := math.Float64frombits(key.bits)
		if i, ok := floatToInt(r); ok {
			k := 0x1p-52
			if i != 0 {
				k = r + r*0x1p-52
			}
			key.bits = math.Float64bits(k)
			if i, ok := floatToInt(k); ok {
				key = constKey{kind: 'i', bits: uint64(i)}
			}
		}
	}
	if i, ok := fs.g.scannerK[key]; ok && i < len(fs.f.Constants) && sameConstant(fs.f.Constants[i], v) {
		return i
	}
	i := len(fs.f.Constants)
	fs.f.Constants = append(fs.f.Constants, v)
	fs.g.scannerK[key] = i
	return i
}

// sameConstant reports whether two constants have the same type and are
// equal (0.0 equals -0.0 here, as in the reference).
func sameConstant(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	}
	return a == b
}

func (fs *funcState) stringK(s string) int { return fs.addK(constKey{kind: 's', s: s}, s) }

func (fs *funcState) intK(i int64) int { return fs.addK(constKey{kind: 'i', bits: uint64(i)}, i) }

func (fs *funcState) numberK(f float64) int {
	return fs.addK(constKey{kind: 'f', bits: math.Float64bits(f)}, f)
}

func (fs *funcState) boolK(b bool) int {
	var bits uint64
	if b {
		bits = 1
	}
	return fs.addK(constKey{kind: 'b', bits: bits}, b)
}

func (fs *funcState) nilK() int { return fs.addK(constKey{kind: 'n'}, nil) }

// isShortString reports whether constant k is a string short enough to be
// a field name in GETFIELD and friends (the reference's short strings).
func (fs *funcState) isShortString(k int) bool {
	s, ok := fs.f.Constants[k].(string)
	return ok && len(s) <= maxShortLen
}

// maxShortLen is the reference's LUAI_MAXSHORTLEN.
const maxShortLen = 40

// ---------------------------------------------------------------------------
// Loading constants

// codeK loads constant k into reg.
func (fs *funcState) codeK(reg, k int) int {
	if k <= bytecode.MaxArgBx {
		return fs.codeABx(bytecode.OpLoadK, reg, k)
	}
	p := fs.codeABx(bytecode.OpLoadKX, reg, 0)
	fs.codeExtraArg(k)
	return p
}

// fitsBx reports whether i fits a signed Bx operand.
func fitsBx(i int64) bool {
	return -bytecode.OffsetSBx <= i && i <= bytecode.MaxArgBx-bytecode.OffsetSBx
}

// fitsC reports whether i fits a signed C (or B) operand.
func fitsC(i int64) bool {
	return uint64(i)+bytecode.OffsetSC <= bytecode.MaxArgC
}

// loadInt loads an integer into reg.
func (fs *funcState) loadInt(reg int, i int64) {
	if fitsBx(i) {
		fs.codeAsBx(bytecode.OpLoadI, reg, int(i))
	} else {
		fs.codeK(reg, fs.intK(i))
	}
}

// loadFloat loads a float into reg.
func (fs *funcState) loadFloat(reg int, f float64) {
	if i, ok := floatToInt(f); ok && fitsBx(i) {
		fs.codeAsBx(bytecode.OpLoadF, reg, int(i))
	} else {
		fs.codeK(reg, fs.numberK(f))
	}
}

// loadNil sets n registers from 'from' to nil, merging with a LOADNIL
// just before when possible.
func (fs *funcState) loadNil(from, n int) {
	l := from + n - 1
	if p := fs.previous(); p >= 0 {
		prev := fs.f.Code[p]
		if prev.Op() == bytecode.OpLoadNil {
			pfrom := prev.A()
			pl := pfrom + prev.B()
			if (pfrom <= from && from <= pl+1) || (from <= pfrom && pfrom <= l+1) {
				from = min(from, pfrom)
				l = max(l, pl)
				fs.f.Code[p] = prev.SetA(from).SetB(l - from)
				return
			}
		}
	}
	fs.codeABC(bytecode.OpLoadNil, from, n-1, 0)
}

// ret emits a return of nret values from register first.
func (fs *funcState) ret(first, nret int) {
	op := bytecode.OpReturn
	switch nret {
	case 0:
		op = bytecode.OpReturn0
	case 1:
		op = bytecode.OpReturn1
	}
	fs.codeABC(op, first, nret+1, 0)
}

// setVararg marks the function variadic.
func (fs *funcState) setVararg(nparams int) {
	fs.f.IsVararg = true
	fs.codeABC(bytecode.OpVarargPrep, nparams, 0, 0)
}
