//! Compile speed on a large source (issue 16): generates about 1 MB of
//! varied, realistic Lua (modules of functions with locals, loops,
//! conditions, table constructors, string literals, nested expressions,
//! method calls and closures), then times `lunar_syntax::parse`,
//! `lunar_compile::compile` and `lunar_compile::verify::verify` (which a
//! state runs on every prototype it loads) on it, minimum of several runs.
//!
//! `cargo bench -p lunar-compile --bench compile_big` times the generated
//! source; extra arguments: `--write FILE` writes it (to compare with
//! `luac5.4 -p FILE`), `--size BYTES` sets its size, `--iters N` the number
//! of runs, and a plain `FILE` times that file instead (with `--iters 1`
//! this is the run to give callgrind or perf).
//!
//! It times both roads of the compiler: the whole tree (`parse`, then
//! `compile`) and the stream of top-level statements that the interpreter
//! takes (`compile_source`, which never holds the whole tree). `--road
//! whole` or `--road stream` times one of them and prints the process's
//! peak resident memory (`VmHWM`), which is then that road's. `--sizes`
//! prints what the prototypes take, by part (the bytes asked of the
//! allocator, each block counted at least 16 bytes as allocators round,
//! and once when prototypes share it).

use std::time::{Duration, Instant};

/// A small deterministic generator of pseudo-random numbers (an LCG), so
/// that every run compiles the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "count", "total", "value", "index", "name", "items", "result", "buffer", "node", "left",
    "right", "width", "height", "offset", "limit", "state", "config", "entry", "key", "data",
];
const GLOBALS: &[&str] = &[
    "print", "tostring", "type", "pairs", "ipairs", "select", "error",
];
const STRINGS: &[&str] = &[
    "\"hello, world\"",
    "'single quoted'",
    "\"tab\\tand newline\\n\"",
    "\"escapes \\x41\\65\\u{48}\"",
    "'a longer string literal that carries some text'",
    "[[a long\nstring]]",
    "\"\"",
    "\"%d items in %s\"",
];

/// Writes Lua source with the shapes of real programs.
struct Gen {
    rng: Rng,
    out: String,
    indent: usize,
    /// Names of the locals visible at the current point (a few).
    locals: Vec<String>,
    uniq: usize,
}

impl Gen {
    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn fresh(&mut self) -> String {
        self.uniq += 1;
        let w = self.rng.pick(WORDS);
        format!("{w}{}", self.uniq % 97)
    }

    fn var(&mut self) -> String {
        if self.locals.is_empty() || self.rng.below(8) == 0 {
            return self.rng.pick(WORDS).to_string() + "_g";
        }
        let i = self.rng.below(self.locals.len());
        self.locals[i].clone()
    }

    fn atom(&mut self) -> String {
        match self.rng.below(10) {
            0 => self.rng.below(1000).to_string(),
            1 => format!("{}.{}", self.rng.below(100), self.rng.below(100)),
            2 => self.rng.pick(STRINGS).to_string(),
            3 => format!("{}.{}", self.var(), self.rng.pick(WORDS)),
            4 => format!("{}[{}]", self.var(), self.rng.below(10) + 1),
            5 => format!("#{}", self.var()),
            _ => self.var(),
        }
    }

    fn expr(&mut self, depth: usize) -> String {
        if depth == 0 {
            return self.atom();
        }
        match self.rng.below(12) {
            0..=3 => {
                let op = self
                    .rng
                    .pick(&["+", "-", "*", "/", "//", "%", "..", "<", "==", "and", "or"]);
                format!("{} {op} {}", self.expr(depth - 1), self.expr(depth - 1))
            }
            4 => format!("({} + {}) * {}", self.atom(), self.atom(), self.atom()),
            5 => format!(
                "{}({}, {})",
                self.rng.pick(GLOBALS),
                self.expr(depth - 1),
                self.atom()
            ),
            6 => format!(
                "{}:{}({})",
                self.var(),
                self.rng.pick(WORDS),
                self.expr(depth - 1)
            ),
            7 => format!(
                "{{ {} = {}, {}, [ {} ] = {} }}",
                self.rng.pick(WORDS),
                self.atom(),
                self.atom(),
                self.atom(),
                self.atom()
            ),
            8 => format!("not {}", self.atom()),
            _ => self.atom(),
        }
    }

