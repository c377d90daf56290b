package syntax

import "strconv"

// This file holds the parser's entry points and machinery: reading tokens,
// reporting errors as the reference words them, recovering after an
// error, and the nesting limit. The grammar itself is in stat.go and
// expr.go.

// Mode selects optional behaviour of ParseMode.
type Mode uint

const (
	// SkipShebang skips a UTF-8 byte order mark at the start of the chunk
	// and then a first line that starts with '#' (a Unix "#!" line), as
	// the reference does for script files (luaL_loadfile), but not for
	// strings given to load. The skipped line still counts as line 1.
	SkipShebang Mode = 1 << iota
)

// Parse parses a chunk of Lua source and returns its syntax tree. It skips
// a first line starting with '#' (see SkipShebang); use ParseMode without
// that flag for the text given to the Lua function load.
//
// chunkname names the chunk in errors as in the reference: "@file.lua" for
// a file, "=name" for a name used literally, anything else is the source
// text itself (see ChunkID). The error, if any, is an ErrorList whose
// first error is the one the reference interpreter reports; the chunk is
// nil then.
func Parse(chunkname string, src []byte) (*Chunk, error) {
	return ParseMode(chunkname, src, SkipShebang)
}

// ParseMode is Parse with explicit options.
func ParseMode(chunkname string, src []byte, mode Mode) (chunk *Chunk, err error) {
	p := &parser{chunk: chunkname, level: initialLevel, vararg: true}
	p.s.Init(chunkname, src)
	if mode&SkipShebang != 0 {
		p.s.skipFirstLine()
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
		}
		if len(p.errs) > 0 {
			chunk, err = nil, p.errs
		}
	}()
	block := p.mainBlock()
	return &Chunk{Name: chunkname, Block: block}, nil
}

// Nesting limit. The reference counts syntax levels (statements, nested
// expressions, targets of an assignment) together with the C calls already
// active when it starts parsing, and stops at LUAI_MAXCCALLS with "C stack
// overflow". initialLevel is the count the reference has when it parses a
// script file for the standalone interpreter (load() called from a Lua
// chunk starts one higher).
const (
	maxLevel     = 200
	initialLevel = 1
)

// maxErrors is the number of errors after which the parser gives up.
const maxErrors = 10

// bailout is the panic value that unwinds the parser after an error.
type bailout struct{}

type parser struct {
	s     Scanner
	chunk string

	tok      Token // the current token
	ahead    Token // the lookahead token, when hasAhead
	hasAhead bool

	level  int  // syntax nesting level, as the reference counts it
	vararg bool // whether the function being parsed is vararg

	errs   ErrorList
	errOff int  // source offset of the last error
	fatal  bool // stop at the next recovery point
}

// next moves to the next token. A lexical error becomes a syntax error
// here, when the parser asks for the token, as in the reference.
func (p *parser) next() {
	if p.hasAhead {
		p.tok = p.ahead
		p.hasAhead = false
		return
	}
	p.s.scanInto(&p.tok)
	if p.tok.Kind == TokIllegal {
		p.lexError()
	}
}

// lookahead returns the kind of the token after the current one.
func (p *parser) lookahead() Kind {
	if !p.hasAhead {
		p.s.scanInto(&p.ahead)
		p.hasAhead = true
		if p.ahead.Kind == TokIllegal {
			p.lexError()
		}
	}
	return p.ahead.Kind
}

func (p *parser) lexError() {
	err := p.s.Err()
	p.errOff = p.s.off
	p.addError(err)
}

// line is the line the reference reports errors at: where the current
// token ends.
func (p *parser) line() int32 { return p.tok.EndLine }

// addError records err and unwinds to the nearest recovery point.
func (p *parser) addError(err *Error) {
	p.errs = append(p.errs, err)
	if len(p.errs) >= maxErrors {
		p.fatal = true
	}
	panic(bailout{})
}

// errorPos is the position of an error about the current token: its start,
// or the start of its last line for a token that spans lines.
func (p *parser) errorPos() Pos {
	pos := p.tok.Pos
	if p.tok.EndLine != pos.Line {
		pos = Pos{Line: p.tok.EndLine, Col: 1}
	}
	return pos
}

// syntaxError reports msg about the current token ("msg near 'tok'").
func (p *parser) syntaxError(msg string) {
	p.errOff = p.tok.Off
	if p.tok.Kind != TokChar || p.tok.Char != 0 {
		// The reference scans a zero byte as token 0, which its error
		// function takes for "no token": the message has no near part.
		msg += " near " + p.tokenText()
	}
	p.addError(&Error{Chunk: p.chunk, Pos: p.errorPos(), Msg: msg})
}

// semanticError reports msg at the current line without a "near" part, as
// the reference's luaK_semerror does.
func (p *parser) semanticError(msg string) {
	p.errOff = p.tok.Off
	p.addError(&Error{Chunk: p.chunk, Pos: p.errorPos(), Msg: msg})
}

// tokenText shows the current token in a message as the reference does.
func (p *parser) tokenText() string {
	t := &p.tok
	switch t.Kind {
	case TokName, TokInt, TokFloat:
		return quoteText(p.s.src[t.Off:t.End])
	case TokString:
		// The reference shows the token's delimiters around its decoded
		// value (with a long string's newlines normalized).
		open := p.s.src[t.Off]
		b := make([]byte, 0, len(t.Str)+8)
		if open == '[' {
			level := 0
			for p.s.src[t.Off+1+level] == '=' {
				level++
			}
			b = append(b, '[')
			b = appendRepeat(b, '=', level)
			b = append(b, '[')
			b = append(b, t.Str...)
			b = append(b, ']')
			b = appendRepeat(b, '=', level)
			b = append(b, ']')
		} else {
			b = append(b, open)
			b = append(b, t.Str...)
			b = append(b, open)
		}
		return quoteText(b)
	case TokChar:
		if is(int(t.Char), cPrint) {
			return "'" + string(rune(t.Char)) + "'"
		}
		return "'<\\" + strconv.Itoa(int(t.Char)) + ">'"
	}
	return t.Kind.quoted()
}

