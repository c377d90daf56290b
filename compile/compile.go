package compile

import (
	"fmt"

	"github.com/lunar-lua/lunar/bytecode"
	"github.com/lunar-lua/lunar/syntax"
)

// Compile compiles a parsed chunk into the prototype of its main
// function, which has the chunk's nested functions in its Protos. The
// main function is variadic and has one upvalue, _ENV, which the caller
// sets to the global environment when it makes a closure of it.
//
// The error, if any, is a *syntax.Error whose message and line are those
// the reference interpreter reports, such as
//
//	input:4: no visible label 'done' for <goto> at line 2
//
// Compile does not modify the tree and may be called from several
// goroutines at once, on the same tree or on different ones.
func Compile(chunk *syntax.Chunk) (*bytecode.Proto, error) {
	return compile(chunk, options{})
}

// options are settings for tests.
type options struct {
	// luac544 makes the code exactly what luac 5.4.4 makes, for comparing
	// listings with it, in the two places where Compile differs on
	// purpose:
	//   - luac's constant cache is shared by all the functions of a
	//     chunk, so that a constant used by an inner function and again
	//     by the outer one gets a second entry in the outer function's
	//     table (later Lua versions keep one cache per function, as
	//     Compile does);
	//   - a break out of a for loop that must close upvalues closes from
	//     the level of the loop's control variables, missing the closing
	//     value of a generic for (Lua 5.4.6 fixed it; Compile closes from
	//     the level outside the loop).
	luac544 bool
}

func compile(chunk *syntax.Chunk, opts options) (p *bytecode.Proto, err error) {
	if chunk == nil || chunk.Block == nil {
		return nil, fmt.Errorf("compile: no chunk")
	}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*syntax.Error)
			if !ok {
				panic(r)
			}
			p, err = nil, e
		}
	}()
	res, rerr := resolve(chunk)
	if rerr != nil && rerr.at.node == nil {
		return nil, rerr.err
	}
	g := &generator{
		res:     res,
		stop:    rerr,
		chunk:   chunk.Name,
		line:    1,
		pending: make(map[syntax.Stat]int),
		labelPC: make(map[*syntax.LabelStat]int),
	}
	if opts.luac544 {
		g.scannerK = make(map[constKey]int)
		g.luac544 = true
	}
	p = g.mainFunc(chunk)
	if g.internal != nil {
		return nil, g.internal
	}
	if rerr != nil {
		// The generator should have raised it at its anchor.
		return nil, rerr.err
	}
	return p, nil
}

// generator holds the code generator's state shared by all functions of
// a chunk.
type generator struct {
	res   *resolution
	chunk string
	// line approximates the reference's "last line": the line of the last
	// token its parser consumed, which is the line it gives to each
	// instruction it emits. The generator advances it through the
	// positions of the tree as it goes.
	line  int32
	depth int
	// spine is a stack of the chains being compiled (see expr).
	spine []syntax.Expr
	// pending holds, for each label or loop not reached yet, the list of
	// jumps to it (chained through the jumps as in the reference).
	pending map[syntax.Stat]int
	labelPC map[*syntax.LabelStat]int
	// near is the token after the one the reference would be reading, when
	// known, for messages.
	near    string
	nearPos syntax.Pos
	// stop is the error the resolver found, which the generator raises
	// when it reaches its anchor.
	stop    *resolveError
	luac544 bool
	// internal is the first internal inconsistency found.
	internal error
	// scannerK is the constant cache shared by all functions, in the
	// luac544 mode.
	scannerK map[constKey]int
}

// internalf records an internal inconsistency of the compiler (a bug):
// Compile then fails with it instead of returning wrong code.
func (g *generator) internalf(format string, args ...any) {
	if g.internal == nil {
		g.internal = fmt.Errorf("compile: internal error: "+format, args...)
	}
}

// check raises the resolver's error if its anchor is (node, after).
func (g *generator) check(node any, after bool) {
	if g.stop != nil && g.stop.at == (anchor{node: node, after: after}) {
		panic(g.stop.err)
	}
}

// setNear records the token after the one being read.
func (g *generator) setNear(near string, p syntax.Pos) {
	g.near, g.nearPos = near, p
}

// advance notes that the parser would have consumed the token at p.
func (g *generator) advance(p syntax.Pos) {
	if p.Line > g.line {
		g.line = p.Line
	}
}

// errorf reports an error at the current line, ending the compilation.
func (g *generator) errorf(format string, args ...any) {
	panic(&syntax.Error{Chunk: g.chunk, Pos: syntax.Pos{Line: g.line}, Msg: fmt.Sprintf(format, args...)})
}

// enter counts one level of recursion.
func (g *generator) enter() {
	g.depth++
	if g.depth > maxDepth {
		g.errorf("chunk has too many syntax levels")
	}
}

func (g *generator) leave() { g.depth-- }

// mainFunc compiles the main function of a chunk.
func (g *generator) mainFunc(chunk *syntax.Chunk) *bytecode.Proto {
	fs := g.openFunc(nil, g.res.main)
	fs.f.Source = chunk.Name
	var bl blockState
	fs.enterBlock(&bl, nil, g.res.blocks[chunk.Block])
	fs.setVararg(0)
	fs.statList(chunk.Block.Stats)
	fs.closeFunc(chunk.Block)
	return fs.f
}

// openFunc starts a function.
func (g *generator) openFunc(prev *funcState, info *funcInfo) *funcState {
	fs := &funcState{
		g:          g,
		prev:       prev,
		info:       info,
		f:          &bytecode.Proto{MaxStackSize: 2},
		lastTarget: 0,
		kcache:     make(map[constKey]int),
	}
	fs.f.Upvalues = info.upvals
	if prev != nil {
		fs.f.Source = prev.f.Source
	}
	return fs
}

// closeFunc ends a function: the final return, the end of the outermost
// block, and the last touches on the code.
func (fs *funcState) closeFunc(body *syntax.Block) {
	fs.ret(fs.nvarstack(), 0)
	fs.g.check(body, true)
	fs.leaveBlock()
	fs.finish()
}
