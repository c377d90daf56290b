//! A readable picture of a syntax tree, one node per line, indented by
//! depth, each with its position as `line:col`; used by golden tests and for
//! debugging. The format is meant for people, not for parsing back.

use crate::ast::*;
use std::fmt::Write;

/// Something [`dump`] can print: a chunk, a block, a statement or an
/// expression.
pub enum Node<'a> {
    /// A whole chunk.
    Chunk(&'a Chunk<'a>),
    /// A block of a tree.
    Block(&'a Ast<'a>, &'a Block<'a>),
    /// A statement of a tree.
    Stat(&'a Ast<'a>, &'a Stat<'a>),
    /// An expression of a tree.
    Expr(&'a Ast<'a>, &'a Expr<'a>),
}

impl<'a> From<&'a Chunk<'a>> for Node<'a> {
    fn from(c: &'a Chunk<'a>) -> Self {
        Node::Chunk(c)
    }
}

impl<'a> From<(&'a Ast<'a>, &'a Block<'a>)> for Node<'a> {
    fn from((ast, b): (&'a Ast<'a>, &'a Block<'a>)) -> Self {
        Node::Block(ast, b)
    }
}

impl<'a> From<(&'a Ast<'a>, &'a Stat<'a>)> for Node<'a> {
    fn from((ast, s): (&'a Ast<'a>, &'a Stat<'a>)) -> Self {
        Node::Stat(ast, s)
    }
}

impl<'a> From<(&'a Ast<'a>, &'a Expr<'a>)> for Node<'a> {
    fn from((ast, e): (&'a Ast<'a>, &'a Expr<'a>)) -> Self {
        Node::Expr(ast, e)
    }
}

/// Returns a readable picture of a syntax tree, one node per line, indented
/// by depth, each with its position as `line:col`.
///
/// ```
/// let chunk = lunar_syntax::parse("=input", b"return -x ^ 2").unwrap();
/// assert_eq!(lunar_syntax::dump((&chunk.ast, &chunk.block)), "\
/// Block End=1:14
///   ReturnStat 1:1
///     UnaryExpr 1:8 -
///       BinaryExpr 1:11 ^
///         NameExpr 1:9 x
///         IntExpr 1:13 2
/// ");
/// ```
pub fn dump<'a>(node: impl Into<Node<'a>>) -> String {
    let node = node.into();
    let ast = match node {
        Node::Chunk(c) => &c.ast,
        Node::Block(a, _) | Node::Stat(a, _) | Node::Expr(a, _) => a,
    };
    let mut d = Dumper {
        b: String::new(),
        depth: 0,
        ast,
    };
    match node {
        Node::Chunk(c) => {
            d.line(format_args!("Chunk {}", go_quote(&c.name)));
            d.depth += 1;
            d.block("Block", &c.block);
            d.depth -= 1;
        }
        Node::Block(_, b) => d.block("Block", b),
        Node::Stat(_, s) => d.stat(s),
        Node::Expr(_, e) => d.expr(e),
    }
    d.b
}

struct Dumper<'a> {
    b: String,
    depth: usize,
    ast: &'a Ast<'a>,
}

fn pos(p: Pos) -> String {
    format!("{}:{}", p.line, p.col)
}

fn name(n: &[u8]) -> String {
    String::from_utf8_lossy(n).into_owned()
}

fn names_with_pos(names: &[Name], ps: &[Pos]) -> String {
    let parts: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| match ps.get(i) {
            Some(&p) => format!("{}@{}", name(n), pos(p)),
            None => name(n),
        })
        .collect();
    parts.join(" ")
}

impl<'a> Dumper<'a> {
    fn line(&mut self, args: std::fmt::Arguments<'_>) {
        for _ in 0..self.depth {
            self.b.push_str("  ");
        }
        let _ = self.b.write_fmt(args);
        self.b.push('\n');
    }