func appendRepeat(b []byte, c byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, c)
	}
	return b
}

// errorExpected reports that the kind k was expected.
func (p *parser) errorExpected(k Kind) {
	p.syntaxError(k.quoted() + " expected")
}

// check reports an error unless the current token is of kind k.
func (p *parser) check(k Kind) {
	if p.tok.Kind != k {
		p.errorExpected(k)
	}
}

// checkNext checks for a token of kind k and skips it.
func (p *parser) checkNext(k Kind) {
	p.check(k)
	p.next()
}

// testNext skips the current token if it is of kind k.
func (p *parser) testNext(k Kind) bool {
	if p.tok.Kind == k {
		p.next()
		return true
	}
	return false
}

// checkMatch skips the token 'what' that closes the 'who' opened at line,
// or reports it missing, mentioning the opening line when it differs from
// the current one.
func (p *parser) checkMatch(what, who Kind, line int32) {
	if p.testNext(what) {
		return
	}
	if line == p.line() {
		p.errorExpected(what)
	}
	p.syntaxError(what.quoted() + " expected (to close " + who.quoted() +
		" at line " + strconv.Itoa(int(line)) + ")")
}

// checkName reads a name.
func (p *parser) checkName() (string, Pos) {
	p.check(TokName)
	name, pos := p.tok.Str, p.tok.Pos
	p.next()
	return name, pos
}

// enterLevel counts one more syntax level and stops the parse at the
// reference's limit.
func (p *parser) enterLevel() {
	p.level++
	if p.level >= maxLevel {
		p.fatal = true
		p.errOff = p.tok.Off
		p.addError(&Error{Chunk: p.chunk, Msg: "C stack overflow"})
	}
}

func (p *parser) leaveLevel() { p.level-- }

// ---------------------------------------------------------------------------
// Error recovery

// mark is the parser state at the start of a statement, to which it
// returns after an error in the statement.
type mark struct {
	tok       Token
	off       int
	line      int32
	lineStart int
	level     int
	vararg    bool
}

func (p *parser) mark() mark {
	return mark{tok: p.tok, off: p.s.off, line: p.s.line, lineStart: p.s.lineStart,
		level: p.level, vararg: p.vararg}
}

// statementRecovering parses a statement into list. After an error it
// skips to where the next statement probably starts.
func (p *parser) statementRecovering(list *[]Stat) {
	m := p.mark()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok || p.fatal {
				panic(r)
			}
			p.resync(m)
		}
	}()
	p.statement(list)
}

// resync rewinds to m and skips tokens up to the end of the statement
// that failed: past the error, outside any block the statement opened,
// at a reserved word that starts a statement or ends a block, or right
// after the 'end' that closes the statement.
func (p *parser) resync(m mark) {
	p.tok = m.tok
	p.s.off, p.s.line, p.s.lineStart = m.off, m.line, m.lineStart
	p.hasAhead = false
	p.level, p.vararg = m.level, m.vararg
	depth := 0
	for {
		k := p.tok.Kind
		past := p.tok.Off > m.tok.Off && p.tok.Off >= p.errOff
		if k == TokEOF || past && depth == 0 && startsOrEndsStatement(k) {
			return
		}
		switch k {
		case TokDo, TokIf, TokFunction, TokRepeat:
			depth++
		case TokEnd, TokUntil:
			if depth > 0 {
				depth--
			}
		}
		p.skipQuietly()
		if k == TokEnd && depth == 0 && p.tok.Off > p.errOff {
			return
		}
	}
}

// skipQuietly moves to the next valid token, ignoring lexical errors
// (they are inside a statement already reported).
func (p *parser) skipQuietly() {
	for {
		p.s.scanInto(&p.tok)
		if p.tok.Kind != TokIllegal {
			return
		}
	}
}

func startsOrEndsStatement(k Kind) bool {
	switch k {
	case TokLocal, TokFunction, TokIf, TokWhile, TokFor, TokRepeat, TokDo,
		TokReturn, TokGoto, TokBreak, TokDColon,
		TokEnd, TokElse, TokElseif, TokUntil, TokEOF:
		return true
	}
	return false
}

// mainBlock parses the whole chunk.
func (p *parser) mainBlock() *Block {
	b := &Block{}
	p.firstToken()
	for {
		p.statList(b)
		if p.tok.Kind == TokEOF {
			break
		}
		// Something is left after the block: a 'return' not at the end,
		// or a stray 'end'. Report it, skip it, and go on.
		p.recovering(func() { p.errorExpected(TokEOF) })
		p.skipQuietly()
	}
	b.End = p.tok.Pos
	return b
}

// firstToken reads the first token, reporting a lexical error in it.
func (p *parser) firstToken() {
	p.recovering(func() {
		p.tok = p.s.Scan()
		if p.tok.Kind == TokIllegal {
			p.lexError()
		}
	})
	if p.tok.Kind == TokIllegal {
		p.skipQuietly()
	}
}

// recovering runs f, catching a recoverable error.
func (p *parser) recovering(f func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok || p.fatal {
				panic(r)
			}
		}
	}()
	f()
}
