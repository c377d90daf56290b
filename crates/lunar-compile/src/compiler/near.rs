//! The "near" part of limit errors. The reference ends limit errors found
//! while compiling with the token its parser was reading ("near 'x'"). The
//! tree does not keep tokens, so the generator tracks the next token only
//! where it matters most, in long lists (arguments, values, table items),
//! and leaves the near part out elsewhere.

use lunar_syntax::ast::{Ast, Expr, TableField};

/// The token the reference would read after the current one, kept as the
/// node it starts so that its text is made only for a message.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NearTok<'a> {
    /// The first token of an expression.
    Expr(&'a Expr<'a>),
    /// The first token of a table constructor's field.
    Field(&'a TableField<'a>),
}

impl<'a> NearTok<'a> {
    /// The token as the reference prints it in messages, or "" when it
    /// cannot tell.
    pub(crate) fn text(self, ast: &'a Ast<'a>) -> String {
        match self {
            NearTok::Expr(e) => first_token(ast, e),
            NearTok::Field(f) => field_token(ast, f),
        }
    }
}

/// Returns the first token of an expression as the reference prints it in
/// messages, or "" when it cannot tell.
fn first_token<'a>(ast: &'a Ast<'a>, e: &'a Expr<'a>) -> String {
    let mut e = e;
    loop {
        match e {
            Expr::Binary(x) => e = &ast[*x].l,
            Expr::Index(x) => e = &ast[*x].obj,
            Expr::Call(x) => e = &ast[*x].func,
            Expr::MethodCall(x) => e = &ast[*x].obj,
            Expr::Name { id, .. } => {
                return quote_token(&String::from_utf8_lossy(ast.name(*id)));
            }
            Expr::Paren(_) => return "'('".into(),
            Expr::Nil(_) => return "'nil'".into(),
            Expr::True(_) => return "'true'".into(),
            Expr::False(_) => return "'false'".into(),
            Expr::Vararg(_) => return "'...'".into(),
            Expr::Table(_) => return "'{'".into(),
            Expr::Function(_) => return "'function'".into(),
            Expr::Unary(x) => return quote_token(ast[*x].op.as_str()),
            Expr::Int(x) => {
                let value = &ast[*x].value;
                return if *value >= 0 {
                    quote_token(&value.to_string())
                } else {
                    String::new()
                };
            }
            Expr::Float(x) => {
                let mut s = format_g(ast[*x].value);
                if !s.contains(['.', 'e', 'I', 'N']) {
                    s.push_str(".0");
                }
                return quote_token(&s);
            }
            Expr::String(x) => {
                let value = ast.string(*x);
                return if is_plain(value) {
                    quote_token(&format!("\"{}\"", String::from_utf8_lossy(value)))
                } else {
                    String::new()
                };
            }
        }
    }
}

/// Formats a float in the shortest form that reads back the same, with an
/// exponent when it is below -4 or at least 6 (Go's `%g` with the
/// shortest precision, which the reference's token text usually matches).
fn format_g(f: f64) -> String {
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f.is_nan() {
        return "NaN".into();
    }
    // `{:e}` gives the shortest digits and the decimal exponent.
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    format!("{f}")
}

/// Returns the first token of a table constructor's field.
fn field_token<'a>(ast: &'a Ast<'a>, f: &'a TableField<'a>) -> String {
    match &f.key {
        None => first_token(ast, &f.value),
        Some(Expr::String(x)) if is_name(ast.string(*x)) => {
            quote_token(&String::from_utf8_lossy(ast.string(*x)))
        }
        Some(_) => "'['".into(),
    }
}

/// Quotes a token as the reference does in messages.
fn quote_token(s: &str) -> String {
    format!("'{s}'")
}

/// Reports whether a string has only printable characters that need no
/// escape in a quoted literal.
fn is_plain(s: &[u8]) -> bool {
    s.iter()
        .all(|&c| (0x20..0x7f).contains(&c) && c != b'"' && c != b'\\')
}

/// Reports whether `s` could be written as a name.
pub(crate) fn is_name(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .enumerate()
            .all(|(i, &c)| c == b'_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_tokens() {
        assert_eq!(format_g(1.5), "1.5");
        assert_eq!(format_g(1e21), "1e+21");
        assert_eq!(format_g(1e6), "1e+06");
        assert_eq!(format_g(1e-5), "1e-05");
        assert_eq!(format_g(100.0), "100");
        assert!(is_name(b"a_1"));
        assert!(!is_name(b"1a"));
        assert!(!is_name(b""));
    }
}
