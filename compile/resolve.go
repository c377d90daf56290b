package compile

import (
	"fmt"

	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// This file is the resolver, the compiler's first pass. It follows the
// scoping rules of the reference's one-pass parser (lparser.c) exactly,
// because register numbers, upvalue order, where CLOSE instructions go and
// which errors are reported all depend on them. Its results, gathered in a
// resolution, drive the code generator, which does no name lookup of its
// own.

// Limits of the reference (lparser.c, llimits.h).
const (
	maxVars   = 200 // local variables active at once in a function
	maxUpvals = 255 // upvalues of a function
	// maxDepth bounds the compiler's recursion over nested blocks,
	// functions and sub-expressions. The parser stops at 200 syntax
	// levels, and each level costs the compiler at most a few steps of
	// recursion, so only trees built by hand reach this bound.
	maxDepth = 1000
)

// variable is a local variable declaration.
type variable struct {
	name string
	kind bytecode.VarKind
	reg  int // register, for every kind but VarCTC
	// value is the value of a compile-time constant (VarCTC).
	value any
	// pidx is the variable's index in Proto.LocVars (set by the code
	// generator when the variable enters its scope).
	pidx int
}

// refKind says what a name refers to.
type refKind uint8

const (
	refLocal  refKind = iota // a local of the current function
	refUpval                 // an upvalue of the current function
	refConst                 // a compile-time constant
	refGlobal                // _ENV.name
)

// ref is the meaning of one occurrence of a name. A global name is
// reached through _ENV, whose meaning is then in env, v and up.
type ref struct {
	kind refKind
	env  refKind   // for refGlobal: refLocal, refUpval or refConst
	up   int32     // refUpval
	v    *variable // refLocal, refConst
}

// envRef returns the meaning of _ENV for a global name.
func (r ref) envRef() ref { return ref{kind: r.env, up: r.up, v: r.v} }

// funcInfo is what the resolver found out about a function.
type funcInfo struct {
	upvals []bytecode.UpvalueDesc
	// needClose is set when some local of the function is captured by a
	// closure or is to be closed: returns must then close upvalues.
	needClose bool
}

// loopInfo describes the implicit blocks of a loop statement.
type loopInfo struct {
	// loopUpval is the upvalue flag of the loop block itself (set for a
	// generic for, whose fourth control variable is to be closed).
	loopUpval bool
	// varsUpval is the flag of the block of a for loop's declared
	// variables.
	varsUpval bool
	// breakClose is set when some 'break' leaves the scope of a captured
	// variable: the loop's exit then starts with a CLOSE.
	breakClose bool
}

// gotoInfo describes a goto or break.
type gotoInfo struct {
	// target is the *syntax.LabelStat a goto jumps to, or the loop
	// statement a break leaves.
	target syntax.Stat
	// backward is set for a goto to a label already seen.
	backward bool
	// closeLevel is, for a backward goto that leaves the scope of some
	// variable, the register to close from; otherwise -1.
	closeLevel int
}

// resolution is the result of the resolver.
type resolution struct {
	refs   map[*syntax.NameExpr]ref
	main   *funcInfo
	funcs  map[*syntax.FunctionExpr]*funcInfo
	decls  map[syntax.Node][]*variable // per declaring node
	blocks map[*syntax.Block]bool      // a block's upvalue flag
	loops  map[syntax.Stat]*loopInfo
	labels map[*syntax.LabelStat]bool // a CLOSE follows the label
	gotos  map[syntax.Stat]gotoInfo
}

// follow is the token after a statement or a block: the reference reports
// most semantic errors at its line, and limit errors name it ("near ...").
type follow struct {
	line int32
	near string // as the reference prints it: "'end'", "<eof>"
}

// rfunc is the resolver's state for one function.
type rfunc struct {
	prev *rfunc
	info *funcInfo
	line int32 // line where the function is defined (0 for the main chunk)
	// vararg is set for a variadic function.
	vararg bool
	// actvars holds the function's variables in scope, followed by those
	// declared by the statement being resolved and not yet in scope.
	actvars []*variable
	nactvar int // variables in scope
	bl      *rblock
	labels  []*rlabel          // visible labels, innermost last
	byName  map[string]*rlabel // visible labels by name
}

// rblock is a block (scope) of the function being resolved.
type rblock struct {
	prev       *rblock
	nactvar    int // variables in scope outside the block
	firstLabel int // index in labels of the block's first label
	// gotos are the pending gotos at the block's level (those of inner
	// blocks move here when the inner block ends), by label name.
	gotos map[string][]*rgoto
	loop  syntax.Stat // the loop statement, for a loop block
	upval bool
	done  func(upval bool) // records the final upvalue flag
	node  *syntax.Block    // the body, for a function's outermost block
}

type rlabel struct {
	name    string
	line    int32
	nactvar int
	stat    *syntax.LabelStat // nil for a loop's break label
}

type rgoto struct {
	seq     int // creation order
	name    string
	line    int32
	nactvar int
	close   bool
	stat    syntax.Stat // *syntax.GotoStat or *syntax.BreakStat
}

// resolver walks the tree once, statement by statement, in source order.
type resolver struct {
	res   *resolution
	chunk string
	fs    *rfunc
	depth int
	// nlabels and ngotos count the visible labels and the pending gotos
	// of all the functions being resolved, for the reference's limit;
	// gotoSeq numbers gotos in the order they appear.
	nlabels, ngotos int
	gotoSeq         int
	// tail is the function expression whose 'end' is the last token of
	// the statement being resolved, if any, and tailFollow the token
	// after the statement.
	tail       *syntax.FunctionExpr
	tailFollow follow
	// spine is a stack of the chains being resolved (see exprNext).
	spine []syntax.Expr
	// nextTok is the token after the name being resolved, when known, for
	// messages.
	nextTok string
}

// anchor is the place in the tree where the code generator reaches the
// point at which the reference's parser detects an error: before the
// node, or after it (after a function body, at the end of a block). The
// generator raises the resolver's error there, unless it finds an error
// of its own first ("too many registers"), which the reference, reading
// the source once, would have reported first.
type anchor struct {
	node  any
	after bool
}

// resolveError is an error the resolver found, with its anchor.
type resolveError struct {
	err *syntax.Error
	at  anchor
}

// errorf reports a semantic error at line, ending the resolution; at says
// where the code generator must raise it.
func (r *resolver) errorf(at anchor, line int32, format string, args ...any) {
	err := &syntax.Error{Chunk: r.chunk, Pos: syntax.Pos{Line: line}, Msg: fmt.Sprintf(format, args...)}
	panic(&resolveError{err: err, at: at})
}

// enter counts one level of recursion.
func (r *resolver) enter(line int32) {
	r.depth++
	if r.depth > maxDepth {
		r.errorf(anchor{}, line, "chunk has too many syntax levels")
	}
}

func (r *resolver) leave() { r.depth-- }

// resolve runs the resolver over a chunk. When it finds an error, the
// resolution is complete up to the error's anchor only.
func resolve(chunk *syntax.Chunk) (res *resolution, rerr *resolveError) {
	res = &resolution{
		refs:   make(map[*syntax.NameExpr]ref),
		funcs:  make(map[*syntax.FunctionExpr]*funcInfo),
		decls:  make(map[syntax.Node][]*variable),
		blocks: make(map[*syntax.Block]bool),
		loops:  make(map[syntax.Stat]*loopInfo),
		labels: make(map[*syntax.LabelStat]bool),
		gotos:  make(map[syntax.Stat]gotoInfo),
	}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*resolveError)
			if !ok {
				panic(r)
			}
			rerr = e
		}
	}()
	r := &resolver{res: res, chunk: chunk.Name}
	res.main = &funcInfo{upvals: []bytecode.UpvalueDesc{{Name: "_ENV", InStack: true, Index: 0}}}
	fs := &rfunc{info: res.main, vararg: true, byName: make(map[string]*rlabel)}
	r.fs = fs
	body := chunk.Block
	r.enterBlock(nil, func(u bool) { res.blocks[body] = u })
	fs.bl.node = body
	eof := follow{line: body.End.Line, near: "<eof>"}
	r.statList(body, eof, false)
	r.leaveBlock(eof.line)
	return res, nil
}