    fn statement(&mut self, depth: usize) {
        match self.rng.below(if depth == 0 { 6 } else { 11 }) {
            0 | 1 => {
                let n = self.fresh();
                let e = self.expr(2);
                self.line(&format!("local {n} = {e}"));
                self.locals.push(n);
            }
            2 => {
                let (v, e) = (self.var(), self.expr(2));
                self.line(&format!("{v} = {e}"));
            }
            3 => {
                let (v, e) = (self.var(), self.expr(1));
                let k = self.rng.pick(WORDS);
                self.line(&format!("{v}.{k} = {e}"));
            }
            4 => {
                let (v, a) = (self.var(), self.expr(1));
                let m = self.rng.pick(WORDS);
                let s = self.rng.pick(STRINGS);
                self.line(&format!("{v}:{m}({a}, {s})"));
            }
            5 => {
                let a = self.expr(2);
                let g = self.rng.pick(GLOBALS);
                self.line(&format!("{g}({a})"));
            }
            6 => {
                let c = self.expr(2);
                self.line(&format!("if {c} then"));
                self.block(depth - 1, 3);
                let c = self.expr(1);
                self.line(&format!("elseif {c} then"));
                self.block(depth - 1, 2);
                self.line("else");
                self.block(depth - 1, 2);
                self.line("end");
            }
            7 => {
                let i = self.fresh();
                let lim = self.expr(1);
                self.line(&format!("for {i} = 1, {lim} do"));
                self.locals.push(i);
                self.block(depth - 1, 3);
                self.locals.pop();
                self.line("end");
            }
            8 => {
                let (k, v) = (self.fresh(), self.fresh());
                let t = self.var();
                self.line(&format!("for {k}, {v} in pairs({t}) do"));
                self.locals.push(k);
                self.locals.push(v);
                self.block(depth - 1, 3);
                self.locals.truncate(self.locals.len() - 2);
                self.line("end");
            }
            9 => {
                let c = self.expr(1);
                self.line(&format!("while {c} do"));
                self.block(depth - 1, 2);
                self.line("break");
                self.line("end");
            }
            _ => {
                let f = self.fresh();
                let p = self.fresh();
                self.line(&format!("local function {f}({p}, ...)"));
                self.locals.push(f);
                let mark = self.locals.len();
                self.locals.push(p);
                self.block(depth - 1, 3);
                let e = self.expr(1);
                self.indent += 1;
                self.line(&format!("return {e}, select('#', ...)"));
                self.indent -= 1;
                self.locals.truncate(mark);
                self.line("end");
            }
        }
    }

    fn block(&mut self, depth: usize, n: usize) {
        self.indent += 1;
        let mark = self.locals.len();
        for _ in 0..n + self.rng.below(3) {
            self.statement(depth);
        }
        self.locals.truncate(mark);
        self.indent -= 1;
    }

    /// One module: a table of functions and methods in a `do` block, so
    /// that the main function's locals stay under the limit.
    fn module(&mut self, m: usize) {
        self.line(&format!("-- module {m}: generated"));
        self.line("do");
        self.indent += 1;
        self.line(&format!(
            "local M{m} = {{ version = {m}, name = \"module{m}\" }}"
        ));
        for f in 0..4 + self.rng.below(4) {
            let (a, b) = (self.fresh(), self.fresh());
            let sep = if self.rng.below(2) == 0 { ":" } else { "." };
            self.line(&format!("function M{m}{sep}f{f}({a}, {b})"));
            self.locals = vec![a, b];
            if sep == ":" {
                self.locals.push("self".into());
            }
            self.block(3, 4);
            let e = self.expr(2);
            self.indent += 1;
            self.line(&format!("return {e}"));
            self.indent -= 1;
            self.line("end");
        }
        self.locals.clear();
        self.line(&format!("modules_g[{m}] = M{m}"));
        self.indent -= 1;
        self.line("end");
    }
}

