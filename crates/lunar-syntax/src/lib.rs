//! lunar-syntax: the Lua 5.4 lexer, parser, syntax tree and syntax errors.
//!
//! [`parse`] turns source text into an [`ast::Chunk`] or the
//! [`SyntaxError`] the reference interpreter (lua 5.4) would report, worded
//! and positioned identically. The tree is not resolved (names are not yet
//! locals, upvalues or globals) and nothing here knows about registers or
//! values: that is `lunar-compile`'s job. [`StatReader`] reads a chunk a
//! batch of top-level statements at a time, for a compiler that drops
//! each batch's tree once compiled. [`str_to_number`] is the
//! string-to-number conversion of the coercions and `tonumber`, and
//! [`chunk_id`] formats chunk names for messages.
//!
//! ```
//! use lunar_syntax::{ast::Stat, parse};
//! let chunk = parse("=input", b"local x = 1\nprint(x)").unwrap();
//! assert!(matches!(chunk.ast[chunk.block.stats][1], Stat::Call(_)));
//! let err = parse("x = = 1", b"x = = 1").unwrap_err();
//! assert_eq!(err.to_string(), r#"[string "x = = 1"]:1: unexpected symbol near '='"#);
//! ```

#![forbid(unsafe_code)]

pub mod ast;
mod dump;
mod error;
mod expr;
mod number;
mod parser;
mod scanner;
mod stat;
mod token;

pub use dump::dump;
pub use error::{SyntaxError, chunk_id};
pub use number::{Number, parse_numeral, str_to_number};
pub use parser::{BATCH_BYTES, MAX_ERRORS, Mode, StatReader, parse, parse_all, parse_mode};
pub use scanner::{Scanner, append_utf8};
pub use token::{Kind, Token};

#[cfg(test)]
mod parser_tests;
#[cfg(test)]
mod scanner_tests;