// ---------------------------------------------------------------------------
// Variables and scopes

// where names the function for limit messages.
func (fs *rfunc) where() string {
	if fs.line == 0 {
		return "main function"
	}
	return fmt.Sprintf("function at line %d", fs.line)
}

// newLocal declares a variable that is not yet in scope. line and near
// locate the token after its name, where the reference checks the limit.
func (r *resolver) newLocal(at syntax.Node, name string, kind bytecode.VarKind, line int32, near string) *variable {
	fs := r.fs
	if len(fs.actvars)+1 > maxVars {
		r.errorf(anchor{node: at}, line, "too many local variables (limit is %d) in %s near %s", maxVars, fs.where(), near)
	}
	v := &variable{name: name, kind: kind}
	fs.actvars = append(fs.actvars, v)
	return v
}

// regLevel returns the number of registers used by the first n variables
// in scope (compile-time constants take none).
func (fs *rfunc) regLevel(n int) int {
	for i := n - 1; i >= 0; i-- {
		if v := fs.actvars[i]; v.kind != bytecode.VarCTC {
			return v.reg + 1
		}
	}
	return 0
}

// activate brings the next n declared variables into scope, giving them
// registers.
func (fs *rfunc) activate(n int) {
	reg := fs.regLevel(fs.nactvar)
	for i := 0; i < n; i++ {
		v := fs.actvars[fs.nactvar]
		fs.nactvar++
		if v.kind != bytecode.VarCTC {
			v.reg = reg
			reg++
		}
	}
}

// enterBlock opens a scope; done receives its final upvalue flag.
func (r *resolver) enterBlock(loop syntax.Stat, done func(bool)) {
	fs := r.fs
	fs.bl = &rblock{
		prev:       fs.bl,
		nactvar:    fs.nactvar,
		firstLabel: len(fs.labels),
		loop:       loop,
		done:       done,
	}
}

