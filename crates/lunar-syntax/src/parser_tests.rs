//! Tests of the parser (ported from the Go version's parser_test.go).

use crate::ast::*;
use crate::dump::{go_float, go_quote};
use crate::{MAX_ERRORS, Mode, SyntaxError, dump, parse, parse_all, parse_mode};

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Prints an expression fully parenthesized, to check how the parser
/// grouped it.
fn expr_string(ast: &Ast, e: &Expr) -> String {
    match e {
        Expr::Nil(_) => "nil".into(),
        Expr::True(_) => "true".into(),
        Expr::False(_) => "false".into(),
        Expr::Vararg(_) => "...".into(),
        Expr::Int(x) => ast[*x].value.to_string(),
        Expr::Float(x) => format!("{}f", go_float(ast[*x].value)),
        Expr::String(x) => go_quote(ast.string(*x)),
        Expr::Name { id, .. } => s(ast.name(*id)),
        Expr::Index(e) => {
            let e = &ast[*e];
            format!("{}[{}]", expr_string(ast, &e.obj), expr_string(ast, &e.key))
        }
        Expr::Call(e) => {
            let e = &ast[*e];
            format!(
                "{}({})",
                expr_string(ast, &e.func),
                expr_list(ast, &ast[e.args])
            )
        }
        Expr::MethodCall(e) => {
            let e = &ast[*e];
            format!(
                "{}:{}({})",
                expr_string(ast, &e.obj),
                s(e.name),
                expr_list(ast, &ast[e.args])
            )
        }
        Expr::Function(f) => {
            let f = &ast[*f];
            let mut params: Vec<String> = ast[f.params].iter().map(|p| s(p)).collect();
            if f.is_vararg {
                params.push("...".into());
            }
            format!(
                "function({}) [{}] end",
                params.join(","),
                f.body.stats.len()
            )
        }
        Expr::Binary(e) => {
            let e = &ast[*e];
            format!(
                "({} {} {})",
                expr_string(ast, &e.l),
                e.op,
                expr_string(ast, &e.r)
            )
        }
        Expr::Unary(e) => {
            let e = &ast[*e];
            format!("({} {})", e.op, expr_string(ast, &e.x))
        }
        Expr::Paren(e) => format!("<{}>", expr_string(ast, &ast[*e].x)),
        Expr::Table(t) => {
            let parts: Vec<String> = ast[ast[*t].fields]
                .iter()
                .map(|f| match &f.key {
                    None => expr_string(ast, &f.value),
                    Some(k) => format!("[{}]={}", expr_string(ast, k), expr_string(ast, &f.value)),
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

fn expr_list(ast: &Ast, list: &[Expr]) -> String {
    list.iter()
        .map(|e| expr_string(ast, e))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_ok(src: &str) -> Chunk<'_> {
    parse_mode(b"=test", src.as_bytes(), Mode::LOAD)
        .unwrap_or_else(|e| panic!("parse {src:?}: {e}"))
}

/// Parses "return <src>" and prints the returned expressions.
fn parse_expr(src: &str) -> String {
    let text = format!("return {src}");
    let chunk = parse_ok(&text);
    let ast = &chunk.ast;
    match &ast[chunk.block.stats][0] {
        Stat::Return(r) => expr_list(ast, &ast[ast[*r].values]),
        s => panic!("not a return: {s:?}"),
    }
}

fn parse_err(src: &[u8]) -> Option<SyntaxError> {
    parse_mode(b"=test", src, Mode::LOAD).err()
}

#[test]
fn precedence() {
    let tests = [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 * 2 + 3", "((1 * 2) + 3)"),
        ("1 - 2 - 3", "((1 - 2) - 3)"),
        ("1 / 2 // 3 % 4 * 5", "((((1 / 2) // 3) % 4) * 5)"),
        ("a .. b .. c", "(a .. (b .. c))"),
        ("a ^ b ^ c", "(a ^ (b ^ c))"),
        ("-x ^ 2", "(- (x ^ 2))"),
        ("-x ^ -y ^ z", "(- (x ^ (- (y ^ z))))"),
        ("2 ^ -3", "(2 ^ (- 3))"),
        ("not a == b", "((not a) == b)"),
        ("not not a", "(not (not a))"),
        ("- - 1", "(- (- 1))"),
        ("#t + 1", "((# t) + 1)"),
        ("~a & b", "((~ a) & b)"),
        ("a ~ b", "(a ~ b)"),
        ("a ~ ~b", "(a ~ (~ b))"),
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c and d", "((a and b) or (c and d))"),
        ("a < b == c", "((a < b) == c)"),
        ("a == b ~= c", "((a == b) ~= c)"),
        (
            "a | b ~ c & d << e .. f + g * h ^ i",
            "(a | (b ~ (c & (d << (e .. (f + (g * (h ^ i))))))))",
        ),
        (
            "a ^ b * c + d .. e << f & g ~ h | i < j and k or l",
            "(((((((((((a ^ b) * c) + d) .. e) << f) & g) ~ h) | i) < j) and k) or l)",
        ),
        ("a .. b + c .. d", "(a .. ((b + c) .. d))"),
        ("a << b >> c", "((a << b) >> c)"),
        ("1 .. 2 == '12'", "((1 .. 2) == \"12\")"),
        ("a <= b >= c > d", "(((a <= b) >= c) > d)"),
        ("(a + b) * c", "(<(a + b)> * c)"),
        ("-2 ^ 2", "(- (2 ^ 2))"),
        ("#a .. b", "((# a) .. b)"),
        ("not a .. b", "((not a) .. b)"),
        ("a + -b", "(a + (- b))"),
        ("a ^ #b ^ c", "(a ^ (# (b ^ c)))"),
    ];
    for (src, want) in tests {
        assert_eq!(parse_expr(src), want, "{src}");
    }
}

#[test]
fn expressions() {
    let tests = [
        ("nil, true, false, ...", "nil, true, false, ..."),
        ("1, 1.0, 0x10, 'a', [[b]]", r#"1, 1f, 16, "a", "b""#),
        ("a.b.c", r#"a["b"]["c"]"#),
        ("a[1][b]", "a[1][b]"),
        ("a.b[c].d", r#"a["b"][c]["d"]"#),
        ("f()", "f()"),
        ("f(1, 2)", "f(1, 2)"),
        ("f'x'", r#"f("x")"#),
        (r#"f"x""#, r#"f("x")"#),
        ("f[[x]]", r#"f("x")"#),
        ("f{1}", "f({1})"),
        ("f{}", "f({})"),
        ("f'x''y'", r#"f("x")("y")"#),
        ("f{}{}", "f({})({})"),
        ("a:b()", "a:b()"),
        ("a:b'x'", r#"a:b("x")"#),
        ("a:b{}", "a:b({})"),
        ("a.b:c(1).d:e()", r#"a["b"]:c(1)["d"]:e()"#),
        ("(f)()", "<f>()"),
        ("('x'):rep(2)", r#"<"x">:rep(2)"#),
        ("(f())", "<f()>"),
        ("{}", "{}"),
        ("{1, 2; 3,}", "{1, 2, 3}"),
        (
            "{a = 1, ['b'] = 2, 3, [4] = 5;}",
            r#"{["a"]=1, ["b"]=2, 3, [4]=5}"#,
        ),
        ("{a}", "{a}"),
        ("{a.b, a == b, f()}", r#"{a["b"], (a == b), f()}"#),
        ("{{}, {{}}}", "{{}, {{}}}"),
        ("function() end", "function() [0] end"),
        ("function(a, b) return a end", "function(a,b) [1] end"),
        ("function(...) return ... end", "function(...) [1] end"),
        ("function(a, ...) end", "function(a,...) [0] end"),
    ];
    for (src, want) in tests {
        assert_eq!(parse_expr(src), want, "{src}");
    }
}

fn stat_kind(s: &Stat) -> &'static str {
    match s {
        Stat::Local(_) => "LocalStat",
        Stat::Assign(_) => "AssignStat",
        Stat::Call(_) => "CallStat",
        Stat::Do(_) => "DoStat",
        Stat::While(_) => "WhileStat",
        Stat::Repeat(_) => "RepeatStat",
        Stat::If(_) => "IfStat",
        Stat::NumericFor(_) => "NumericForStat",
        Stat::GenericFor(_) => "GenericForStat",
        Stat::Function(_) => "FunctionStat",
        Stat::LocalFunction(_) => "LocalFunctionStat",
        Stat::Return(_) => "ReturnStat",
        Stat::Break(_) => "BreakStat",
        Stat::Goto(_) => "GotoStat",
        Stat::Label(_) => "LabelStat",
    }
}

#[test]
fn statements() {
    let chunk = parse_ok(
        r#"
local a, b <const>, c <close> = 1, 2
local d
local function f(x, ...) return ... end
function g.h.i:m(y) return self end
function k() end
a, b.c, d[1] = f()
f(a)
o:m(1)
do end
while a do break end
repeat local z until z
if a then elseif b then else end
if a then end
for i = 1, 10, 2 do end
for i = 1, 10 do end
for k, v in pairs(t) do end
goto done
::done::
;;
return 1, 2;
"#,
    );
    let ast = &chunk.ast;
    let st = &ast[chunk.block.stats];
    let kinds: Vec<&str> = st.iter().map(stat_kind).collect();
    assert_eq!(
        kinds.join(" "),
        "LocalStat LocalStat LocalFunctionStat FunctionStat FunctionStat AssignStat CallStat CallStat \
         DoStat WhileStat RepeatStat IfStat IfStat NumericForStat NumericForStat GenericForStat \
         GotoStat LabelStat ReturnStat"
    );
    let Stat::Local(local) = &st[0] else { panic!() };
    let local = &ast[*local];
    let names: Vec<String> = ast[local.names].iter().map(|n| s(n)).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(
        ast[local.attribs],
        [Attrib::None, Attrib::Const, Attrib::Close]
    );
    assert_eq!(ast[local.values].len(), 2);
    let Stat::Local(d) = &st[1] else { panic!() };
    let d = &ast[*d];
    assert!(ast[d.values].is_empty() && ast[d.attribs][0] == Attrib::None);
    let Stat::LocalFunction(lf) = &st[2] else {
        panic!()
    };
    let lf = &ast[*lf];
    assert_eq!(lf.name, b"f");
    assert_eq!(ast[lf.func.params], [&b"x"[..]]);
    assert!(lf.func.is_vararg);
    let Stat::Function(fs) = &st[3] else { panic!() };
    let fs = &ast[*fs];
    assert!(fs.is_method);
    assert_eq!(expr_string(ast, &fs.target), r#"g["h"]["i"]["m"]"#);
    let params: Vec<String> = ast[fs.func.params].iter().map(|p| s(p)).collect();
    assert_eq!(params, ["self", "y"]);
    let Stat::Function(fs) = &st[4] else { panic!() };
    let fs = &ast[*fs];
    assert!(!fs.is_method && expr_string(ast, &fs.target) == "k" && ast[fs.func.params].is_empty());
    let Stat::Assign(a) = &st[5] else { panic!() };
    let a = &ast[*a];
    assert_eq!(expr_list(ast, &ast[a.targets]), r#"a, b["c"], d[1]"#);
    assert_eq!(expr_list(ast, &ast[a.values]), "f()");
    let Stat::Call(c) = &st[7] else { panic!() };
    let c = &ast[*c];
    assert_eq!(expr_string(ast, &c.call), "o:m(1)");
    let Stat::While(w) = &st[9] else { panic!() };
    let w = &ast[*w];
    assert!(matches!(ast[w.body.stats][..], [Stat::Break(_)]));
    let Stat::Repeat(r) = &st[10] else { panic!() };
    let r = &ast[*r];
    assert!(expr_string(ast, &r.cond) == "z" && ast[r.body.stats].len() == 1);
    let Stat::If(i) = &st[11] else { panic!() };
    let i = &ast[*i];
    assert!(ast[i.conds].len() == 2 && ast[i.blocks].len() == 2 && i.else_block.is_some());
    let Stat::If(i) = &st[12] else { panic!() };
    let i = &ast[*i];
    assert!(ast[i.conds].len() == 1 && i.else_block.is_none());
    let Stat::NumericFor(f) = &st[13] else {
        panic!()
    };
    let f = &ast[*f];
    assert_eq!(f.var, b"i");
    assert_eq!(
        f.step.as_ref().map(|e| expr_string(ast, e)).as_deref(),
        Some("2")
    );
    let Stat::NumericFor(f) = &st[14] else {
        panic!()
    };
    let f = &ast[*f];
    assert!(f.step.is_none());
    let Stat::GenericFor(f) = &st[15] else {
        panic!()
    };
    let f = &ast[*f];
    let names: Vec<String> = ast[f.names].iter().map(|n| s(n)).collect();
    assert_eq!(names, ["k", "v"]);
    assert_eq!(expr_list(ast, &ast[f.exprs]), "pairs(t)");
    let Stat::Goto(g) = &st[16] else { panic!() };
    let g = &ast[*g];
    assert_eq!(g.label, b"done");
    let Stat::Label(l) = &st[17] else { panic!() };
    let l = &ast[*l];
    assert_eq!(l.name, b"done");
    let Stat::Return(r) = &st[18] else { panic!() };
    let r = &ast[*r];
    assert_eq!(expr_list(ast, &ast[r.values]), "1, 2");
}

#[test]
fn return_forms() {
    for src in [
        "return",
        "return;",
        "return 1",
        "return 1;",
        "return f()",
        "do return end",
        "do return; end",
        "if x then return else return 1 end",
        "repeat return until x",
        "while x do return end",
        "local function f() return end",
        "do return end return",
    ] {
        parse_ok(src);
    }
}

#[test]
fn vararg() {
    for src in [
        "return ...",
        "local a, b = ...",
        "function f(...) return ... end",
        "function f(a, ...) return function(...) return ... end end",
        "return function(...) local t = {...} end",
    ] {
        parse_ok(src);
    }
    for src in [
        "function f() return ... end",
        "function f(...) return function() return ... end end",
        "local function f(a) local t = {...} end",
        "return function(...) end, function() return ... end",
    ] {
        let err = parse_err(src.as_bytes()).map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(
                |e| e.contains("cannot use '...' outside a vararg function near '...'")
            ),
            "{src:?}: got {err:?}"
        );
    }
}

#[test]
fn positions() {
    let src =
        "local x = a.b +\n  f(1)\n    :m 'y'\nx[1], y = 2, function()\nend\nfunction t.u:v() end";
    let chunk = parse_ok(src);
    let ast = &chunk.ast;
    let st = &ast[chunk.block.stats];
    let Stat::Local(local) = &st[0] else { panic!() };
    let local = &ast[*local];
    let Expr::Binary(bin) = &ast[local.values][0] else {
        panic!()
    };
    let bin = &ast[*bin];
    let Expr::Index(idx) = &bin.l else { panic!() };
    let idx = &ast[*idx];
    let Expr::MethodCall(mc) = &bin.r else {
        panic!()
    };
    let mc = &ast[*mc];
    let Expr::Call(call) = &mc.obj else { panic!() };
    let call = &ast[*call];
    let Stat::Assign(a) = &st[1] else { panic!() };
    let a = &ast[*a];
    let Expr::Function(f) = &ast[a.values][1] else {
        panic!()
    };
    let f = &ast[*f];
    let Stat::Function(fs) = &st[2] else { panic!() };
    let fs = &ast[*fs];
    let p = Pos::new;
    let checks = [
        ("local", local.pos, p(1, 1)),
        ("local name", ast[local.name_pos][0], p(1, 7)),
        ("binary op", bin.pos, p(1, 15)),
        ("index '.'", idx.pos, p(1, 12)),
        ("index key", idx.key.pos(ast), p(1, 13)),
        ("method call", mc.pos, p(2, 3)),
        ("method name", mc.name_pos, p(3, 6)),
        ("method arg", ast[mc.args][0].pos(ast), p(3, 8)),
        ("call", call.pos, p(2, 3)),
        ("assign '='", a.pos, p(4, 9)),
        ("index '['", ast[a.targets][0].pos(ast), p(4, 2)),
        ("function", f.pos, p(4, 14)),
        ("function end", f.end_pos, p(5, 1)),
        ("function body end", f.body.end, p(5, 1)),
        ("function stat", fs.pos, p(6, 1)),
        ("method target ':'", fs.target.pos(ast), p(6, 13)),
        ("method func", fs.func.pos, p(6, 1)),
        ("chunk end", chunk.block.end, p(6, 21)),
    ];
    for (what, got, want) in checks {
        assert_eq!(got, want, "{what}");
    }
}

/// The positions of the tokens the compiler needs for the reference's line
/// information: where multi-line tokens end, closing brackets, separators,
/// `then` and `do`.
#[test]
fn line_positions() {
    let src = "local s = [[a\nb]] .. f(1,\n  2\n) .. t[\n  k\n] .. (x\n)\n\
        if x\nthen\nbreak;\n;\nelseif y then end\n\
        for i = 1, 2\ndo end\nfor k in pairs(t)\ndo end\n\
        local a\n  <close>\nlocal b = 1\n  , 2\n\
        goto\n  l\n::l\n::\n\
        local u = { v\n  (1), w = 2\n  ; 3 }\n\
        local g = function\n  (p,\n  ...) end";
    let chunk = parse_ok(src);
    let ast = &chunk.ast;
    let st = &ast[chunk.block.stats];
    let Stat::Local(l0) = &st[0] else { panic!() };
    let l0 = &ast[*l0];
    let Expr::Binary(b0) = &ast[l0.values][0] else {
        panic!()
    };
    let b0 = &ast[*b0];
    let Expr::String(lit) = &b0.l else { panic!() };
    let StringLit { end_line, pos, .. } = &ast[*lit];
    let Expr::Binary(b1) = &b0.r else { panic!() };
    let b1 = &ast[*b1];
    let Expr::Call(call) = &b1.l else { panic!() };
    let call = &ast[*call];
    let Expr::Binary(b2) = &b1.r else { panic!() };
    let b2 = &ast[*b2];
    let Expr::Index(idx) = &b2.l else { panic!() };
    let idx = &ast[*idx];
    let Expr::Paren(paren) = &b2.r else { panic!() };
    let paren = &ast[*paren];
    let Stat::If(ifs) = &st[1] else { panic!() };
    let ifs = &ast[*ifs];
    let Stat::NumericFor(nf) = &st[2] else {
        panic!()
    };
    let nf = &ast[*nf];
    let Stat::GenericFor(gf) = &st[3] else {
        panic!()
    };
    let gf = &ast[*gf];
    let Stat::Local(la) = &st[4] else { panic!() };
    let la = &ast[*la];
    let Stat::Local(lb) = &st[5] else { panic!() };
    let lb = &ast[*lb];
    let Stat::Goto(gt) = &st[6] else { panic!() };
    let gt = &ast[*gt];
    let Stat::Label(lbl) = &st[7] else { panic!() };
    let lbl = &ast[*lbl];
    let Stat::Local(lu) = &st[8] else { panic!() };
    let lu = &ast[*lu];
    let Expr::Table(t) = &ast[lu.values][0] else {
        panic!()
    };
    let t = &ast[*t];
    let Stat::Local(lg) = &st[9] else { panic!() };
    let lg = &ast[*lg];
    let Expr::Function(f) = &ast[lg.values][0] else {
        panic!()
    };
    let f = &ast[*f];
    let p = Pos::new;
    let z = Pos::default();
    let checks = [
        ("string start", *pos, p(1, 11)),
        ("index '['", idx.pos, p(4, 7)),
        ("index ']'", idx.end_pos, p(6, 1)),
        ("paren '('", paren.pos, p(6, 6)),
        ("paren ')'", paren.end_pos, p(7, 1)),
        ("numeric for '='", nf.eq_pos, p(13, 7)),
        ("numeric for do", nf.do_pos, p(14, 1)),
        ("generic for in", gf.in_pos, p(15, 7)),
        ("generic for do", gf.do_pos, p(16, 1)),
        ("local attrib '>'", la.names_end, p(18, 9)),
        ("local without '='", la.eq_pos, z),
        ("local '='", lb.eq_pos, p(19, 9)),
        ("local name end", lb.names_end, p(19, 7)),
        ("goto label", gt.label_pos, p(22, 3)),
        ("label end", lbl.end_pos, p(24, 1)),
        ("field ','", ast[t.fields][0].sep_pos, p(26, 6)),
        ("record '='", ast[t.fields][1].eq_pos, p(26, 10)),
        ("field ';'", ast[t.fields][1].sep_pos, p(27, 3)),
        ("last field", ast[t.fields][2].sep_pos, z),
        ("function '('", f.lparen, p(29, 3)),
        ("function '...'", f.params_end, p(30, 3)),
    ];
    for (what, got, want) in checks {
        assert_eq!(got, want, "{what}");
    }
    let lines = [
        ("string end", *end_line, 2),
        ("call '('", call.lparen, 2),
        ("call ','", ast[call.arg_commas][0], 2),
        ("call ')'", call.rparen, 4),
        ("then", ast[ifs.then_pos][0], 9),
        ("elseif then", ast[ifs.then_pos][1], 12),
        ("local ','", ast[lb.value_commas][0], 20),
        ("name ahead", ast[t.fields][0].name_ahead_line, 26),
        ("no name ahead", ast[t.fields][2].name_ahead_line, 0),
        ("break ';'", ast[ifs.break_end][0], 11),
        ("no break", ast[ifs.break_end][1], 0),
        ("then block last line", ast[ifs.blocks][0].last_line, 11),
        ("empty block last line", ast[ifs.blocks][1].last_line, 12),
        ("chunk last line", chunk.block.last_line, 30),
    ];
    for (what, got, want) in lines {
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn nesting_limit() {
    // The largest n that parses, for each construct: one more than what
    // lua5.4 accepts through load() called from a chunk, which is what it
    // accepts for a script file run by the standalone interpreter.
    type Gen = fn(usize) -> String;
    let tests: &[(&str, usize, Gen)] = &[
        ("paren", 196, |n| {
            format!("x={}1{}", "(".repeat(n), ")".repeat(n))
        }),
        ("unary", 196, |n| format!("x={}1", "- ".repeat(n))),
        ("not", 196, |n| format!("x={}1", "not ".repeat(n))),
        ("concat", 196, |n| format!("x={}a", "a..".repeat(n))),
        ("pow", 196, |n| format!("x={}a", "a^".repeat(n))),
        ("table", 197, |n| {
            format!("x={}{}", "{".repeat(n), "}".repeat(n))
        }),
        ("function", 198, |n| {
            format!("{}{}", "function f() ".repeat(n), "end ".repeat(n))
        }),
        ("function expr", 99, |n| {
            format!("{}{}", "x = function() ".repeat(n), "end ".repeat(n))
        }),
        ("do", 198, |n| {
            format!("{}{}", "do ".repeat(n), "end ".repeat(n))
        }),
        ("if", 197, |n| {
            format!("{}{}", "if x then ".repeat(n), "end ".repeat(n))
        }),
        ("while", 197, |n| {
            format!("{}{}", "while x do ".repeat(n), "end ".repeat(n))
        }),
        ("repeat", 197, |n| {
            format!("{}{}", "repeat ".repeat(n), "until x ".repeat(n))
        }),
        ("assign", 196, |n| format!("{}a=1", "a,".repeat(n))),
        ("labels", 198, |n| {
            (0..n).map(|i| format!("::l{i}:: ")).collect()
        }),
        ("index", 196, |n| {
            format!("x={}1{}", "a[".repeat(n), "]".repeat(n))
        }),
        ("call", 197, |n| {
            format!("x={}){}", "f(".repeat(n), ")".repeat(n - 1))
        }),
        ("mixed", 98, |n| {
            format!("x={}1{}", "-(".repeat(n), ")".repeat(n))
        }),
    ];
    for (name, max, gen_src) in tests {
        if let Some(e) = parse_err(gen_src(*max).as_bytes()) {
            panic!("{name} {max}: {e}");
        }
        let err = parse_err(gen_src(max + 1).as_bytes()).map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("C stack overflow"),
            "{name} {}",
            max + 1
        );
    }
    // Long flat constructs are not nested.
    for src in [
        format!("x={}a", "a+".repeat(10000)),
        format!("::a::{}", ";".repeat(10000)),
        "x = 1\n".repeat(10000),
        format!("x = {{{}}}", "1,".repeat(10000)),
    ] {
        if let Some(e) = parse_err(src.as_bytes()) {
            panic!("flat {:?}: {e}", &src[..20]);
        }
    }
}

/// Very deep nesting fails cleanly, without exhausting the Rust stack, even
/// on a thread with a small stack (the nesting limit bounds the recursion).
#[test]
fn deep_nesting_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            for src in [
                "(".repeat(1_000_000),
                format!("x={}", "{".repeat(1_000_000)),
                format!("x={}", "- ".repeat(1_000_000)),
                "do ".repeat(1_000_000),
                format!("x={}1", "-(".repeat(1_000_000)),
                format!("{}a=1", "a,".repeat(1_000_000)),
                "x = function() ".repeat(1_000_000),
                format!("x={}", "f(".repeat(1_000_000)),
            ] {
                let err = parse_err(src.as_bytes()).map(|e| e.to_string());
                assert_eq!(
                    err.as_deref(),
                    Some("C stack overflow"),
                    "deep {:?}",
                    &src[..10]
                );
            }
        })
        .expect("spawn");
    handle.join().expect("deep nesting overflowed or failed");
}

#[test]
fn shebang() {
    let src = b"#!/usr/bin/env lua\nreturn = 1";
    let err = parse("@script.lua", src).unwrap_err();
    assert_eq!(err.to_string(), "script.lua:2: unexpected symbol near '='");
    let err = parse_mode(b"=input", src, Mode::LOAD).unwrap_err();
    assert_eq!(err.to_string(), "input:1: unexpected symbol near '#'");
}

#[test]
fn error_recovery() {
    let src = r#"local x = = 1
local y = 2
function f()
  return 1 +
end
if a then b = = 3 end
print("ok")
z = "unterminated
local t = {1 2}
return 1 end
"#;
    let errs = parse_all(b"=r", src.as_bytes(), Mode::LOAD).unwrap_err();
    let got: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    let want = [
        "r:1: unexpected symbol near '='",
        "r:5: unexpected symbol near 'end'",
        "r:6: unexpected symbol near '='",
        r#"r:8: unfinished string near '"unterminated'"#,
        "r:9: '}' expected near '2'",
        "r:10: <eof> expected near 'end'",
    ];
    assert_eq!(got, want);
    assert_eq!(
        parse_mode(b"=r", src.as_bytes(), Mode::LOAD)
            .unwrap_err()
            .to_string(),
        want[0]
    );
    // The parser gives up after MAX_ERRORS errors.
    let errs = parse_all(b"=r", "local x = = 1\n".repeat(100).as_bytes(), Mode::LOAD).unwrap_err();
    assert_eq!(errs.len(), MAX_ERRORS);
}

#[test]
fn incomplete_input() {
    // The REPL reads more lines while the error is at <eof>.
    for src in [
        "function f()",
        "x = ",
        "if x then",
        "t = {",
        "s = [[abc",
        "f(",
        "return 'a' ..",
    ] {
        let e = parse_err(src.as_bytes()).expect("error");
        assert!(e.is_at_eof(), "{src:?}: {e}");
    }
    for src in ["x = = 1", "end", "x = 1 +\n+"] {
        let e = parse_err(src.as_bytes()).expect("error");
        assert!(!e.is_at_eof(), "{src:?}: {e}");
    }
}

#[test]
fn error_line_and_bytes() {
    let e = parse_err(b"x = 1\ny = \xff").expect("error");
    assert_eq!(e.line(), 2);
    assert_eq!(e.to_bytes(), b"test:2: unexpected symbol near '<\\255>'");
    let e = parse_err(b"x = 'a\xffb' + ").expect("error");
    assert_eq!(e.to_bytes(), b"test:1: unexpected symbol near <eof>");
    // Checked against lua5.4: the string token is shown with its quotes,
    // raw bytes included.
    let e = parse_err(b"x = 1 'a\xffb'").expect("error");
    assert_eq!(e.to_bytes(), b"test:1: unexpected symbol near ''a\xffb''");
}

/// The parser never panics on awkward input, returns either a tree or
/// between one and MAX_ERRORS errors, and its trees can be dumped (the Go
/// version's FuzzParse over a fixed corpus).
#[test]
fn parse_invariants() {
    let words: Vec<&str> = "and break do else elseif end false for function goto if in local nil not \
        or repeat return then true until while + - * / // % ^ # & ~ | << >> .. ... == ~= < <= > >= \
        = ( ) { } [ ] :: ; : , . x y f 1 2.5 0x10 \"s\" 's' [[l]] <const> <close> <foo> a.b a:b() t[1] \
        \"abc \\q 3x [= -- --[[ ]] @ 1e 0x '\\300' '\\x4' '\\u{110000000}'"
        .split_whitespace()
        .collect();
    let mut state: u32 = 7;
    let mut rand = move |n: usize| {
        state = state.wrapping_mul(1103515245).wrapping_add(12345);
        (state >> 16) as usize % n
    };
    for _ in 0..3000 {
        let mut src = String::new();
        for _ in 0..1 + rand(25) {
            src.push_str(words[rand(words.len())]);
            src.push_str([" ", " ", " ", "\n"][rand(4)]);
        }
        match parse_all(b"=fuzz", src.as_bytes(), Mode::LOAD) {
            Ok(chunk) => {
                let _ = dump(&chunk);
            }
            Err(errs) => {
                assert!(!errs.is_empty() && errs.len() <= MAX_ERRORS, "{src:?}");
                assert!(errs.iter().all(|e| !e.msg.is_empty()), "{src:?}");
            }
        }
    }
}

/// Lists built on the scratch stacks while inner lists of the same kind
/// are read still come out whole and in order, and nodes are reached by
/// their ids.
#[test]
fn nested_lists_in_the_arenas() {
    let chunk = parse_ok(
        "if x then if y then z() elseif w then v() end elseif u then t() else s() end\n\
         return f(a, g(b, h(c, d), e), i), {1, {2, 3}, 4}",
    );
    let ast = &chunk.ast;
    assert_eq!(
        parse_expr("f(a, g(b, h(c, d), e), i), {1, {2, 3}, 4}"),
        "f(a, g(b, h(c, d), e), i), {1, {2, 3}, 4}"
    );
    let st = &ast[chunk.block.stats];
    let Stat::Return(r) = &st[1] else { panic!() };
    assert_eq!(
        expr_list(ast, &ast[ast[*r].values]),
        "f(a, g(b, h(c, d), e), i), {1, {2, 3}, 4}"
    );
    let Stat::If(outer) = &st[0] else { panic!() };
    let outer = &ast[*outer];
    let conds: Vec<String> = ast[outer.conds]
        .iter()
        .map(|c| expr_string(ast, c))
        .collect();
    assert_eq!(conds, ["x", "u"]);
    assert_eq!(ast[outer.then_pos].len(), 2);
    let Stat::If(inner) = &ast[ast[outer.blocks][0].stats][0] else {
        panic!()
    };
    let conds: Vec<String> = ast[ast[*inner].conds]
        .iter()
        .map(|c| expr_string(ast, c))
        .collect();
    assert_eq!(conds, ["y", "w"]);
}

/// The arena API as a hand-built tree uses it.
#[test]
fn arena_push_and_index() {
    let mut ast = Ast::default();
    let p = Pos::new(1, 1);
    let one = ast.push(IntLit { pos: p, value: 1 });
    let two = ast.push(IntLit { pos: p, value: 2 });
    assert_ne!(one, two);
    assert_eq!(ast[two].value, 2);
    let nil = Expr::Nil(ast.push(Pos::new(1, 9)));
    let list = ast.push_list([Expr::Int(one), Expr::Int(two), nil]);
    let empty: List<Expr> = ast.push_list([]);
    assert_eq!((list.len(), empty.len()), (3, 0));
    assert!(empty.is_empty() && ast[empty].is_empty());
    assert!(matches!(ast[list][1], Expr::Int(i) if ast[i].value == 2));
    assert!(matches!(ast[list][2], Expr::Nil(q) if ast[q] == Pos::new(1, 9)));
    let id = ast.push_name(b"x", Pos::new(2, 3));
    assert_eq!(ast.name(id), b"x");
    assert_eq!(ast.name_pos(id), Pos::new(2, 3));
    assert_eq!(ast.name_count(), 1);
}

/// The tree's node sizes stay small: the payloads of the other variants
/// live in the arenas.
#[test]
fn node_sizes() {
    assert!(
        std::mem::size_of::<Expr>() <= 8,
        "Expr is {} bytes",
        std::mem::size_of::<Expr>()
    );
    assert!(
        std::mem::size_of::<Stat>() <= 8,
        "Stat is {} bytes",
        std::mem::size_of::<Stat>()
    );
}

/// `n` names `p1, p2, ...` separated by commas.
fn names(p: &str, n: usize) -> String {
    (1..=n)
        .map(|i| format!("{p}{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn local_limit_before_syntax_error() {
    // The reference reads and compiles in one pass, so a chunk that declares
    // too many locals fails with the limit even if a syntax error follows
    // (the test suite's errors.lua checks it); messages from lua5.4.
    let cases = [
        (
            format!("\nfunction foo ()\n  local {}, b\n", names("a", 300)),
            "input:3: too many local variables (limit is 200) in function at line 2 near ','",
        ),
        (
            format!("local {} = = 1", names("a", 201)),
            "input:1: too many local variables (limit is 200) in main function near '='",
        ),
        (
            format!("local {}\nlocal function f() end x x", names("a", 200)),
            "input:2: too many local variables (limit is 200) in main function near '('",
        ),
        (
            format!("local {}\nlocal function f() end x x", names("a", 199)),
            "input:2: syntax error near 'x'",
        ),
        (
            format!("for i = 1, 2 do local {}\n x x", names("a", 196)),
            "input:2: syntax error near 'x'",
        ),
        (
            format!("for i = 1, 2 do local {}\n x x", names("a", 197)),
            "input:2: too many local variables (limit is 200) in main function near 'x'",
        ),
        (
            format!("for k, v in x do local {}\n x x", names("a", 194)),
            "input:2: syntax error near 'x'",
        ),
        (
            format!("for k, v in x do local {}\n x x", names("a", 195)),
            "input:2: too many local variables (limit is 200) in main function near 'x'",
        ),
        (
            format!("local {}\nfor k, v, w in x do", names("a", 195)),
            "input:2: too many local variables (limit is 200) in main function near ','",
        ),
        (
            format!("local {}\nfor k = 1, 2 do", names("a", 196)),
            "input:2: 'end' expected near <eof>",
        ),
        (
            format!("local {}\nfor k = 1, 2 do", names("a", 197)),
            "input:2: too many local variables (limit is 200) in main function near '='",
        ),
        (
            format!(
                "local {}\ndo local {} end local {} x x",
                names("a", 150),
                names("b", 50),
                names("c", 50)
            ),
            "input:2: syntax error near 'x'",
        ),
        (
            format!(
                "local {}\nif x then local {} else local {} end x x",
                names("a", 150),
                names("b", 50),
                names("c", 51)
            ),
            "input:2: too many local variables (limit is 200) in main function near 'end'",
        ),
        (
            format!(
                "local {}\nrepeat local {} until x x x",
                names("a", 150),
                names("b", 51)
            ),
            "input:2: too many local variables (limit is 200) in main function near 'until'",
        ),
        (
            format!("f = function({}) x x", names("p", 201)),
            "input:1: too many local variables (limit is 200) in function at line 1 near ')'",
        ),
        (
            format!("local t = {{}}\nfunction t:m({}) x x", names("p", 199)),
            "input:2: syntax error near 'x'",
        ),
        (
            format!("local t = {{}}\nfunction t:m({}) x x", names("p", 200)),
            "input:2: too many local variables (limit is 200) in function at line 2 near ')'",
        ),
        (
            format!(
                "local {}\nlocal f = function({}) end x x",
                names("a", 200),
                names("p", 200)
            ),
            "input:2: too many local variables (limit is 200) in main function near '='",
        ),
        (
            format!("local {} <foo> = 1", names("a", 201)),
            "input:1: too many local variables (limit is 200) in main function near '<'",
        ),
        (
            format!("local {}\n\n\n= =", names("a", 201)),
            "input:4: too many local variables (limit is 200) in main function near '='",
        ),
        (
            format!("local x = 1 x x local {}", names("a", 201)),
            "input:1: syntax error near 'x'",
        ),
        (
            format!(
                "local {}\nlocal function f() local {} end local {} x",
                names("a", 50),
                names("b", 199),
                names("c", 151)
            ),
            "input:2: too many local variables (limit is 200) in main function near ','",
        ),
    ];
    for (src, want) in &cases {
        let got = parse_mode(b"=input", src.as_bytes(), Mode::LOAD).map(|_| ());
        let got = got.map_err(|e| e.to_string()).expect_err(want);
        assert_eq!(got, *want, "{}", &src[..src.len().min(40)]);
    }
    // A complete chunk is the compiler's to check, in its order.
    let src = format!("local {}", names("a", 201));
    assert!(parse_mode(b"=input", src.as_bytes(), Mode::LOAD).is_ok());
    // The limit error comes first in the list of all errors.
    let src = format!("local {} = = 1\nlocal y = = 2", names("a", 201));
    let errs = parse_all(b"=input", src.as_bytes(), Mode::LOAD).unwrap_err();
    let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "input:1: too many local variables (limit is 200) in main function near '='",
            "input:1: unexpected symbol near '='",
            "input:2: unexpected symbol near '='",
        ]
    );
}

#[test]
fn unclosed_call_names_its_parenthesis() {
    // Since Lua 5.4.6 the line named is the one of the '(' (lua5.4 5.4.4
    // names the line where the called expression starts).
    for (src, want) in [
        (
            "f\n(\n1",
            "input:3: ')' expected (to close '(' at line 2) near <eof>",
        ),
        (
            "local x = a.b\n  :c(\n1",
            "input:3: ')' expected (to close '(' at line 2) near <eof>",
        ),
        (
            "f(\n1",
            "input:2: ')' expected (to close '(' at line 1) near <eof>",
        ),
    ] {
        let e = parse_mode(b"=input", src.as_bytes(), Mode::LOAD).unwrap_err();
        assert_eq!(e.to_string(), want);
    }
}

/// Names and strings without escapes are borrowed from the source; strings
/// with escapes and long strings are decoded into buffers of their own.
#[test]
fn values_borrow_the_source() {
    let src: &[u8] =
        b"local name = 'plain', \"tab\\tx\", [[long]], \"\", 'say \"hi\"'\nreturn name.field";
    let chunk = parse_mode(b"=test", src, Mode::LOAD).expect("parse");
    let inside = |b: &[u8]| src.as_ptr_range().contains(&b.as_ptr());
    let ast = &chunk.ast;
    let Stat::Local(l) = &ast[chunk.block.stats][0] else {
        panic!("not a local statement")
    };
    let l = &ast[*l];
    assert!(inside(ast[l.names][0]) && ast[l.names][0] == b"name");
    let strings: Vec<(bool, &[u8])> = ast[l.values]
        .iter()
        .map(|v| match v {
            Expr::String(x) => (ast[*x].value.is_source(), ast.string(*x)),
            e => panic!("not a string: {e:?}"),
        })
        .collect();
    assert_eq!(
        strings,
        [
            (true, &b"plain"[..]),
            (false, b"tab\tx"),
            (false, b"long"),
            (true, b""),
            (true, b"say \"hi\""),
        ]
    );
    let Stat::Return(r) = &ast[chunk.block.stats][1] else {
        panic!("not a return")
    };
    let Expr::Index(ix) = &ast[ast[*r].values][0] else {
        panic!("not an index")
    };
    let ix = &ast[*ix];
    let Expr::String(key) = &ix.key else {
        panic!("not a string key")
    };
    assert!(ast[*key].value.is_source());
    let value = ast.string(*key);
    assert!(inside(value) && value == b"field");
}

/// The top-level statements of `src` as the reader gives them, batch by
/// batch: kind and position of each, and the number of batches; or the
/// error.
fn read_batches(src: &[u8], mode: Mode) -> Result<(Vec<String>, usize, Block<'_>), SyntaxError> {
    let mut r = crate::StatReader::new(b"=input", src, mode);
    let (mut stats, mut batches) = (Vec::new(), 0);
    while r.read_batch() {
        batches += 1;
        let ast = r.ast();
        assert!(!r.stats().is_empty(), "an empty batch");
        for st in &ast[r.stats()] {
            stats.push(format!(
                "{:?} at {}",
                std::mem::discriminant(st),
                st.pos(ast)
            ));
        }
    }
    r.finish().map(|b| (stats, batches, b))
}

#[test]
fn stat_reader_matches_parse() {
    let mut big = String::new();
    for i in 0..2000 {
        if i % 20 == 0 {
            big.push_str(&format!("local function f{i}(a) return a + {i} end;\n"));
        } else {
            big.push_str(&format!("function f{i}(a) return a + {i} end;\n"));
        }
        big.push_str(&format!("x{i} = {{ f{i}(1), 'k' }} ; ;\n"));
    }
    big.push_str("return x1");
    let cases: Vec<&[u8]> = vec![
        b"",
        b";",
        b"local x = 1; print(x)\n\n",
        b"::a:: ::b:: goto a",
        b"return 1;",
        b"#!shebang\nprint(1)",
        big.as_bytes(),
    ];
    for src in cases {
        for mode in [Mode::LOAD, Mode::FILE] {
            if src.starts_with(b"#") && mode == Mode::LOAD {
                continue;
            }
            let chunk = parse_mode(b"=input", src, mode).expect("the case parses");
            let want: Vec<String> = chunk.ast[chunk.block.stats]
                .iter()
                .map(|st| format!("{:?} at {}", std::mem::discriminant(st), st.pos(&chunk.ast)))
                .collect();
            let (got, batches, body) = read_batches(src, mode).expect("the case reads");
            assert_eq!(got, want, "{}", s(&src[..src.len().min(40)]));
            assert_eq!(
                (body.end, body.last_line),
                (chunk.block.end, chunk.block.last_line)
            );
            assert!(batches <= want.len());
            if src.len() > 4 * crate::BATCH_BYTES {
                // A large chunk of small statements comes in batches.
                assert!(
                    batches > 3 && batches < want.len() / 10,
                    "{batches} batches"
                );
            }
        }
    }
}

#[test]
fn stat_reader_errors() {
    let mut many_locals = String::new();
    for i in 0..201 {
        many_locals.push_str(&format!("local v{i}\n"));
    }
    let late = format!("{many_locals}\nx = = 1");
    let mut long = String::new();
    for i in 0..3000 {
        long.push_str(&format!("y{i} = {i}\n"));
    }
    long.push_str("z = )");
    let cases: Vec<&[u8]> = vec![
        b"x = = 1",
        b"print(1) end",
        b"return 1 print(2)",
        b"return; ;",
        b"do",
        b"x = 1 \x01",
        b"\x01",
        b"'unfinished",
        b"local a <foo> = 1",
        late.as_bytes(),
        long.as_bytes(),
    ];
    for src in cases {
        let want = parse_mode(b"=input", src, Mode::LOAD).expect_err("the case fails");
        let got = read_batches(src, Mode::LOAD).expect_err("the case fails");
        assert_eq!(got.to_string(), want.to_string());
        assert_eq!(got.line(), want.line());
    }
    // A caller that stops early still gets the chunk's syntax error.
    let mut r = crate::StatReader::new(b"=input", long.as_bytes(), Mode::LOAD);
    assert!(r.read_batch());
    let err = r.finish().expect_err("the chunk fails");
    assert_eq!(err.to_string(), "input:3001: unexpected symbol near ')'");
}

#[test]
fn stat_reader_rest() {
    let mut src = "x = 1\n".repeat(3 * crate::BATCH_BYTES / 6);
    src.push_str("::a:: y = 2\n;\nreturn x\n");
    let chunk = parse_mode(b"=input", src.as_bytes(), Mode::LOAD).expect("the case parses");
    let all = chunk.ast[chunk.block.stats].len();
    let mut r = crate::StatReader::new(b"=input", src.as_bytes(), Mode::LOAD);
    let mut before = 0;
    while r.read_batch() {
        let n = r.stats().len();
        if r.ast()[r.stats()]
            .iter()
            .any(|s| matches!(s, Stat::Label(_)))
        {
            assert!(r.read_rest());
            let body = r.main_block();
            // The batch and the rest of the chunk, in one tree.
            assert_eq!(before + body.stats.len(), all);
            assert!(body.stats.len() > n);
            assert_eq!(
                (body.end, body.last_line),
                (chunk.block.end, chunk.block.last_line)
            );
            assert!(matches!(r.ast()[body.stats].last(), Some(Stat::Return(_))));
            break;
        }
        before += n;
    }
    assert!(before > 0, "the label came in the first batch");
    assert!(r.finish().is_ok());
    // A syntax error in the rest.
    let bad = format!("{src}x = = 1");
    let mut r = crate::StatReader::new(b"=input", bad.as_bytes(), Mode::LOAD);
    while r.read_batch() {
        if r.ast()[r.stats()]
            .iter()
            .any(|s| matches!(s, Stat::Label(_)))
        {
            assert!(!r.read_rest());
        }
    }
    assert!(r.finish().is_err());
}
