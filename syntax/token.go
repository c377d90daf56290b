package syntax

import "strconv"

// Kind is the kind of a lexical token (§3.1).
type Kind uint8

// Token kinds. The literal kinds carry a value in Token; every other kind is
// fully described by its kind (TokChar also by Token.Char).
const (
	TokEOF     Kind = iota // end of the chunk
	TokIllegal             // a lexical error (Scanner.Err describes it)
	TokName                // a name (identifier)
	TokString              // a short or long literal string
	TokInt                 // an integer numeral
	TokFloat               // a float numeral
	TokChar                // any other single byte ('@', '$', '!', control bytes, bytes >= 0x80)

	// Reserved words.
	TokAnd
	TokBreak
	TokDo
	TokElse
	TokElseif
	TokEnd
	TokFalse
	TokFor
	TokFunction
	TokGoto
	TokIf
	TokIn
	TokLocal
	TokNil
	TokNot
	TokOr
	TokRepeat
	TokReturn
	TokThen
	TokTrue
	TokUntil
	TokWhile

	// Operators and punctuation.
	TokPlus     // +
	TokMinus    // -
	TokStar     // *
	TokSlash    // /
	TokDSlash   // //
	TokPercent  // %
	TokCaret    // ^
	TokHash     // #
	TokAmp      // &
	TokTilde    // ~
	TokPipe     // |
	TokShl      // <<
	TokShr      // >>
	TokConcat   // ..
	TokDots     // ...
	TokEq       // ==
	TokNe       // ~=
	TokLt       // <
	TokLe       // <=
	TokGt       // >
	TokGe       // >=
	TokAssign   // =
	TokLParen   // (
	TokRParen   // )
	TokLBrace   // {
	TokRBrace   // }
	TokLBracket // [
	TokRBracket // ]
	TokDColon   // ::
	TokSemi     // ;
	TokColon    // :
	TokComma    // ,
	TokDot      // .

	numKinds
)

var kindText = [numKinds]string{
	TokEOF:      "<eof>",
	TokIllegal:  "<illegal>",
	TokName:     "<name>",
	TokString:   "<string>",
	TokInt:      "<integer>",
	TokFloat:    "<number>",
	TokChar:     "<char>",
	TokAnd:      "and",
	TokBreak:    "break",
	TokDo:       "do",
	TokElse:     "else",
	TokElseif:   "elseif",
	TokEnd:      "end",
	TokFalse:    "false",
	TokFor:      "for",
	TokFunction: "function",
	TokGoto:     "goto",
	TokIf:       "if",
	TokIn:       "in",
	TokLocal:    "local",
	TokNil:      "nil",
	TokNot:      "not",
	TokOr:       "or",
	TokRepeat:   "repeat",
	TokReturn:   "return",
	TokThen:     "then",
	TokTrue:     "true",
	TokUntil:    "until",
	TokWhile:    "while",
	TokPlus:     "+",
	TokMinus:    "-",
	TokStar:     "*",
	TokSlash:    "/",
	TokDSlash:   "//",
	TokPercent:  "%",
	TokCaret:    "^",
	TokHash:     "#",
	TokAmp:      "&",
	TokTilde:    "~",
	TokPipe:     "|",
	TokShl:      "<<",
	TokShr:      ">>",
	TokConcat:   "..",
	TokDots:     "...",
	TokEq:       "==",
	TokNe:       "~=",
	TokLt:       "<",
	TokLe:       "<=",
	TokGt:       ">",
	TokGe:       ">=",
	TokAssign:   "=",
	TokLParen:   "(",
	TokRParen:   ")",
	TokLBrace:   "{",
	TokRBrace:   "}",
	TokLBracket: "[",
	TokRBracket: "]",
	TokDColon:   "::",
	TokSemi:     ";",
	TokColon:    ":",
	TokComma:    ",",
	TokDot:      ".",
}

// String returns the token as written in source for reserved words and
// operators, and a placeholder in angle brackets for the other kinds
// ("<eof>", "<name>", "<string>", "<integer>", "<number>").
func (k Kind) String() string {
	if k < numKinds {
		return kindText[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// IsKeyword reports whether k is a reserved word.
func (k Kind) IsKeyword() bool { return k >= TokAnd && k <= TokWhile }

// quoted returns k the way the reference names a token kind in a message
// such as "'=' expected": reserved words and operators in single quotes,
// the literal kinds and <eof> bare.
func (k Kind) quoted() string {
	if k >= TokAnd && k < numKinds {
		return "'" + kindText[k] + "'"
	}
	return k.String()
}

// Token is one lexical token with its value and its place in the source.
type Token struct {
	Kind Kind
	// Char is the byte of a TokChar token.
	Char byte
	// Pos is the position of the token's first byte.
	Pos Pos
	// EndLine is the line of the token's last byte. It differs from
	// Pos.Line for long strings and for short strings with escaped
	// newlines; the reference reports errors at the line where the current
	// token ends.
	EndLine int32
	// Off and End are the byte offsets of the token's text: src[Off:End].
	Off, End int
	// Str is the name of a TokName token and the value of a TokString
	// token, escapes decoded.
	Str string
	// Int is the value of a TokInt token.
	Int int64
	// Float is the value of a TokFloat token.
	Float float64
}