    /// Prints a labelled list of children.
    fn section(&mut self, label: &str, list: &[Expr<'a>]) {
        if list.is_empty() {
            return;
        }
        self.line(format_args!("{label}:"));
        self.depth += 1;
        for e in list {
            self.expr(e);
        }
        self.depth -= 1;
    }

    fn block(&mut self, label: &str, b: &Block<'a>) {
        let ast = self.ast;
        self.line(format_args!("{label} End={}", pos(b.end)));
        self.depth += 1;
        for s in &ast[b.stats] {
            self.stat(s);
        }
        self.depth -= 1;
    }

    fn stat(&mut self, s: &Stat<'a>) {
        let ast = self.ast;
        match s {
            Stat::Local(s) => {
                let s = &ast[*s];
                let parts: Vec<String> = ast[s.names]
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        let attr = match ast[s.attribs][i] {
                            Attrib::None => "",
                            Attrib::Const => "<const>",
                            Attrib::Close => "<close>",
                        };
                        format!("{}@{}{attr}", name(n), pos(ast[s.name_pos][i]))
                    })
                    .collect();
                self.line(format_args!("LocalStat {} {}", pos(s.pos), parts.join(" ")));
                self.depth += 1;
                self.section("Values", &ast[s.values]);
                self.depth -= 1;
            }
            Stat::Assign(s) => {
                let s = &ast[*s];
                self.line(format_args!("AssignStat {}", pos(s.pos)));
                self.depth += 1;
                self.section("Targets", &ast[s.targets]);
                self.section("Values", &ast[s.values]);
                self.depth -= 1;
            }
            Stat::Call(s) => {
                let s = &ast[*s];
                self.line(format_args!("CallStat {}", pos(s.pos)));
                self.depth += 1;
                self.expr(&s.call);
                self.depth -= 1;
            }
            Stat::Do(s) => {
                let s = &ast[*s];
                self.line(format_args!("DoStat {}", pos(s.pos)));
                self.depth += 1;
                self.block("Body", &s.body);
                self.depth -= 1;
            }
            Stat::While(s) => {
                let s = &ast[*s];
                self.line(format_args!("WhileStat {}", pos(s.pos)));
                self.depth += 1;
                self.expr(&s.cond);
                self.block("Body", &s.body);
                self.depth -= 1;
            }
            Stat::Repeat(s) => {
                let s = &ast[*s];
                self.line(format_args!("RepeatStat {}", pos(s.pos)));
                self.depth += 1;
                self.block("Body", &s.body);
                self.expr(&s.cond);
                self.depth -= 1;
            }
            Stat::If(s) => {
                let s = &ast[*s];
                self.line(format_args!("IfStat {}", pos(s.pos)));
                self.depth += 1;
                for (c, b) in ast[s.conds].iter().zip(&ast[s.blocks]) {
                    self.line(format_args!("Cond:"));
                    self.depth += 1;
                    self.expr(c);
                    self.depth -= 1;
                    self.block("Then", b);
                }
                if let Some(b) = &s.else_block {
                    self.block("Else", b);
                }
                self.depth -= 1;
            }
            Stat::NumericFor(s) => {
                let s = &ast[*s];
                self.line(format_args!(
                    "NumericForStat {} {}@{}",
                    pos(s.pos),
                    name(s.var),
                    pos(s.var_pos)
                ));
                self.depth += 1;
                self.expr(&s.start);
                self.expr(&s.limit);
                if let Some(step) = &s.step {
                    self.expr(step);
                }
                self.block("Body", &s.body);
                self.depth -= 1;
            }
            Stat::GenericFor(s) => {
                let s = &ast[*s];
                self.line(format_args!(
                    "GenericForStat {} {}",
                    pos(s.pos),
                    names_with_pos(&ast[s.names], &ast[s.name_pos])
                ));
                self.depth += 1;
                self.section("Exprs", &ast[s.exprs]);
                self.block("Body", &s.body);
                self.depth -= 1;
            }
            Stat::Function(s) => {
                let s = &ast[*s];
                let method = if s.is_method { " method" } else { "" };
                self.line(format_args!("FunctionStat {}{method}", pos(s.pos)));
                self.depth += 1;
                self.expr(&s.target);
                self.function(&s.func);
                self.depth -= 1;
            }
            Stat::LocalFunction(s) => {
                let s = &ast[*s];
                self.line(format_args!(
                    "LocalFunctionStat {} {}@{}",
                    pos(s.pos),
                    name(s.name),
                    pos(s.name_pos)
                ));
                self.depth += 1;
                self.function(&s.func);
                self.depth -= 1;
            }
            Stat::Return(s) => {
                let s = &ast[*s];
                self.line(format_args!("ReturnStat {}", pos(s.pos)));
                self.depth += 1;
                for e in &ast[s.values] {
                    self.expr(e);
                }
                self.depth -= 1;
            }
            Stat::Break(p) => self.line(format_args!("BreakStat {}", pos(self.ast[*p]))),
            Stat::Goto(s) => {
                let s = &ast[*s];
                self.line(format_args!("GotoStat {} {}", pos(s.pos), name(s.label)));
            }
            Stat::Label(s) => {
                let s = &ast[*s];
                self.line(format_args!("LabelStat {} {}", pos(s.pos), name(s.name)));
            }
        }
    }

    fn function(&mut self, f: &FunctionExpr<'a>) {
        let ast = self.ast;
        let mut params: Vec<String> = ast[f.params].iter().map(|p| name(p)).collect();
        if f.is_vararg {
            params.push("...".into());
        }
        self.line(format_args!(
            "FunctionExpr {} End={} ({})",
            pos(f.pos),
            pos(f.end_pos),
            params.join(" ")
        ));
        self.depth += 1;
        self.block("Body", &f.body);
        self.depth -= 1;
    }

    fn expr(&mut self, e: &Expr<'a>) {
        let ast = self.ast;
        match e {
            Expr::Nil(p) => self.line(format_args!("NilExpr {}", pos(ast[*p]))),
            Expr::True(p) => self.line(format_args!("TrueExpr {}", pos(ast[*p]))),
            Expr::False(p) => self.line(format_args!("FalseExpr {}", pos(ast[*p]))),
            Expr::Vararg(p) => self.line(format_args!("VarargExpr {}", pos(ast[*p]))),
            Expr::Int(x) => {
                let x = &ast[*x];
                self.line(format_args!("IntExpr {} {}", pos(x.pos), x.value));
            }
            Expr::Float(x) => {
                let x = &ast[*x];
                self.line(format_args!(
                    "FloatExpr {} {}",
                    pos(x.pos),
                    go_float(x.value)
                ));
            }
            Expr::String(x) => {
                let x = &ast[*x];
                self.line(format_args!(
                    "StringExpr {} {}",
                    pos(x.pos),
                    go_quote(ast.str_bytes(x.value))
                ));
            }
            Expr::Name { id } => {
                let p = ast.name_pos(*id);
                self.line(format_args!("NameExpr {} {}", pos(p), name(ast.name(*id))));
            }
            Expr::Index(e) => {
                let e = &ast[*e];
                self.line(format_args!("IndexExpr {}", pos(e.pos)));
                self.depth += 1;
                self.expr(&e.obj);
                self.expr(&e.key);
                self.depth -= 1;
            }
            Expr::Call(e) => {
                let e = &ast[*e];
                self.line(format_args!("CallExpr {}", pos(e.pos)));
                self.depth += 1;
                self.expr(&e.func);
                self.section("Args", &ast[e.args]);
                self.depth -= 1;
            }
            Expr::MethodCall(e) => {
                let e = &ast[*e];
                self.line(format_args!(
                    "MethodCallExpr {} {}@{}",
                    pos(e.pos),
                    name(e.name),
                    pos(e.name_pos)
                ));
                self.depth += 1;
                self.expr(&e.obj);
                self.section("Args", &ast[e.args]);
                self.depth -= 1;
            }
            Expr::Function(f) => self.function(&ast[*f]),
            Expr::Binary(e) => {
                let e = &ast[*e];
                self.line(format_args!("BinaryExpr {} {}", pos(e.pos), e.op));
                self.depth += 1;
                self.expr(&e.l);
                self.expr(&e.r);
                self.depth -= 1;
            }
            Expr::Unary(e) => {
                let e = &ast[*e];
                self.line(format_args!("UnaryExpr {} {}", pos(e.pos), e.op));
                self.depth += 1;
                self.expr(&e.x);
                self.depth -= 1;
            }
            Expr::Paren(e) => {
                let e = &ast[*e];
                self.line(format_args!("ParenExpr {}", pos(e.pos)));
                self.depth += 1;
                self.expr(&e.x);
                self.depth -= 1;
            }
            Expr::Table(t) => {
                let t = &ast[*t];
                self.line(format_args!(
                    "TableExpr {} End={}",
                    pos(t.pos),
                    pos(t.end_pos)
                ));
                self.depth += 1;
                for f in &ast[t.fields] {
                    match &f.key {
                        None => self.line(format_args!("Item:")),
                        Some(k) => {
                            self.line(format_args!("Field:"));
                            self.depth += 1;
                            self.expr(k);
                            self.depth -= 1;
                        }
                    }
                    self.depth += 1;
                    self.expr(&f.value);
                    self.depth -= 1;
                }
                self.depth -= 1;
            }
        }
    }
}