/// Generates about `size` bytes of Lua source.
fn generate(size: usize) -> String {
    let mut g = Gen {
        rng: Rng(0x5eed),
        out: String::with_capacity(size + 4096),
        indent: 0,
        locals: Vec::new(),
        uniq: 0,
    };
    g.line("local modules_g = {}");
    let mut m = 0;
    while g.out.len() < size {
        g.module(m);
        m += 1;
    }
    g.line("return modules_g");
    g.out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut size, mut iters, mut write, mut file) = (1 << 20, 10, None, None);
    let mut road = None;
    let mut sizes = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {}
            "--size" => {
                size = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--size BYTES")
            }
            "--iters" => iters = args.next().and_then(|s| s.parse().ok()).expect("--iters N"),
            "--write" => write = Some(args.next().expect("--write FILE")),
            "--road" => road = Some(args.next().expect("--road whole|stream")),
            "--sizes" => sizes = true,
            _ => file = Some(a),
        }
    }
    let src = match &file {
        Some(f) => std::fs::read(f).expect("read the source file"),
        None => generate(size).into_bytes(),
    };
    if let Some(w) = write {
        std::fs::write(&w, &src).expect("write the source");
        println!("wrote {} bytes to {w}", src.len());
        return;
    }
    if sizes {
        let proto = lunar_compile::compile_source("@big.lua", &src).expect("the source compiles");
        let mut t = Sizes::default();
        t.add(&proto);
        t.print();
        return;
    }
    if road.as_deref() != Some("stream") {
        whole_road(&src, iters);
    }
    if road.as_deref() != Some("whole") {
        stream_road(&src, iters);
    }
    if road.is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        if let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM")) {
            println!("{hwm}");
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Times `parse`, then `compile` on the whole tree, then `verify`.
fn whole_road(src: &[u8], iters: usize) {
    let (mut parse_min, mut compile_min, mut total_min) =
        (Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..iters {
        let t0 = Instant::now();
        let chunk = lunar_syntax::parse("@big.lua", src).expect("the source parses");
        let t1 = Instant::now();
        let proto = lunar_compile::compile(&chunk).expect("the source compiles");
        // The tree is dropped once compiled, as the interpreter drops it.
        drop(chunk);
        let t2 = Instant::now();
        lunar_compile::verify::verify(&proto).expect("the code verifies");
        let t3 = Instant::now();
        drop(proto);
        parse_min = parse_min.min(t1 - t0);
        compile_min = compile_min.min(t2 - t0);
        total_min = total_min.min(t3 - t0);
    }
    println!(
        "{} bytes, whole tree: parse {:.2} ms, +compile {:.2} ms, +verify {:.2} ms (min of {iters})",
        src.len(),
        ms(parse_min),
        ms(compile_min),
        ms(total_min)
    );
}

/// Times `compile_source` (parsing and compiling one top-level statement
/// at a time), then `verify`.
fn stream_road(src: &[u8], iters: usize) {
    let (mut compile_min, mut total_min) = (Duration::MAX, Duration::MAX);
    for _ in 0..iters {
        let t0 = Instant::now();
        let proto = lunar_compile::compile_source("@big.lua", src).expect("the source compiles");
        let t1 = Instant::now();
        lunar_compile::verify::verify(&proto).expect("the code verifies");
        let t2 = Instant::now();
        drop(proto);
        compile_min = compile_min.min(t1 - t0);
        total_min = total_min.min(t2 - t0);
    }
    println!(
        "{} bytes, streamed: parse+compile {:.2} ms, +verify {:.2} ms (min of {iters})",
        src.len(),
        ms(compile_min),
        ms(total_min)
    );
}

/// The memory of prototypes, by part.
#[derive(Default)]
struct Sizes {
    protos: usize,
    structs: usize,
    source: usize,
    code: usize,
    line_info: usize,
    constants: usize,
    strings: usize,
    upvalues: usize,
    loc_vars: usize,
    names: usize,
    blocks: usize,
    /// The shared blocks counted (by address).
    seen: std::collections::HashSet<usize>,
}

/// A heap block of `n` bytes as an allocator hands it out (0 for none).
fn block(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        n.max(16).next_multiple_of(16)
    }
}

impl Sizes {
    fn add(&mut self, p: &lunar_compile::Proto) {
        use std::mem::size_of;
        self.protos += 1;
        // The `Arc`'s block: two counts and the prototype.
        self.structs += block(16 + size_of::<lunar_compile::Proto>());
        if self.seen.insert(p.source.as_ptr() as usize) {
            self.source += block(p.source.len());
        }
        self.code += block(p.code.capacity() * 4);
        self.line_info += block(p.line_info.capacity() * 4);
        self.constants += block(p.constants.capacity() * size_of::<lunar_compile::Constant>());
        for k in &p.constants {
            if let Some(s) = k.as_str() {
                self.strings += block(s.len());
            }
        }
        self.upvalues += block(p.upvalues.capacity() * size_of::<lunar_compile::UpvalueDesc>());
        self.loc_vars += block(p.loc_vars.capacity() * size_of::<lunar_compile::LocVar>());
        for u in &p.upvalues {
            self.names += block(u.name.len());
        }
        for v in &p.loc_vars {
            if self.seen.insert(v.name.as_ptr() as usize) {
                self.names += block(v.name.len());
            }
        }
        self.blocks += block(p.protos.capacity() * 8);
        for c in &p.protos {
            self.add(c);
        }
    }

    fn print(&self) {
        let kb = |n: usize| n as f64 / 1024.0;
        let total = self.structs
            + self.source
            + self.code
            + self.line_info
            + self.constants
            + self.strings
            + self.upvalues
            + self.loc_vars
            + self.names
            + self.blocks;
        println!("{} prototypes, {:.0} KiB in all:", self.protos, kb(total));
        for (what, n) in [
            ("Proto structs (in Arc)", self.structs),
            ("source names", self.source),
            ("code", self.code),
            ("line_info", self.line_info),
            ("constant tables", self.constants),
            ("constant strings", self.strings),
            ("upvalue tables", self.upvalues),
            ("loc_vars tables", self.loc_vars),
            ("upvalue and local names", self.names),
            ("nested prototype tables", self.blocks),
        ] {
            println!("  {what:<26}{:>8.0} KiB", kb(n));
        }
    }
}
