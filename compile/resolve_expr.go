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
	var spine []syntax.Expr
descend:
	for {
		switch x := e.(type) {
		case *syntax.BinaryExpr:
			spine = append(spine, x)
			e = x.L
		case *syntax.IndexExpr:
			spine = append(spine, x)
			e = x.Obj
		case *syntax.CallExpr:
			spine = append(spine, x)
			e = x.Fn
		case *syntax.MethodCallExpr:
			spine = append(spine, x)
			e = x.Obj
		default:
			break descend
		}
	}
	next0 := next
	if len(spine) > 0 {
		next = tokenAfter(spine[len(spine)-1])
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
	for i := len(spine) - 1; i >= 0; i-- {
		switch x := spine[i].(type) {
		case *syntax.BinaryExpr:
			after := next0
			if i > 0 {
				after = tokenAfter(spine[i-1])
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

// constValue evaluates an expression already resolved, the way the
// reference's code generator would: ok is set when the expression comes
// out as a constant without any code (a literal, a compile-time constant,
// or a folded operation on those), which makes a <const> local
// initialised with it a compile-time constant.
func (r *resolver) constValue(e syntax.Expr) (any, bool) {
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
	v, ok := r.constLeaf(e)
	for i := len(spine) - 1; i >= 0 && ok; i-- {
		b := spine[i]
		switch b.Op {
		case syntax.OpAnd:
			// 'k and e' is e when k is a true constant; a false one
			// makes a jump.
			if !isTruthy(v) {
				return nil, false
			}
			v, ok = r.constValue(b.R)
		case syntax.OpOr:
			if isTruthy(v) {
				return nil, false
			}
			v, ok = r.constValue(b.R)
		default:
			op, arith := binaryArith(b.Op)
			if !arith || !isNumber(v) {
				return nil, false
			}
			var w any
			if w, ok = r.constValue(b.R); ok {
				v, ok = fold(op, v, w)
			}
		}
	}
	return v, ok
}

// constLeaf is constValue for an expression that is not a binary one.
func (r *resolver) constLeaf(e syntax.Expr) (any, bool) {
	switch x := e.(type) {
	case *syntax.NilExpr:
		return nil, true
	case *syntax.TrueExpr:
		return true, true
	case *syntax.FalseExpr:
		return false, true
	case *syntax.IntExpr:
		return x.Value, true
	case *syntax.FloatExpr:
		return x.Value, true
	case *syntax.StringExpr:
		return x.Value, true
	case *syntax.NameExpr:
		if rf, ok := r.res.refs[x]; ok && rf.kind == refConst {
			return rf.v.value, true
		}
	case *syntax.ParenExpr:
		return r.constValue(x.X)
	case *syntax.UnaryExpr:
		v, ok := r.constValue(x.X)
		if !ok {
			return nil, false
		}
		switch x.Op {
		case syntax.OpNot:
			return !isTruthy(v), true
		case syntax.OpNeg:
			return fold(arUnm, v, int64(0))
		case syntax.OpBNot:
			return fold(arBNot, v, int64(0))
		}
	}
	return nil, false
}
