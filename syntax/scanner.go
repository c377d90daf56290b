package syntax

// This file holds the scanner's main loop: white space, comments, names,
// reserved words and operators. Literals (numerals and strings) are in
// literal.go.

// Character classes, as the reference's lctype table defines them for the
// "C" locale: only ASCII letters, digits and '_' form names.
const (
	cAlpha  = 1 << iota // A-Z a-z _
	cDigit              // 0-9
	cXDigit             // 0-9 A-F a-f
	cSpace              // ' ' \t \n \v \f \r
	cPrint              // 0x20-0x7E
)

var charClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
			t[c] |= cAlpha
		case c >= '0' && c <= '9':
			t[c] |= cDigit
		}
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' {
			t[c] |= cXDigit
		}
		if c == ' ' || c >= '\t' && c <= '\r' {
			t[c] |= cSpace
		}
		if c >= 0x20 && c <= 0x7e {
			t[c] |= cPrint
		}
	}
	return t
}()

// eof is returned by cur at the end of the source. It is outside the byte
// range, so no class test matches it.
const eof = -1

// Scanner splits a chunk into tokens. It works on the source bytes with
// indexes and allocates only for the values of names and strings (names
// and short strings are interned per scanner).
//
// After a lexical error Scan returns a TokIllegal token and Err describes
// the error; scanning can go on after it.
type Scanner struct {
	chunk     string // chunk name, for errors
	src       []byte
	off       int   // offset of the current byte
	line      int32 // line of the current byte
	lineStart int   // offset of the first byte of the current line
	buf       []byte
	err       *Error
	strings   map[string]string
}

// NewScanner returns a scanner for src. chunkname is used in error messages
// (see ChunkID).
func NewScanner(chunkname string, src []byte) *Scanner {
	s := &Scanner{}
	s.Init(chunkname, src)
	return s
}

// Init resets s to scan src from its beginning.
func (s *Scanner) Init(chunkname string, src []byte) {
	*s = Scanner{
		chunk:   chunkname,
		src:     src,
		line:    1,
		buf:     s.buf[:0],
		strings: s.strings,
	}
	if s.strings == nil {
		s.strings = make(map[string]string)
	}
}

// skipFirstLine skips a UTF-8 byte order mark and then a first line that
// starts with '#' (but not its newline), as the reference's loadfile does.
func (s *Scanner) skipFirstLine() {
	if len(s.src) >= 3 && s.src[0] == 0xEF && s.src[1] == 0xBB && s.src[2] == 0xBF {
		s.off = 3
		s.lineStart = 3
	}
	if s.off < len(s.src) && s.src[s.off] == '#' {
		for s.off < len(s.src) && s.src[s.off] != '\n' {
			s.off++
		}
	}
}

// Err returns the error that made the last Scan return TokIllegal.
func (s *Scanner) Err() *Error { return s.err }

// cur returns the current byte, or eof.
func (s *Scanner) cur() int {
	if s.off < len(s.src) {
		return int(s.src[s.off])
	}
	return eof
}

// peek returns the byte after the current one, or eof.
func (s *Scanner) peek() int {
	if s.off+1 < len(s.src) {
		return int(s.src[s.off+1])
	}
	return eof
}

func (s *Scanner) pos() Pos {
	return Pos{Line: s.line, Col: int32(s.off - s.lineStart + 1)}
}

func isNewline(c int) bool { return c == '\n' || c == '\r' }

func is(c int, class uint8) bool { return c >= 0 && charClass[c]&class != 0 }

// newline skips a line break: "\n", "\r", "\r\n" or "\n\r" (one line).
func (s *Scanner) newline() {
	first := s.src[s.off]
	s.off++
	if c := s.cur(); isNewline(c) && c != int(first) {
		s.off++
	}
	s.line++
	s.lineStart = s.off
}

// save appends c to the scratch buffer.
func (s *Scanner) save(c int) { s.buf = append(s.buf, byte(c)) }

// saveNext saves the current byte and advances.
func (s *Scanner) saveNext() {
	s.buf = append(s.buf, s.src[s.off])
	s.off++
}

// intern returns b as a string, sharing one copy per distinct value.
func (s *Scanner) intern(b []byte) string {
	if str, ok := s.strings[string(b)]; ok {
		return str
	}
	str := string(b)
	if len(str) <= 64 {
		s.strings[str] = str
	}
	return str
}

// error records a lexical error at the scanner's position. near is the
// text after " near ", already quoted, or "" for none.
func (s *Scanner) error(msg, near string) {
	if near != "" {
		msg += " near " + near
	}
	s.err = &Error{Chunk: s.chunk, Pos: s.pos(), Msg: msg}
}

// bufText quotes the scratch buffer for a message, as the reference does:
// in single quotes and cut at the first zero byte.
func (s *Scanner) bufText() string { return quoteText(s.buf) }

func quoteText(b []byte) string {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	return "'" + string(b) + "'"
}

// Scan returns the next token.
func (s *Scanner) Scan() (tok Token) {
	s.scanInto(&tok)
	return tok
}

