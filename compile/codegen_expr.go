package compile

import (
	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// This file compiles expressions of the tree: names, literals, operator
// chains, indexing, calls, table constructors and function bodies.

// expr compiles an expression into v (leaving its code pending where
// possible). Chains of binary operators, indexing and calls are walked
// with a loop, in the order the reference's parser reads them.
func (fs *funcState) expr(e syntax.Expr, v *expDesc) {
	g := fs.g
	g.enter()
	defer g.leave()
	// The chain's nodes go on a stack shared by all calls: each call
	// pops what it pushed.
	base := len(g.spine)
	e = pushSpine(&g.spine, e)
	top := len(g.spine)
	fs.simpleExpr(e, v)
	for i := top - 1; i >= base; i-- {
		switch x := g.spine[i].(type) {
		case *syntax.BinaryExpr:
			g.advance(x.P)
			fs.infix(x.Op, v)
			var v2 expDesc
			fs.expr(x.R, &v2)
			fs.posfix(x.Op, v, &v2, x.P.Line)
		case *syntax.IndexExpr:
			fs.exp2AnyRegUp(v)
			g.advance(x.P)
			var k expDesc
			fs.expr(x.Key, &k)
			fs.exp2Val(&k)
			fs.indexed(v, &k)
		case *syntax.CallExpr:
			fs.exp2NextReg(v)
			fs.funcArgs(v, x.Args, x.P.Line)
		case *syntax.MethodCallExpr:
			g.advance(x.NameP)
			var key expDesc
			key.init(eKStr, 0)
			key.sval = x.Name
			fs.self(v, &key)
			fs.funcArgs(v, x.Args, x.P.Line)
		}
	}
	g.spine = g.spine[:base]
}

// pushSpine pushes the chain of binary operators, indexing and calls that
// starts e (its outermost node first) and returns the expression at the
// bottom of the chain.
func pushSpine(stack *[]syntax.Expr, e syntax.Expr) syntax.Expr {
	for {
		switch x := e.(type) {
		case *syntax.BinaryExpr:
			*stack = append(*stack, x)
			e = x.L
		case *syntax.IndexExpr:
			*stack = append(*stack, x)
			e = x.Obj
		case *syntax.CallExpr:
			*stack = append(*stack, x)
			e = x.Fn
		case *syntax.MethodCallExpr:
			*stack = append(*stack, x)
			e = x.Obj
		default:
			return e
		}
	}
}

// simpleExpr compiles an expression that is not a chain.
func (fs *funcState) simpleExpr(e syntax.Expr, v *expDesc) {
	g := fs.g
	switch x := e.(type) {
	case *syntax.NilExpr:
		g.advance(x.P)
		v.init(eNil, 0)
	case *syntax.TrueExpr:
		g.advance(x.P)
		v.init(eTrue, 0)
	case *syntax.FalseExpr:
		g.advance(x.P)
		v.init(eFalse, 0)
	case *syntax.IntExpr:
		g.advance(x.P)
		v.init(eKInt, 0)
		v.ival = x.Value
	case *syntax.FloatExpr:
		g.advance(x.P)
		v.init(eKFlt, 0)
		v.nval = x.Value
	case *syntax.StringExpr:
		g.advance(x.P)
		v.init(eKStr, 0)
		v.sval = x.Value
	case *syntax.VarargExpr:
		g.check(x, false)
		// Emitted before the parser consumes '...'.
		v.init(eVararg, fs.codeABC(bytecode.OpVararg, 0, 0, 1))
		g.advance(x.P)
	case *syntax.TableExpr:
		fs.constructor(x, v)
	case *syntax.FunctionExpr:
		fs.body(x, v, x.P.Line)
	case *syntax.NameExpr:
		g.advance(x.P)
		g.check(x, false)
		fs.singleVar(x, v)
	case *syntax.ParenExpr:
		g.advance(x.P)
		fs.expr(x.X, v)
		fs.dischargeVars(v)
	case *syntax.UnaryExpr:
		g.advance(x.P)
		fs.expr(x.X, v)
		fs.prefix(x.Op, v, x.P.Line)
	default:
		v.init(eNil, 0)
	}
}

// singleVar compiles a name as the resolver found it.
func (fs *funcState) singleVar(n *syntax.NameExpr, v *expDesc) {
	r := fs.g.res.refs[n]
	if r.kind != refGlobal {
		fs.refExpr(r, v)
		return
	}
	fs.refExpr(r.envRef(), v)
	fs.exp2AnyRegUp(v)
	var key expDesc
	key.init(eKStr, 0)
	key.sval = n.Name
	fs.indexed(v, &key)
}

// refExpr makes v the variable a (non-global) ref names.
func (fs *funcState) refExpr(r ref, v *expDesc) {
	switch r.kind {
	case refLocal:
		v.init(eLocal, 0)
		v.v = r.v
		v.reg = r.v.reg
	case refUpval:
		v.init(eUpval, int(r.up))
	case refConst:
		v.init(eConst, 0)
		v.v = r.v
	}
}

// exprList compiles a list of expressions into consecutive registers,
// all but the last, which is left in v. It returns the list's length.
func (fs *funcState) exprList(list []syntax.Expr, v *expDesc) int {
	fs.expr(list[0], v)
	for _, e := range list[1:] {
		fs.g.setNear(firstToken(e), exprStart(e))
		fs.exp2NextReg(v)
		fs.g.near = ""
		fs.expr(e, v)
	}
	return len(list)
}

// funcArgs compiles the arguments of a call to f (in a register) and the
// call; line is where the called expression starts.
func (fs *funcState) funcArgs(f *expDesc, args []syntax.Expr, line int32) {
	var a expDesc
	if len(args) == 0 {
		a.init(eVoid, 0)
	} else {
		fs.exprList(args, &a)
		if a.hasMultRet() {
			fs.setMultRet(&a)
		}
	}
	base := f.info
	var nparams int
	if a.hasMultRet() {
		nparams = multRet
	} else {
		if a.k != eVoid {
			fs.exp2NextReg(&a)
		}
		nparams = fs.freeReg - (base + 1)
	}
	f.init(eCall, fs.codeABC(bytecode.OpCall, base, nparams+1, 2))
	fs.fixLine(line)
	fs.freeReg = base + 1 // the call leaves one result, unless changed
}

// consControl is the state of a table constructor being compiled.
type consControl struct {
	v       expDesc // last list item read
	table   int     // the table's register
	nh      int     // record fields
	na      int     // list items already stored
	tostore int     // list items waiting for a SETLIST
}

// constructor compiles a table constructor.
func (fs *funcState) constructor(x *syntax.TableExpr, t *expDesc) {
	g := fs.g
	// NEWTABLE is emitted before the parser consumes '{'; its operands
	// are set at the end, when the sizes are known.
	pc := fs.codeABC(bytecode.OpNewTable, 0, 0, 0)
	fs.codeExtraArg(0)
	g.advance(x.P)
	t.init(eNonReloc, fs.freeReg)
	cc := consControl{table: t.info}
	fs.reserveRegs(1)
	cc.v.init(eVoid, 0)
	for _, f := range x.Fields {
		if f.Key != nil {
			g.setNear(fieldToken(f), exprStart(f.Key))
		} else {
			g.setNear(fieldToken(f), exprStart(f.Value))
		}
		fs.closeListField(&cc)
		g.near = ""
		if f.Key != nil {
			fs.recField(&cc, f)
		} else {
			fs.expr(f.Value, &cc.v)
			cc.tostore++
		}
	}
	g.advance(x.EndP)
	fs.lastListField(&cc)
	fs.setTableSize(pc, t.info, cc.na, cc.nh)
}

// recField compiles a field 'k = v' of a constructor.
func (fs *funcState) recField(cc *consControl, f syntax.TableField) {
	reg := fs.freeReg
	var key, val expDesc
	fs.expr(f.Key, &key)
	fs.exp2Val(&key)
	cc.nh++
	var tab expDesc
	tab.init(eNonReloc, cc.table)
	fs.indexed(&tab, &key)
	fs.expr(f.Value, &val)
	fs.storeVar(&tab, &val)
	fs.freeReg = reg
}

// closeListField puts the pending list item in its register, storing a
// batch when it is full.
func (fs *funcState) closeListField(cc *consControl) {
	if cc.v.k == eVoid {
		return
	}
	fs.exp2NextReg(&cc.v)
	cc.v.k = eVoid
	if cc.tostore == bytecode.FieldsPerFlush {
		fs.setList(cc.table, cc.na, cc.tostore)
		cc.na += cc.tostore
		cc.tostore = 0
	}
}

// lastListField stores the last batch of list items; a call or vararg
// at the end gives all its values.
func (fs *funcState) lastListField(cc *consControl) {
	if cc.tostore == 0 {
		return
	}
	if cc.v.hasMultRet() {
		fs.setMultRet(&cc.v)
		fs.setList(cc.table, cc.na, multRet)
		cc.na-- // the last item is not counted
	} else {
		if cc.v.k != eVoid {
			fs.exp2NextReg(&cc.v)
		}
		fs.setList(cc.table, cc.na, cc.tostore)
	}
	cc.na += cc.tostore
}

// setList emits a SETLIST storing tostore items (multRet: up to the top)
// after the nelems already stored, into the table in register base.
func (fs *funcState) setList(base, nelems, tostore int) {
	if tostore == multRet {
		tostore = 0
	}
	if nelems <= bytecode.MaxArgC {
		fs.codeABC(bytecode.OpSetList, base, tostore, nelems)
	} else {
		extra := nelems / (bytecode.MaxArgC + 1)
		nelems %= bytecode.MaxArgC + 1
		fs.codeABCk(bytecode.OpSetList, base, tostore, nelems, true)
		fs.codeExtraArg(extra)
	}
	fs.freeReg = base + 1 // free the registers of the items
}

// setTableSize sets the operands of a NEWTABLE and its EXTRAARG.
func (fs *funcState) setTableSize(pc, ra, asize, hsize int) {
	rb := 0
	if hsize != 0 {
		rb = ceilLog2(hsize) + 1
	}
	extra := asize / (bytecode.MaxArgC + 1)
	rc := asize % (bytecode.MaxArgC + 1)
	if extra > bytecode.MaxArgAx {
		fs.g.errorf("table constructor too long")
	}
	fs.f.Code[pc] = bytecode.ABC(bytecode.OpNewTable, ra, rb, rc, extra > 0)
	fs.f.Code[pc+1] = bytecode.Ax(bytecode.OpExtraArg, extra)
}

// ceilLog2 returns ceil(log2(x)) for x >= 1.
func ceilLog2(x int) int {
	l := 0
	for v := 1; v < x; v <<= 1 {
		l++
	}
	return l
}

// body compiles a function constructor into a closure in the next free
// register; line is the line where the function is defined.
func (fs *funcState) body(f *syntax.FunctionExpr, e *expDesc, line int32) {
	g := fs.g
	g.enter()
	defer g.leave()
	g.advance(f.P)
	g.check(f, false)
	if len(fs.f.Protos) > bytecode.MaxArgBx {
		g.errorf("too many functions (limit is %d)", bytecode.MaxArgBx+1)
	}
	child := g.openFunc(fs, g.res.funcs[f])
	fs.f.Protos = append(fs.f.Protos, child.f)
	child.f.LineDefined = int(line)
	var bl blockState
	child.enterBlock(&bl, nil, g.res.blocks[f.Body])
	params := g.res.decls[f]
	child.activate(params)
	child.f.NumParams = len(params)
	if f.IsVararg {
		child.setVararg(len(params))
	}
	child.reserveRegs(len(params))
	child.statList(f.Body.Stats)
	child.f.LastLineDefined = int(f.EndP.Line)
	g.advance(f.EndP)
	e.init(eReloc, fs.codeABx(bytecode.OpClosure, 0, len(fs.f.Protos)-1))
	fs.exp2NextReg(e)
	child.closeFunc(f.Body)
}
