package compile

import (
	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// This file resolves gotos, function bodies and expressions, and
// evaluates the initialisers of <const> locals.

// function resolves a function body.
func (r *resolver) function(f *syntax.FunctionExpr) {
	r.enter(f.P.Line)
	defer r.leave()
	// The reference checks for gotos left without a label when it reads
	// the token after the function's 'end'.
	after := follow{line: f.EndP.Line, near: "'end'"}
	if r.tail == f {
		after = r.tailFollow
	}
	info := &funcInfo{}
	r.res.funcs[f] = info
	fs := &rfunc{prev: r.fs, info: info, line: f.P.Line, vararg: f.IsVararg, byName: make(map[string]*rlabel)}
	r.fs = fs
	body := f.Body
	r.enterBlock(nil, func(u bool) { r.res.blocks[body] = u })
	fs.bl.node = body
	vars := make([]*variable, len(f.Params))
	for i, p := range f.Params {
		near := "')'"
		if i+1 < len(f.Params) || f.IsVararg {
			near = "','"
		}
		vars[i] = r.newLocal(f, p, bytecode.VarRegular, f.P.Line, near)
	}
	r.res.decls[f] = vars
	fs.activate(len(vars))
	r.statList(body, follow{line: f.EndP.Line, near: "'end'"}, false)
	r.leaveBlock(after.line)
	r.fs = fs.prev
}

// expr resolves the names of an expression, in source order. Chains of
// binary operators, indexing and calls, which the grammar builds with a
// loop and may be arbitrarily long, are walked with a loop.
func (r *resolver) expr(e syntax.Expr) { r.exprNext(e, "") }

// exprList resolves a list of expressions.
func (r *resolver) exprList(list []syntax.Expr) {
	for i, e := range list {
		next := ""
		if i+1 < len(list) {
			next = "','"
		}
		r.exprNext(e, next)
	}
}

// exprNext resolves an expression followed by the token next (as printed
// in messages, "" if unknown).
func (r *resolver) exprNext(e syntax.Expr, next string) {
	r.enter(e.Pos().Line)
	defer r.leave()
	base := len(r.spine)
	e = pushSpine(&r.spine, e)
	top := len(r.spine)
	next0 := next
	if top > base {
		next = tokenAfter(r.spine[top-1])
	}
	switch x := e.(type) {
	case *syntax.NameExpr:
		r.nextTok = next
		r.name(x)
		r.nextTok = ""
	case *syntax.VarargExpr:
		if !r.fs.vararg {
			r.errorf(anchor{node: x}, x.P.Line, "cannot use '...' outside a vararg function near '...'")
		}
	case *syntax.FunctionExpr:
		r.function(x)
	case *syntax.UnaryExpr:
		r.expr(x.X)
	case *syntax.ParenExpr:
		r.expr(x.X)
	case *syntax.TableExpr:
		for i, f := range x.Fields {
			if f.Key != nil {
				r.exprNext(f.Key, "']'")
			}
			next := "'}'"
			if i+1 < len(x.Fields) {
				next = "','"
			}
			r.exprNext(f.Value, next)
		}
	}
	for i := top - 1; i >= base; i-- {
		switch x := r.spine[i].(type) {
		case *syntax.BinaryExpr:
			after := next0
			if i > base {
				after = tokenAfter(r.spine[i-1])
			}
			r.exprNext(x.R, after)
		case *syntax.IndexExpr:
			r.exprNext(x.Key, "']'")
		case *syntax.CallExpr:
			r.exprList(x.Args)
		case *syntax.MethodCallExpr:
			r.exprList(x.Args)
		}
	}
	r.spine = r.spine[:base]
}

// tokenAfter returns the token that follows the first operand of a chain
// node: its operator, '.', '[', '(' or ':'.
func tokenAfter(e syntax.Expr) string {
	switch x := e.(type) {
	case *syntax.BinaryExpr:
		return quoteToken(x.Op.String())
	case *syntax.IndexExpr:
		if s, ok := x.Key.(*syntax.StringExpr); ok && isName(s.Value) {
			return "'.'"
		}
		return "'['"
	case *syntax.CallExpr:
		if len(x.Args) == 1 {
			switch x.Args[0].(type) {
			case *syntax.StringExpr, *syntax.TableExpr:
				return ""
			}
		}
		return "'('"
	case *syntax.MethodCallExpr:
		return "':'"
	}
	return ""
}

// constValue tells whether an expression, already resolved, makes a
// <const> local initialised with it a compile-time constant, and its
// value. The reference decides that after compiling the expression: the
// local is a constant when the expression's descriptor comes out as a
// constant with no pending jumps, even if code was emitted on the way
// (in 'f() and nil or 1', the call is compiled, its jump is patched away
// by 'or', and the local is the constant 1). constValue follows the same
// rules on an abstract descriptor.
func (r *resolver) constValue(e syntax.Expr) (any, bool) {
	a := r.absEval(e)
	return a.v, a.isConst && !a.t && !a.f
}

// absExp is an abstract expression descriptor: whether the expression is
// a constant and which, and whether it has pending true and false exits
// (tracked for constants only: the exits of an expression that is not a
// constant never matter, since 'and' and 'or' add a jump for it anyway).
type absExp struct {
	v       any
	isConst bool
	t, f    bool
}

var notConst = absExp{}

// absEval evaluates an expression on abstract descriptors; binary chains
// are walked with a loop.
func (r *resolver) absEval(e syntax.Expr) absExp {
	r.enter(e.Pos().Line)
	defer r.leave()
	var spine []*syntax.BinaryExpr
	for {
		b, ok := e.(*syntax.BinaryExpr)
		if !ok {
			break
		}
		spine = append(spine, b)
		e = b.L
	}
	a := r.absLeaf(e)
	for i := len(spine) - 1; i >= 0; i-- {
		b := spine[i]
		switch b.Op {
		case syntax.OpAnd:
			// Going on when a is true: unless a is a true constant, a
			// jump joins a's false exits, which stay pending; a's true
			// exits are patched here. The result is b with those exits.
			f := !a.isConst || a.f || !isTruthy(a.v)
			if a = r.absEval(b.R); a.isConst {
				a.f = a.f || f
			}
		case syntax.OpOr:
			t := !a.isConst || a.t || isTruthy(a.v)
			if a = r.absEval(b.R); a.isConst {
				a.t = a.t || t
			}
		default:
			a = r.absBinary(b, a)
		}
	}
	return a
}

// absBinary is absEval for an operator other than 'and' and 'or', whose
// first operand gave a.
func (r *resolver) absBinary(b *syntax.BinaryExpr, a absExp) absExp {
	op, arith := binaryArith(b.Op)
	if !arith || !a.isConst || a.t || a.f || !isNumber(a.v) {
		return notConst
	}
	w := r.absEval(b.R)
	if !w.isConst || w.t || w.f {
		return notConst
	}
	if v, ok := fold(op, a.v, w.v); ok {
		return absExp{v: v, isConst: true}
	}
	return notConst
}

// absLeaf is absEval for an expression that is not a binary one.
func (r *resolver) absLeaf(e syntax.Expr) absExp {
	k := func(v any) absExp { return absExp{v: v, isConst: true} }
	switch x := e.(type) {
	case *syntax.NilExpr:
		return k(nil)
	case *syntax.TrueExpr:
		return k(true)
	case *syntax.FalseExpr:
		return k(false)
	case *syntax.IntExpr:
		return k(x.Value)
	case *syntax.FloatExpr:
		return k(x.Value)
	case *syntax.StringExpr:
		return k(x.Value)
	case *syntax.NameExpr:
		if rf, ok := r.res.refs[x]; ok && rf.kind == refConst {
			return k(rf.v.value)
		}
	case *syntax.ParenExpr:
		return r.absEval(x.X)
	case *syntax.UnaryExpr:
		a := r.absEval(x.X)
		if !a.isConst {
			return notConst
		}
		switch x.Op {
		case syntax.OpNot:
			// 'not' swaps the exits.
			return absExp{v: !isTruthy(a.v), isConst: true, t: a.f, f: a.t}
		case syntax.OpNeg, syntax.OpBNot:
			if a.t || a.f {
				return notConst
			}
			op := arUnm
			if x.Op == syntax.OpBNot {
				op = arBNot
			}
			if v, ok := fold(op, a.v, int64(0)); ok {
				return k(v)
			}
		}
	}
	return notConst
}