// scanInto is Scan writing into *tok, which saves copying tokens around.
func (s *Scanner) scanInto(tok *Token) {
	*tok = Token{}
	s.err = nil
	tok.Kind = s.scan(tok)
	tok.End = s.off
	tok.EndLine = s.line
}

// scan skips white space and comments, sets tok's start, scans the token
// and returns its kind.
func (s *Scanner) scan(tok *Token) Kind {
	for {
		c := s.cur()
		switch c {
		case '\n', '\r':
			s.newline()
			continue
		case ' ', '\t', '\f', '\v':
			s.off++
			continue
		case '-':
			if s.peek() != '-' {
				break
			}
			start := s.off
			s.skipComment()
			if s.err != nil {
				tok.Pos, tok.Off = s.pos(), start
				return TokIllegal
			}
			continue
		}
		break
	}
	start := s.off
	tok.Pos, tok.Off = s.pos(), start
	c := s.cur()
	switch {
	case c == eof:
		return TokEOF
	case is(c, cAlpha):
		s.off++
		for s.off < len(s.src) && charClass[s.src[s.off]]&(cAlpha|cDigit) != 0 {
			s.off++
		}
		word := s.src[start:s.off]
		if k := keyword(word); k != TokName {
			return k
		}
		tok.Str = s.intern(word)
		return TokName
	case is(c, cDigit):
		return s.number(tok, c)
	}
	s.off++
	switch c {
	case '+':
		return TokPlus
	case '-':
		return TokMinus
	case '*':
		return TokStar
	case '/':
		return s.two('/', TokDSlash, TokSlash)
	case '%':
		return TokPercent
	case '^':
		return TokCaret
	case '#':
		return TokHash
	case '&':
		return TokAmp
	case '~':
		return s.two('=', TokNe, TokTilde)
	case '|':
		return TokPipe
	case '<':
		if k := s.two('=', TokLe, TokLt); k == TokLe {
			return k
		}
		return s.two('<', TokShl, TokLt)
	case '>':
		if k := s.two('=', TokGe, TokGt); k == TokGe {
			return k
		}
		return s.two('>', TokShr, TokGt)
	case '=':
		return s.two('=', TokEq, TokAssign)
	case '(':
		return TokLParen
	case ')':
		return TokRParen
	case '{':
		return TokLBrace
	case '}':
		return TokRBrace
	case ']':
		return TokRBracket
	case ';':
		return TokSemi
	case ',':
		return TokComma
	case ':':
		return s.two(':', TokDColon, TokColon)
	case '.':
		switch {
		case s.cur() == '.':
			s.off++
			return s.two('.', TokDots, TokConcat)
		case is(s.cur(), cDigit):
			s.off = start
			return s.number(tok, s.peek())
		}
		return TokDot
	case '[':
		s.off = start
		return s.bracket(tok)
	case '"', '\'':
		s.off = start
		return s.shortString(tok)
	}
	tok.Char = byte(c)
	return TokChar
}

// keyword returns the kind of a reserved word, or TokName for other names.
func keyword(word []byte) Kind {
	if len(word) < 2 || len(word) > 8 {
		return TokName
	}
	switch string(word) {
	case "and":
		return TokAnd
	case "break":
		return TokBreak
	case "do":
		return TokDo
	case "else":
		return TokElse
	case "elseif":
		return TokElseif
	case "end":
		return TokEnd
	case "false":
		return TokFalse
	case "for":
		return TokFor
	case "function":
		return TokFunction
	case "goto":
		return TokGoto
	case "if":
		return TokIf
	case "in":
		return TokIn
	case "local":
		return TokLocal
	case "nil":
		return TokNil
	case "not":
		return TokNot
	case "or":
		return TokOr
	case "repeat":
		return TokRepeat
	case "return":
		return TokReturn
	case "then":
		return TokThen
	case "true":
		return TokTrue
	case "until":
		return TokUntil
	case "while":
		return TokWhile
	}
	return TokName
}

// two consumes next if it is the current byte and returns yes, else no.
func (s *Scanner) two(next byte, yes, no Kind) Kind {
	if s.off < len(s.src) && s.src[s.off] == next {
		s.off++
		return yes
	}
	return no
}

// skipComment skips a comment; the current bytes are "--".
func (s *Scanner) skipComment() {
	s.off += 2
	if s.cur() == '[' {
		s.buf = s.buf[:0]
		if level := s.longBracket(); level >= 0 {
			s.longString(level, false, s.line)
			return
		}
	}
	for s.off < len(s.src) && !isNewline(int(s.src[s.off])) {
		s.off++
	}
}

// longBracket reads an opening or closing long bracket ("[==[" or "]==]")
// at the current '[' or ']', saving what it reads into the buffer. It
// returns the bracket's level (the number of '='), leaving the second
// bracket as the current byte, or -1 when the bytes read are not a long
// bracket: -1 with nothing after the first bracket but a different byte
// (a plain '[' or ']'), or -2 with '=' signs but no second bracket.
func (s *Scanner) longBracket() int {
	b := s.src[s.off]
	s.saveNext()
	n := 0
	for s.cur() == '=' {
		s.saveNext()
		n++
	}
	if s.cur() == int(b) {
		return n
	}
	if n == 0 {
		return -1
	}
	return -2
}
