//! Lexical tokens: their kinds, how messages name them, and the token value
//! the scanner hands to the parser.

use crate::ast::Pos;
use std::fmt;

macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident => $text:literal,)*) => {
        /// The kind of a lexical token (§3.1). The literal kinds carry a
        /// value in [`Token`]; every other kind is fully described by its
        /// kind ([`Kind::Char`] also by [`Token::ch`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u8)]
        pub enum Kind {
            $($(#[$doc])* $name,)*
        }

        impl Kind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [Kind] = &[$(Kind::$name,)*];

            /// The token as written in source for reserved words and
            /// operators, and a placeholder in angle brackets for the other
            /// kinds (`<eof>`, `<name>`, `<string>`, `<integer>`,
            /// `<number>`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Kind::$name => $text,)*
                }
            }
        }
    };
}

kinds! {
    /// End of the chunk.
    Eof => "<eof>",
    /// A lexical error ([`crate::Scanner::err`] describes it).
    Illegal => "<illegal>",
    /// A name (identifier).
    Name => "<name>",
    /// A short or long literal string.
    String => "<string>",
    /// An integer numeral.
    Int => "<integer>",
    /// A float numeral.
    Float => "<number>",
    /// Any other single byte (`@`, `$`, `!`, control bytes, bytes >= 0x80).
    Char => "<char>",
    /// `and`
    And => "and",
    /// `break`
    Break => "break",
    /// `do`
    Do => "do",
    /// `else`
    Else => "else",
    /// `elseif`
    Elseif => "elseif",
    /// `end`
    End => "end",
    /// `false`
    False => "false",
    /// `for`
    For => "for",
    /// `function`
    Function => "function",
    /// `goto`
    Goto => "goto",
    /// `if`
    If => "if",
    /// `in`
    In => "in",
    /// `local`
    Local => "local",
    /// `nil`
    Nil => "nil",
    /// `not`
    Not => "not",
    /// `or`
    Or => "or",
    /// `repeat`
    Repeat => "repeat",
    /// `return`
    Return => "return",
    /// `then`
    Then => "then",
    /// `true`
    True => "true",
    /// `until`
    Until => "until",
    /// `while`
    While => "while",
    /// `+`
    Plus => "+",
    /// `-`
    Minus => "-",
    /// `*`
    Star => "*",
    /// `/`
    Slash => "/",
    /// `//`
    DSlash => "//",
    /// `%`
    Percent => "%",
    /// `^`
    Caret => "^",
    /// `#`
    Hash => "#",
    /// `&`
    Amp => "&",
    /// `~`
    Tilde => "~",
    /// `|`
    Pipe => "|",
    /// `<<`
    Shl => "<<",
    /// `>>`
    Shr => ">>",
    /// `..`
    Concat => "..",
    /// `...`
    Dots => "...",
    /// `==`
    Eq => "==",
    /// `~=`
    Ne => "~=",
    /// `<`
    Lt => "<",
    /// `<=`
    Le => "<=",
    /// `>`
    Gt => ">",
    /// `>=`
    Ge => ">=",
    /// `=`
    Assign => "=",
    /// `(`
    LParen => "(",
    /// `)`
    RParen => ")",
    /// `{`
    LBrace => "{",
    /// `}`
    RBrace => "}",
    /// `[`
    LBracket => "[",
    /// `]`
    RBracket => "]",
    /// `::`
    DColon => "::",
    /// `;`
    Semi => ";",
    /// `:`
    Colon => ":",
    /// `,`
    Comma => ",",
    /// `.`
    Dot => ".",
}

impl Kind {
    /// Reports whether the kind is a reserved word.
    pub const fn is_keyword(self) -> bool {
        self as u8 >= Kind::And as u8 && self as u8 <= Kind::While as u8
    }

    /// The kind the way the reference names it in a message such as
    /// `'=' expected`: reserved words and operators in single quotes, the
    /// literal kinds and `<eof>` bare.
    pub fn quoted(self) -> String {
        if self as u8 >= Kind::And as u8 {
            format!("'{}'", self.as_str())
        } else {
            self.as_str().to_string()
        }
    }

    /// The kind of a reserved word, or [`Kind::Name`] for any other name.
    pub fn keyword(word: &[u8]) -> Kind {
        // Most names are not reserved: the first byte and the length rule
        // out all but one or two words, which are then compared.
        let candidate: (&[u8], Kind) = match (word.first(), word.len()) {
            (Some(b'a'), 3) => (b"and", Kind::And),
            (Some(b'b'), 5) => (b"break", Kind::Break),
            (Some(b'd'), 2) => (b"do", Kind::Do),
            (Some(b'e'), 3) => (b"end", Kind::End),
            (Some(b'e'), 4) => (b"else", Kind::Else),
            (Some(b'e'), 6) => (b"elseif", Kind::Elseif),
            (Some(b'f'), 3) => (b"for", Kind::For),
            (Some(b'f'), 5) => (b"false", Kind::False),
            (Some(b'f'), 8) => (b"function", Kind::Function),
            (Some(b'g'), 4) => (b"goto", Kind::Goto),
            (Some(b'i'), 2) => match word[1] {
                b'f' => (b"if", Kind::If),
                _ => (b"in", Kind::In),
            },
            (Some(b'l'), 5) => (b"local", Kind::Local),
            (Some(b'n'), 3) => match word[1] {
                b'i' => (b"nil", Kind::Nil),
                _ => (b"not", Kind::Not),
            },
            (Some(b'o'), 2) => (b"or", Kind::Or),
            (Some(b'r'), 6) => match word[2] {
                b'p' => (b"repeat", Kind::Repeat),
                _ => (b"return", Kind::Return),
            },
            (Some(b't'), 4) => match word[1] {
                b'h' => (b"then", Kind::Then),
                _ => (b"true", Kind::True),
            },
            (Some(b'u'), 5) => (b"until", Kind::Until),
            (Some(b'w'), 5) => (b"while", Kind::While),
            _ => return Kind::Name,
        };
        if word == candidate.0 {
            candidate.1
        } else {
            Kind::Name
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One lexical token with its value and its place in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The token's kind.
    pub kind: Kind,
    /// The byte of a [`Kind::Char`] token.
    pub ch: u8,
    /// Position of the token's first byte.
    pub pos: Pos,
    /// Line of the token's last byte. It differs from `pos.line` for long
    /// strings and for short strings with escaped newlines; the reference
    /// reports errors at the line where the current token ends.
    pub end_line: u32,
    /// Byte offset of the token's first byte: its text is `src[off..end]`.
    pub off: usize,
    /// Byte offset just past the token.
    pub end: usize,
    /// The name of a [`Kind::Name`] token and the value of a
    /// [`Kind::String`] token, escapes decoded. The parser's scanner leaves
    /// it empty for a name and for a short string without escapes: their
    /// values are in the source (see `raw`).
    pub str: Box<[u8]>,
    /// Set by the parser's scanner on a short string without escapes:
    /// its value is the text between its delimiters, `src[off + 1..end -
    /// 1]`, and `str` is empty.
    pub(crate) raw: bool,
    /// The value of a [`Kind::Int`] token.
    pub int: i64,
    /// The value of a [`Kind::Float`] token.
    pub float: f64,
}

impl Default for Token {
    fn default() -> Token {
        Token {
            kind: Kind::Eof,
            ch: 0,
            pos: Pos::default(),
            end_line: 0,
            off: 0,
            end: 0,
            str: Box::default(),
            raw: false,
            int: 0,
            float: 0.0,
        }
    }
}