/// Quotes bytes as Go's `strconv.Quote` does (the golden files were written
/// by the Go version): printable characters as they are, the usual C
/// escapes, `\xNN` for other ASCII controls and for bytes that are not
/// UTF-8, `\u`/`\U` for non-printable characters (approximated here by
/// Unicode control characters).
pub(crate) fn go_quote(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len() + 2);
    out.push('"');
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\x07' => out.push_str("\\a"),
                '\x08' => out.push_str("\\b"),
                '\x0c' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\x0b' => out.push_str("\\v"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    let _ = write!(out, "\\x{:02x}", c as u32);
                }
                c if c.is_control() => {
                    if (c as u32) < 0x10000 {
                        let _ = write!(out, "\\u{:04x}", c as u32);
                    } else {
                        let _ = write!(out, "\\U{:08x}", c as u32);
                    }
                }
                c => out.push(c),
            }
        }
        for &byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out.push('"');
    out
}

/// Formats a float as Go's `strconv.FormatFloat(f, 'g', -1, 64)` does: the
/// shortest digits that read back to `f`, in exponent form (`1e+06`,
/// `9.223372036854776e+18`) when the exponent is below -4 or at least 6.
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-tripping digits: d.ddddde±x.
    let s = format!("{f:e}");
    let (mant, exp) = s.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    let (sign, mant) = match mant.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mant),
    };
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let nd = digits.len() as i32;
    // Go (strconv/ftoa.go): with the shortest precision, %e is used when
    // the exponent is below -4 or at least 6.
    let eprec = 6;
    if exp < -4 || exp >= eprec {
        let mut out = String::from(sign);
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
        return out;
    }
    let mut out = String::from(sign);
    if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else if nd <= exp + 1 {
        out.push_str(&digits);
        for _ in 0..(exp + 1 - nd) {
            out.push('0');
        }
    } else {
        let (int, frac) = digits.split_at(exp as usize + 1);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
    out
}