// leaveBlock closes the current scope. line is where the reference
// reports a goto left without a label when the block is a function's.
func (r *resolver) leaveBlock(line int32) {
	fs := r.fs
	bl := fs.bl
	if bl.loop != nil {
		// The loop's break label, created before the loop's variables go
		// out of scope, as in the reference.
		info := r.res.loops[bl.loop]
		info.breakClose = r.createLabel(anchor{}, "break", 0, 0, false, nil, bl.loop)
	}
	fs.bl = bl.prev
	r.removeLabels(bl.firstLabel)
	if bl.prev != nil {
		r.moveGotosOut(bl)
	} else if gt := firstGoto(bl.gotos); gt != nil {
		at := anchor{node: bl.node, after: true}
		if gt.name == "break" {
			r.errorf(at, line, "break outside loop at line %d", gt.line)
		}
		r.errorf(at, line, "no visible label '%s' for <goto> at line %d", gt.name, gt.line)
	}
	fs.nactvar = bl.nactvar
	fs.actvars = fs.actvars[:bl.nactvar]
	bl.done(bl.upval)
}

// markUpval records that the variable with index level in fs is captured
// by a closure: the block declaring it must close it on exit.
func markUpval(fs *rfunc, level int) {
	bl := fs.bl
	for bl.nactvar > level {
		bl = bl.prev
	}
	bl.upval = true
	fs.info.needClose = true
}

// markToBeClosed records that the current block has a to-be-closed
// variable.
func (r *resolver) markToBeClosed() {
	r.fs.bl.upval = true
	r.fs.info.needClose = true
}

// searchVar looks name up among the variables in scope of fs.
func (fs *rfunc) searchVar(name string) int {
	for i := fs.nactvar - 1; i >= 0; i-- {
		if fs.actvars[i].name == name {
			return i
		}
	}
	return -1
}

// searchUpval looks name up among the upvalues fs already has.
func (fs *rfunc) searchUpval(name string) int {
	for i, u := range fs.info.upvals {
		if u.Name == name {
			return i
		}
	}
	return -1
}

// lookup finds what name means in the current function, creating the
// upvalues needed to reach an enclosing function's local. ok is false for
// a global name.
func (r *resolver) lookup(n *syntax.NameExpr, name string) (ref, bool) {
	// Find the nearest function where the name is a local or an upvalue;
	// the functions in between will need a new upvalue each.
	var found ref
	level := r.fs
	for ; level != nil; level = level.prev {
		if i := level.searchVar(name); i >= 0 {
			v := level.actvars[i]
			if v.kind == bytecode.VarCTC {
				return ref{kind: refConst, v: v}, true
			}
			if level != r.fs {
				markUpval(level, i)
			}
			found = ref{kind: refLocal, v: v}
			break
		}
		if i := level.searchUpval(name); i >= 0 {
			found = ref{kind: refUpval, up: int32(i)}
			break
		}
	}
	if level == nil {
		return ref{}, false
	}
	// Create the chain of upvalues from level down to the current
	// function, outermost first.
	var chain []*rfunc
	for f := r.fs; f != level; f = f.prev {
		chain = append(chain, f)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		f := chain[i]
		if len(f.info.upvals)+1 > maxUpvals {
			msg := fmt.Sprintf("too many upvalues (limit is %d) in %s", maxUpvals, f.where())
			if r.nextTok != "" {
				msg += " near " + r.nextTok
			}
			r.errorf(anchor{node: n}, n.P.Line, "%s", msg)
		}
		var u bytecode.UpvalueDesc
		if found.kind == refLocal {
			u = bytecode.UpvalueDesc{Name: name, InStack: true, Index: found.v.reg, Kind: found.v.kind}
		} else {
			u = bytecode.UpvalueDesc{Name: name, Index: int(found.up), Kind: f.prev.info.upvals[found.up].Kind}
		}
		f.info.upvals = append(f.info.upvals, u)
		found = ref{kind: refUpval, up: int32(len(f.info.upvals) - 1)}
	}
	return found, true
}

// name resolves one occurrence of a name.
func (r *resolver) name(n *syntax.NameExpr) ref {
	rf, ok := r.lookup(n, n.Name)
	if !ok {
		env, ok := r.lookup(n, "_ENV")
		if !ok {
			// Only a hand-built function without an enclosing chunk could
			// get here; treat _ENV as the main chunk's upvalue.
			env = ref{kind: refUpval}
		}
		rf = ref{kind: refGlobal, env: env.kind, up: env.up, v: env.v}
	}
	r.res.refs[n] = rf
	return rf
}

// checkReadOnly reports an assignment to a <const> or <close> variable.
func (r *resolver) checkReadOnly(at anchor, rf ref, name string, line int32) {
	readOnly := false
	switch rf.kind {
	case refConst:
		readOnly = true
	case refLocal:
		readOnly = rf.v.kind != bytecode.VarRegular
	case refUpval:
		readOnly = r.fs.info.upvals[rf.up].Kind != bytecode.VarRegular
	}
	if readOnly {
		r.errorf(at, line, "attempt to assign to const variable '%s'", name)
	}
}
