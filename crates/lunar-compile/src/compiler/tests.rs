//! Unit tests of the compiler: semantic errors (checked against luac when
//! it is installed), constant folding (checked against lua5.4), long chains,
//! the depth limit and concurrent compilation.

use std::process::Command;
use std::sync::Arc;

use lunar_syntax::ast::{
    Ast, Block, Chunk, DoStat, Expr, List, NodeCounts, Pos, ReturnStat, Stat, UnaryExpr, UnaryOp,
};

use super::constant::{ArithOp, KValue, fold};
use super::{CompileOptions, compile, compile_with_options};
use crate::disasm::disassemble;
use crate::proto::Proto;

/// "p000, p001, ..., p(n-1)" with the given prefix.
fn names(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|i| format!("{prefix}{i:03}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `n` lines "local aNNN = NNN".
fn many_local_lines(n: usize) -> String {
    (0..n)
        .map(|i| format!("local a{i:03} = {i:03}\n"))
        .collect()
}

/// Semantic errors, with the message lua5.4 gives (chunk "input"); ""
/// means the chunk compiles.
pub(super) fn compile_error_tests() -> Vec<(String, String)> {
    let mut t: Vec<(String, String)> = [
        // goto and labels (§3.3.4)
        (
            "goto x",
            "input:1: no visible label 'x' for <goto> at line 1",
        ),
        (
            "goto x\n\n",
            "input:3: no visible label 'x' for <goto> at line 1",
        ),
        (
            "local function f()\n goto x\nend\n\nprint(1)\n",
            "input:5: no visible label 'x' for <goto> at line 2",
        ),
        (
            "local f = function()\n goto x\nend\nprint(1)",
            "input:4: no visible label 'x' for <goto> at line 2",
        ),
        (
            "g(function() goto x end, 2)",
            "input:1: no visible label 'x' for <goto> at line 1",
        ),
        (
            "local function f() goto e end ::e::",
            "input:1: no visible label 'e' for <goto> at line 1",
        ),
        (
            "do ::l1:: end goto l1",
            "input:1: no visible label 'l1' for <goto> at line 1",
        ),
        (
            "goto l\ndo ::l:: end",
            "input:2: no visible label 'l' for <goto> at line 1",
        ),
        ("break", "input:1: break outside loop at line 1"),
        (
            "while true do local f = function() break end end",
            "input:1: break outside loop at line 1",
        ),
        (
            "do goto l; local a\n ::l:: print(a) end",
            "input:2: <goto l> at line 1 jumps into the scope of local 'a'",
        ),
        (
            "repeat goto l; local x; ::l:: until x",
            "input:1: <goto l> at line 1 jumps into the scope of local 'x'",
        ),
        (
            "goto f; local x; ::f:: print(x)",
            "input:1: <goto f> at line 1 jumps into the scope of local 'x'",
        ),
        (
            "if x then goto e end local y ::e:: print(y)",
            "input:1: <goto e> at line 1 jumps into the scope of local 'y'",
        ),
        (
            "::a:: ::a::",
            "input:1: label 'a' already defined on line 1",
        ),
        (
            "::a::\ndo ::a:: end",
            "input:2: label 'a' already defined on line 1",
        ),
        (
            "::a::\n::b::\nx=1\n::a::\n",
            "input:5: label 'a' already defined on line 1",
        ),
        ("do goto l; local a; ::l:: end", ""),
        ("do goto l; local a; ::l:: ::m:: end", ""),
        ("do local x; goto f end ::f::", ""),
        ("while 1 do goto cont; local z = 1; ::cont:: end", ""),
        ("::top:: do local x; goto top end", ""),
        ("for i = 1, 3 do if i then break end end", ""),
        // read-only variables (§3.3.7)
        (
            "local x <const> = 1\nx = 2",
            "input:2: attempt to assign to const variable 'x'",
        ),
        (
            "local x <close> = nil\nx = 2",
            "input:2: attempt to assign to const variable 'x'",
        ),
        (
            "local x = 1\nlocal y <const> = {}\nlocal function f() y = 1 end",
            "input:3: attempt to assign to const variable 'y'",
        ),
        (
            "local a <const> = 1\nlocal b\nb, a = 1, 2",
            "input:3: attempt to assign to const variable 'a'",
        ),
        (
            "local a <const> = 1\nlocal b\na, b = 1, 2",
            "input:3: attempt to assign to const variable 'a'",
        ),
        (
            "local x <const> = 1\nfunction x() end\n",
            "input:3: attempt to assign to const variable 'x'",
        ),
        (
            "local x <const> = 1\nfunction x() end",
            "input:2: attempt to assign to const variable 'x'",
        ),
        (
            "local x <const> = 1\nlocal function f() local function g() x = 2 end end",
            "input:2: attempt to assign to const variable 'x'",
        ),
        ("local t <const> = {}\nfunction t.f() end\nt.x = 1", ""),
        ("for i = 1, 2 do i = 3 end", ""),
        ("for k in pairs({}) do k = 1 end", ""),
        (
            "local x <close>, y <close> = 1, 2",
            "input:1: multiple to-be-closed variables in local list",
        ),
        // more corners, checked against luac like the others
        (
            "local function f() return ... end",
            "input:1: cannot use '...' outside a vararg function near '...'",
        ),
        (
            "local function f(...) return function() return ... end end",
            "input:1: cannot use '...' outside a vararg function near '...'",
        ),
        (
            "while x do ::l:: end goto l",
            "input:1: no visible label 'l' for <goto> at line 1",
        ),
        ("if x then ::a:: end ::a::", ""),
        ("::l:: goto l", ""),
        (
            "do local a <const> = 1; local function f() a = 2 end end",
            "input:1: attempt to assign to const variable 'a'",
        ),
        (
            "x = function()\n local y <const> = {}\n return function()\n  y = 2\n end\nend",
            "input:4: attempt to assign to const variable 'y'",
        ),
        ("local a <close> = nil local b <close> = nil", ""),
        (
            "for i = 1, 2 do local x <close> = nil; if i then break end end",
            "",
        ),
        ("repeat local x; if x then break end until x", ""),
        ("repeat break until true", ""),
        (
            "local function f()\n  break\nend",
            "input:3: break outside loop at line 2",
        ),
        (
            "goto done\nlocal x = 1\n::done::\nreturn x",
            "input:4: <goto done> at line 1 jumps into the scope of local 'x'",
        ),
        ("do goto done; local x = 1 ::done:: end", ""),
        ("local t <const> = 1\nt.x = 1", ""),
    ]
    .iter()
    .map(|(s, w)| (s.to_string(), w.to_string()))
    .collect();
    // limits
    let limit = |s: String, w: &str| (s, w.to_string());
    t.push(limit(
        format!("local {} = 1", names("a", 201)),
        "input:1: too many local variables (limit is 200) in main function near '='",
    ));
    t.push(limit(
        format!("local {}", names("a", 201)),
        "input:1: too many local variables (limit is 200) in main function near <eof>",
    ));
    t.push(limit(
        many_local_lines(201),
        "input:201: too many local variables (limit is 200) in main function near '='",
    ));
    t.push(limit(
        format!("local function f({}) end", names("p", 201)),
        "input:1: too many local variables (limit is 200) in function at line 1 near ')'",
    ));
    t.push(limit(
        format!("for i = 1, 2 do\n{}end", many_local_lines(197)),
        "input:198: too many local variables (limit is 200) in main function near '='",
    ));
    t.push(limit(
        format!("print({})", names("a", 260)),
        "input:1: function or expression needs too many registers near 'a254'",
    ));
    t.push(limit(
        format!("local t = {{{}, f({})}}", names("a", 49), names("b", 210)),
        "input:1: function or expression needs too many registers near 'b204'",
    ));
    t.push(limit(
        format!(
            "local {}\nlocal function f()\n local {}\n local function g()\n  return {}, {}\n end\nend\n",
            names("a", 150),
            names("b", 150),
            names("a", 150),
            names("b", 150)
        ),
        "input:5: function or expression needs too many registers near 'b105'",
    ));
    t.push(limit(
        format!(
            "local {}\nlocal function f()\n local {}\n local function g()\n  local t = {{{}}}\n  local u = {{{}}}\n end\nend\n",
            names("a", 150),
            names("b", 150),
            names("a", 150),
            names("b", 150)
        ),
        "input:6: too many upvalues (limit is 255) in function at line 4 near ','",
    ));
    t.push(limit(
        format!(
            "local {}\nlocal function f()\n local {}\n local function g()\n  local t = {{{}}}\n  return {}\n end\nend\n",
            names("a", 150),
            names("b", 150),
            names("a", 150),
            names("b", 110).replace(',', " +")
        ),
        "input:6: too many upvalues (limit is 255) in function at line 4 near '+'",
    ));
    t
}

fn short(s: &str) -> String {
    s.chars()
        .take(60)
        .collect::<String>()
        .escape_debug()
        .to_string()
}

#[test]
fn compile_errors() {
    let mut failures = Vec::new();
    for (src, want) in compile_error_tests() {
        let chunk = match lunar_syntax::parse("=input", src.as_bytes()) {
            Ok(c) => c,
            Err(e) => {
                if want.is_empty() || e.to_string() != want {
                    failures.push(format!("{}: parse error {e}", short(&src)));
                }
                continue;
            }
        };
        let got = compile(&chunk)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        if got != want {
            failures.push(format!("{}:\n got {got:?}\nwant {want:?}", short(&src)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Finds luac 5.4, or says why not.
fn find_program(names: &[&str], flag: &str) -> Result<String, String> {
    for name in names {
        if let Ok(out) = Command::new(name).arg(flag).output() {
            let text = [out.stdout, out.stderr].concat();
            if String::from_utf8_lossy(&text).contains("Lua 5.4") {
                return Ok(name.to_string());
            }
        }
    }
    Err(format!("none of {names:?} is installed"))
}

/// Checks the expectations of `compile_errors` with luac, when installed.
#[test]
fn compile_errors_luac() {
    let luac = match find_program(&["luac5.4", "luac"], "-v") {
        Ok(l) => l,
        Err(why) => {
            eprintln!("skipping the comparison with luac: {why}");
            return;
        }
    };
    let dir = std::env::temp_dir().join(format!("lunar-compile-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let mut failures = Vec::new();
    for (src, want) in compile_error_tests() {
        std::fs::write(dir.join("input"), &src).expect("write input");
        let out = Command::new(&luac)
            .args(["-p", "input"])
            .current_dir(&dir)
            .output()
            .expect("run luac");
        let got = String::from_utf8_lossy(&out.stderr).trim().to_string();
        let got = got
            .strip_prefix(&format!("{luac}: "))
            .unwrap_or(&got)
            .to_string();
        if got != want {
            failures.push(format!(
                "{}: luac says {got:?}, test expects {want:?}",
                short(&src)
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every error comes back as a `SyntaxError` with the chunk's name.
#[test]
fn compile_source_errors() {
    let err = super::compile_source("@x.lua", b"local a <const> = 1; a = 2").unwrap_err();
    assert_eq!(
        err.to_string(),
        "x.lua:1: attempt to assign to const variable 'a'"
    );
    assert_eq!(err.line(), 1);
    let err = super::compile_source("=input", b"x = = 1").unwrap_err();
    assert_eq!(err.to_string(), "input:1: unexpected symbol near '='");
    let err = super::compile_source("=input", b"function f() return ... end").unwrap_err();
    assert_eq!(
        err.to_string(),
        "input:1: cannot use '...' outside a vararg function near '...'"
    );
}

/// The main function's shape: variadic, one upvalue `_ENV` in the stack of
/// no one, the chunk name as source.
#[test]
fn main_function() {
    let p = super::compile_source("@main.lua", b"local function f(a, b) return a end").unwrap();
    assert!(p.is_vararg);
    assert_eq!(p.num_params, 0);
    assert_eq!(&*p.source, b"@main.lua");
    assert_eq!(p.upvalues.len(), 1);
    assert_eq!(&*p.upvalues[0].name, b"_ENV");
    assert!(p.upvalues[0].in_stack);
    assert_eq!(p.protos.len(), 1);
    let f = &p.protos[0];
    assert_eq!(
        (
            f.num_params,
            f.is_vararg,
            f.line_defined,
            f.last_line_defined
        ),
        (2, false, 1, 1)
    );
    assert_eq!(&*f.source, b"@main.lua");
}

// ---------------------------------------------------------------------------
// Constant folding

/// Numbers whose combinations exercise the corners of Lua arithmetic.
fn fold_operands() -> Vec<KValue<'static>> {
    let mut v: Vec<KValue<'static>> = [0i64, 1, -1, 2, -7, 3, 64, -64, 63, i64::MAX, i64::MIN]
        .iter()
        .map(|&i| KValue::Int(i))
        .collect();
    v.extend(
        [
            0.0,
            -0.0,
            1.0,
            -1.0,
            2.5,
            -7.5,
            3.0,
            1e308,
            -1e308,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9223372036854775808.0,
            -9223372036854775808.0,
        ]
        .iter()
        .map(|&f| KValue::Float(f)),
    );
    v
}

const ALL_OPS: [ArithOp; 14] = [
    ArithOp::Add,
    ArithOp::Sub,
    ArithOp::Mul,
    ArithOp::Mod,
    ArithOp::Pow,
    ArithOp::Div,
    ArithOp::IDiv,
    ArithOp::BAnd,
    ArithOp::BOr,
    ArithOp::BXor,
    ArithOp::Shl,
    ArithOp::Shr,
    ArithOp::Unm,
    ArithOp::BNot,
];

fn op_text(op: ArithOp) -> &'static str {
    match op {
        ArithOp::Add => "+",
        ArithOp::Sub | ArithOp::Unm => "-",
        ArithOp::Mul => "*",
        ArithOp::Mod => "%",
        ArithOp::Pow => "^",
        ArithOp::Div => "/",
        ArithOp::IDiv => "//",
        ArithOp::BAnd => "&",
        ArithOp::BOr => "|",
        ArithOp::BXor | ArithOp::BNot => "~",
        ArithOp::Shl => "<<",
        ArithOp::Shr => ">>",
    }
}

/// Writes a number so that Lua reads back the same value.
fn lua_literal(v: KValue<'_>) -> String {
    match v {
        KValue::Int(i64::MIN) => "math.mininteger".into(),
        KValue::Int(i) => format!("({i})"),
        KValue::Float(f) if f == f64::INFINITY => "math.huge".into(),
        KValue::Float(f) if f == f64::NEG_INFINITY => "(-math.huge)".into(),
        KValue::Float(f) if f == 0.0 && f.is_sign_negative() => "(-0.0)".into(),
        KValue::Float(f) => format!("({f:?})"),
        _ => "?".into(),
    }
}

/// Prints a result as the Lua script below does.
fn format_result(v: KValue<'_>) -> String {
    match v {
        KValue::Int(i) => format!("integer {i}"),
        KValue::Float(f) if f.is_infinite() => {
            format!("float {}inf", if f > 0.0 { "" } else { "-" })
        }
        KValue::Float(f) => format!("float {}", f),
        _ => "?".into(),
    }
}

/// Compares every folding that `fold` accepts with the result lua5.4
/// computes at run time.
#[test]
fn fold_against_lua() {
    let lua = match find_program(&["lua5.4", "lua"], "-v") {
        Ok(l) => l,
        Err(why) => {
            eprintln!("skipping the comparison with lua: {why}");
            return;
        }
    };
    let mut cases = Vec::new();
    let mut script = String::from(
        "local function show(ok, v)\n  if not ok then print('error') return end\n  \
         if math.type(v) == 'integer' then print('integer ' .. string.format('%d', v))\n  \
         else print('float ' .. string.format('%.17g', v)) end\nend\n",
    );
    let ops = fold_operands();
    for op in ALL_OPS {
        for &a in &ops {
            let bs: Vec<KValue<'_>> = if matches!(op, ArithOp::Unm | ArithOp::BNot) {
                vec![KValue::Int(0)]
            } else {
                ops.clone()
            };
            for b in bs {
                let Some(r) = fold(op, a, b) else { continue };
                let (expr, code) = if matches!(op, ArithOp::Unm | ArithOp::BNot) {
                    (
                        format!("{}{}", op_text(op), lua_literal(a)),
                        format!("{}a", op_text(op)),
                    )
                } else {
                    (
                        format!("{} {} {}", lua_literal(a), op_text(op), lua_literal(b)),
                        format!("a {} b", op_text(op)),
                    )
                };
                cases.push((expr, r, op == ArithOp::Pow));
                // Operands go through locals so that lua5.4 computes at run
                // time instead of folding.
                script.push_str(&format!(
                    "do local a, b = {}, {} show(pcall(function() return {code} end)) end\n",
                    lua_literal(a),
                    lua_literal(b)
                ));
            }
        }
    }
    let mut child = Command::new(&lua)
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run lua");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(script.as_bytes())
            .expect("write script");
    }
    let out = child.wait_with_output().expect("lua output");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.trim().lines().collect();
    assert_eq!(
        lines.len(),
        cases.len(),
        "results for {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for ((expr, r, _pow), line) in cases.iter().zip(&lines) {
        let got = match *line {
            l if l.starts_with("float ") => {
                let f: f64 = l[6..].parse().unwrap_or(f64::NAN);
                format_result(KValue::Float(f))
            }
            l => l.to_string(),
        };
        let want = format_result(*r);
        if got != want {
            failures.push(format!("{expr}: lua5.4 gives {got}, fold gives {want}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases.len() > 1000, "only {} cases", cases.len());
}

/// The operations `fold` must leave to run time.
#[test]
fn fold_refusals() {
    use KValue::{Float, Int, Str};
    let refused = [
        (ArithOp::Div, Int(1), Int(0)),
        (ArithOp::IDiv, Int(1), Int(0)),
        (ArithOp::Mod, Int(1), Int(0)),
        (ArithOp::Mod, Float(1.0), Float(0.0)),
        (ArithOp::Div, Float(0.0), Float(1.0)), // 0.0 is not folded
        (ArithOp::Mul, Float(-1.0), Float(0.0)), // nor -0.0
        (ArithOp::Sub, Float(f64::INFINITY), Float(f64::INFINITY)), // nor NaN
        (ArithOp::BAnd, Float(1.5), Int(1)),    // not an integer
        (ArithOp::BOr, Float(9223372036854775808.0), Int(1)), // out of range
        (ArithOp::Unm, Float(0.0), Int(0)),     // -0.0
        (ArithOp::Add, Str(b"1"), Int(1)),      // strings are not folded
        (ArithOp::BNot, Float(f64::INFINITY), Int(0)), // not an integer
    ];
    for (op, a, b) in refused {
        assert!(
            fold(op, a, b).is_none(),
            "fold({op:?}, {a:?}, {b:?}) = {:?}",
            fold(op, a, b)
        );
    }
    assert!(matches!(fold(ArithOp::Pow, Int(0), Int(-1)), Some(Float(f)) if f == f64::INFINITY));
    assert!(matches!(
        fold(ArithOp::IDiv, Int(i64::MIN), Int(-1)),
        Some(Int(i64::MIN))
    ));
    assert!(matches!(
        fold(ArithOp::Mod, Int(i64::MIN), Int(-1)),
        Some(Int(0))
    ));
    assert!(matches!(fold(ArithOp::Shl, Int(1), Int(64)), Some(Int(0))));
    assert!(matches!(fold(ArithOp::Shr, Int(-1), Int(63)), Some(Int(1))));
}

// ---------------------------------------------------------------------------
// Robustness

/// Runs `f` on a thread with a large stack: trees nested thousands of
/// levels deep are dropped recursively.
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("test thread");
}

/// Chains that the grammar builds with loops, far longer than any nesting
/// limit, compile without using the stack for each link.
#[test]
fn long_chains() {
    with_big_stack(|| {
        const N: usize = 100_000;
        let tests = [
            format!("x = a{}", " + a".repeat(N)),
            format!("x = a{}", " and a".repeat(N)),
            format!("x = a{}", ".b".repeat(N)),
            format!("x = a{}", "[1]".repeat(N)),
            format!("f{}", "()".repeat(N)),
            format!("a{}", ":m()".repeat(N / 2)),
            format!("local c <const> = 1{} return c", " + 1".repeat(N)),
            "x = 1\n".repeat(N),
            format!("local t = {{{}}}", "1, ".repeat(N)),
            format!("if a then{} end", " elseif a then".repeat(N / 10)),
        ];
        for src in tests {
            let chunk = lunar_syntax::parse("=chain", src.as_bytes())
                .unwrap_or_else(|e| panic!("{}: {e}", short(&src)));
            let p = compile(&chunk).unwrap_or_else(|e| panic!("{}: {e}", short(&src)));
            assert!(!p.code.is_empty());
        }
    });
}

/// Trees nested deeper than the parser allows, built by hand: the compiler
/// reports an error instead of exhausting the stack.
#[test]
fn depth_limit() {
    with_big_stack(|| {
        const N: usize = 100_000;
        let p = Pos::new(1, 1);
        let mut ast = Ast::default();
        let mut e = Expr::Name {
            id: ast.push_name(b"x", p),
        };
        for _ in 0..N {
            e = Expr::Unary(ast.push(UnaryExpr {
                pos: p,
                op: UnaryOp::Neg,
                x: e,
            }));
        }
        let values = ast.push_list([e]);
        let ret = ast.push(ReturnStat {
            pos: p,
            values,
            value_commas: List::default(),
        });
        let deep_expr = Chunk {
            name: b"=deep".to_vec().into(),
            block: Block {
                stats: ast.push_list([Stat::Return(ret)]),
                end: p,
                last_line: p.line,
                id: 0,
            },
            counts: NodeCounts::default(),
            ast,
        };
        let mut ast = Ast::default();
        let mut b = Block::default();
        for i in 0..N {
            let d = ast.push(DoStat { pos: p, body: b });
            b = Block {
                stats: ast.push_list([Stat::Do(d)]),
                end: p,
                last_line: p.line,
                id: i as u32 + 1,
            };
        }
        // The counts are left at zero: the compiler grows its vectors.
        let deep_block = Chunk {
            name: b"=deep".to_vec().into(),
            block: b,
            counts: NodeCounts::default(),
            ast,
        };
        for chunk in [deep_expr, deep_block] {
            let err = compile(&chunk).expect_err("a nesting error");
            assert!(
                err.to_string().contains("too many syntax levels"),
                "got {err}"
            );
            drop(chunk);
        }
    });
}

/// One tree compiled from several threads gives the same code.
#[test]
fn concurrent_compile() {
    let src = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/functions.lua"
    ))
    .expect("functions.lua");
    let chunk = lunar_syntax::parse("@functions.lua", &src).expect("parse");
    let want = disassemble(&compile(&chunk).expect("compile"), true);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| disassemble(&compile(&chunk).expect("compile"), true)))
            .collect();
        for h in handles {
            assert_eq!(h.join().expect("thread"), want);
        }
    });
}

/// The luac 5.4.4 mode changes only the two things it documents.
#[test]
fn luac544_mode() {
    let src = b"local function f() return 'k' end\nlocal t = {'k', 1}\nfor k in pairs(t) do local x; g = function() return x end; if k then break end end";
    let chunk = lunar_syntax::parse("=m", src).expect("parse");
    let ours: Arc<Proto> = compile(&chunk).expect("compile");
    let luac: Arc<Proto> =
        compile_with_options(&chunk, CompileOptions::luac544(true)).expect("compile");
    assert_eq!(ours.code.len(), luac.code.len());
    assert_ne!(disassemble(&ours, true), disassemble(&luac, true));
}

/// The lines of the CALL instructions of a chunk's main function.
fn call_lines(src: &str, opts: CompileOptions) -> Vec<u32> {
    let chunk = lunar_syntax::parse("=m", src.as_bytes()).expect("parse");
    let p = compile_with_options(&chunk, opts).expect("compile");
    (0..p.code.len())
        .filter(|&pc| p.code[pc].opcode() == crate::OpCode::Call)
        .map(|pc| p.line_at(pc).expect("line"))
        .collect()
}

/// Since Lua 5.4.6 a call belongs to the line where its arguments start
/// (the test suite's errors.lua checks it); luac 5.4.4 gave it the line
/// where the called expression starts.
#[test]
fn call_lines_follow_arguments() {
    let cases = [
        ("f\n(\n1)", [2], [1]),
        ("local t = {}\nt\n:m(1)", [3], [2]),
        ("f\n{ 3 }", [2], [1]),
        ("f\n[[\nx\n]]", [4], [1]),
        ("f\n'x'", [2], [1]),
        ("local t = { a\n.b\n(1) }", [3], [2]),
        ("f(\n1)", [1], [1]),
    ];
    for (src, new, old) in cases {
        assert_eq!(call_lines(src, CompileOptions::default()), new, "{src:?}");
        assert_eq!(
            call_lines(src, CompileOptions::luac544(true)),
            old,
            "{src:?} (5.4.4)"
        );
    }
}

/// Local names are shared by the prototypes of a chunk, and every name
/// comes back as it was given, whatever the cache holds.
#[test]
fn local_names_shared() {
    let mut names = super::codegen::Names::default();
    let a = names.get(b"self");
    assert!(Arc::ptr_eq(&a, &names.get(b"self")));
    for i in 0..2000 {
        let n = format!("v{i}");
        assert_eq!(&*names.get(n.as_bytes()), n.as_bytes());
    }
    let src = b"local function f(self) local i = 1 end\nlocal function g(self) local i = 2 end";
    for p in [
        super::compile_source("=x", src).unwrap(),
        compile(&lunar_syntax::parse("=x", src).unwrap()).unwrap(),
    ] {
        let (f, g) = (&p.protos[0], &p.protos[1]);
        assert_eq!(&*f.loc_vars[1].name, b"i");
        assert!(Arc::ptr_eq(&f.loc_vars[0].name, &g.loc_vars[0].name));
        assert!(Arc::ptr_eq(&f.loc_vars[1].name, &g.loc_vars[1].name));
        assert!(Arc::ptr_eq(&p.source, &f.source));
    }
}
