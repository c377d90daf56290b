//! Golden disassembly tests: each `tests/data/*.lua` is compiled and its
//! full listing (`luac -l -l` style) compared with the `.golden` file beside
//! it. `LUNAR_BLESS=1 cargo test -p lunar-compile --test golden` rewrites
//! the golden files. When `luac5.4` is installed, the listings (compiled in
//! the luac 5.4.4 mode) are also compared with luac's own, and so are the
//! files of the directories listed in `LUNAR_LUAC_DIRS` (separated by ':');
//! `LUNAR_LUAC_IGNORE_LINES=1` leaves line information out of that
//! comparison, and `LUNAR_LUAC_DUMP=dir` writes both listings of every file
//! that differs into `dir`.

use std::path::{Path, PathBuf};
use std::process::Command;

use lunar_compile::disasm::disassemble;
use lunar_compile::{CompileOptions, OpCode, Proto, compile, compile_with_options};

/// The test programs, sorted by name.
fn data_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "lua"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no test programs in {}", dir.display());
    files
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

/// Describes the first line where two texts differ.
fn first_diff(want: &str, got: &str) -> Option<String> {
    let wl: Vec<&str> = want.split('\n').collect();
    let gl: Vec<&str> = got.split('\n').collect();
    for i in 0..wl.len().max(gl.len()) {
        let w = wl.get(i).copied().unwrap_or("");
        let g = gl.get(i).copied().unwrap_or("");
        if w != g {
            return Some(format!("line {}:\nwant: {w:?}\ngot:  {g:?}", i + 1));
        }
    }
    None
}

/// Checks the invariants the VM relies on in a prototype and its nested
/// ones: operands in range (registers below `max_stack_size`, constants,
/// upvalues, nested functions, jump targets), line information for every
/// instruction, EXTRAARG where expected, a return at the end.
fn check_proto(p: &Proto) -> Result<(), String> {
    let mut stack = vec![p];
    while let Some(f) = stack.pop() {
        check_function(f).map_err(|e| format!("function at line {}: {e}", f.line_defined))?;
        stack.extend(f.protos.iter().map(|p| &**p));
    }
    Ok(())
}

fn check_function(f: &Proto) -> Result<(), String> {
    let n = f.code.len();
    if f.line_info.len() != n {
        return Err(format!("{n} instructions, {} lines", f.line_info.len()));
    }
    if f.max_stack_size < 2 || f.max_stack_size as u32 >= 255 {
        return Err(format!("max_stack_size {}", f.max_stack_size));
    }
    let last = f.code.last().ok_or("no code")?.opcode();
    if !matches!(last, OpCode::Return | OpCode::Return0 | OpCode::Return1) {
        return Err(format!("last instruction is {last}"));
    }
    if f.is_vararg && f.code[0].opcode() != OpCode::VarargPrep {
        return Err("vararg function does not start with VARARGPREP".into());
    }
    let reg = |pc: usize, r: u32| {
        if r >= f.max_stack_size as u32 {
            return Err(format!(
                "pc {}: register {r} out of {}",
                pc + 1,
                f.max_stack_size
            ));
        }
        Ok(())
    };
    let k = |pc: usize, i: u32| {
        if i as usize >= f.constants.len() {
            return Err(format!(
                "pc {}: constant {i} out of {}",
                pc + 1,
                f.constants.len()
            ));
        }
        Ok(())
    };
    let up = |pc: usize, i: u32| {
        if i as usize >= f.upvalues.len() {
            return Err(format!(
                "pc {}: upvalue {i} out of {}",
                pc + 1,
                f.upvalues.len()
            ));
        }
        Ok(())
    };
    let target = |pc: usize, t: i64| {
        if t < 0 || t > n as i64 {
            return Err(format!("pc {}: jump to {} out of {n}", pc + 1, t + 1));
        }
        Ok(())
    };
    for (pc, &i) in f.code.iter().enumerate() {
        let op = i.op().ok_or(format!("pc {}: bad opcode", pc + 1))?;
        if f.line_info[pc] == 0 {
            return Err(format!("pc {}: no line", pc + 1));
        }
        if op.is_test() && f.code.get(pc + 1).map(|i| i.opcode()) != Some(OpCode::Jmp) {
            return Err(format!("pc {}: test not followed by a jump", pc + 1));
        }
        let p = pc as i64;
        match op {
            OpCode::Move | OpCode::Unm | OpCode::BNot | OpCode::Not | OpCode::Len => {
                reg(pc, i.a())?;
                reg(pc, i.b())?;
            }
            OpCode::LoadK => {
                reg(pc, i.a())?;
                k(pc, i.bx())?;
            }
            OpCode::LoadKX | OpCode::NewTable => {
                if f.code.get(pc + 1).map(|i| i.opcode()) != Some(OpCode::ExtraArg) {
                    return Err(format!("pc {}: {op} without EXTRAARG", pc + 1));
                }
                reg(pc, i.a())?;
            }
            OpCode::LoadNil => reg(pc, i.a() + i.b())?,
            OpCode::GetUpval | OpCode::SetUpval => {
                reg(pc, i.a())?;
                up(pc, i.b())?;
            }
            OpCode::GetTabUp => {
                reg(pc, i.a())?;
                up(pc, i.b())?;
                k(pc, i.c())?;
            }
            OpCode::SetTabUp => {
                up(pc, i.a())?;
                k(pc, i.b())?;
            }
            OpCode::GetField => {
                reg(pc, i.a())?;
                reg(pc, i.b())?;
                k(pc, i.c())?;
            }
            OpCode::SetField => {
                reg(pc, i.a())?;
                k(pc, i.b())?;
            }
            OpCode::GetTable => {
                reg(pc, i.a())?;
                reg(pc, i.b())?;
                reg(pc, i.c())?;
            }
            OpCode::Jmp => target(pc, p + 1 + i.sj() as i64)?,
            OpCode::ForPrep => {
                reg(pc, i.a() + 3)?;
                target(pc, p + 2 + i.bx() as i64)?;
            }
            OpCode::TForPrep => {
                reg(pc, i.a() + 3)?;
                target(pc, p + 1 + i.bx() as i64)?;
            }
            OpCode::ForLoop | OpCode::TForLoop => target(pc, p + 1 - i.bx() as i64)?,
            OpCode::Closure => {
                if i.bx() as usize >= f.protos.len() {
                    return Err(format!(
                        "pc {}: closure {} out of {}",
                        pc + 1,
                        i.bx(),
                        f.protos.len()
                    ));
                }
                reg(pc, i.a())?;
            }
            OpCode::EqK => {
                reg(pc, i.a())?;
                k(pc, i.b())?;
            }
            OpCode::Call | OpCode::TailCall => {
                reg(pc, i.a())?;
                if i.b() > 0 {
                    reg(pc, i.a() + i.b() - 1)?;
                }
            }
            _ => {}
        }
        if op.is_mm() && pc > 0 {
            let prev = f.code[pc - 1].opcode();
            if !prev.sets_a() || prev.is_mm() {
                return Err(format!("pc {}: {op} does not follow an operation", pc + 1));
            }
        }
    }
    for v in &f.loc_vars {
        if v.start_pc > v.end_pc || v.end_pc as usize > n {
            return Err(format!(
                "local {}: range {}..{} out of {n}",
                String::from_utf8_lossy(&v.name),
                v.start_pc,
                v.end_pc
            ));
        }
    }
    Ok(())
}

/// Compiles a test program and returns its listing.
fn listing(path: &Path, opts: CompileOptions) -> Result<String, String> {
    let src = std::fs::read(path).map_err(|e| e.to_string())?;
    let name = format!("@{}", file_name(path));
    let chunk = lunar_syntax::parse(&name, &src).map_err(|e| e.to_string())?;
    let p = if opts == CompileOptions::default() {
        compile(&chunk)
    } else {
        compile_with_options(&chunk, opts)
    }
    .map_err(|e| e.to_string())?;
    check_proto(&p)?;
    Ok(disassemble(&p, true))
}

/// The first line of every golden file.
const GOLDEN_HEADER: &str = "-- `luac -l -l` listing of the .lua file beside this one; LUNAR_BLESS=1 cargo test -p lunar-compile --test golden rewrites it\n";

#[test]
fn disasm_golden() {
    let bless = std::env::var_os("LUNAR_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for file in data_files() {
        let got = match listing(&file, CompileOptions::default()) {
            Ok(l) => format!("{GOLDEN_HEADER}{l}"),
            Err(e) => {
                failures.push(format!("{}: {e}", file_name(&file)));
                continue;
            }
        };
        let golden = file.with_extension("golden");
        if bless {
            std::fs::write(&golden, &got).expect("write golden file");
            continue;
        }
        let want = match std::fs::read_to_string(&golden) {
            Ok(w) => w,
            Err(e) => {
                failures.push(format!(
                    "{}: {e} (run with LUNAR_BLESS=1 to create it)",
                    golden.display()
                ));
                continue;
            }
        };
        if let Some(d) = first_diff(&want, &got) {
            failures.push(format!(
                "{}: listing differs from {} at {d}",
                file_name(&file),
                file_name(&golden)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The `.lua` files of the directories listed in `LUNAR_LUAC_DIRS`
/// (separated by ':'), which `luac_listings` compares with luac too.
fn extra_files() -> Vec<PathBuf> {
    let Some(dirs) = std::env::var_os("LUNAR_LUAC_DIRS") else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for dir in std::env::split_paths(&dirs) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            panic!("LUNAR_LUAC_DIRS: cannot read {}", dir.display());
        };
        let mut more: Vec<PathBuf> = entries
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "lua"))
            .collect();
        more.sort();
        files.extend(more);
    }
    files
}

/// Removes the line numbers ("\t[12]\t") of the instructions of a listing.
fn strip_lines(listing: &str) -> String {
    listing
        .lines()
        .map(|l| {
            let mut fields: Vec<&str> = l.split('\t').collect();
            if fields.len() > 3 && fields[2].starts_with('[') && fields[2].ends_with(']') {
                fields[2] = "[]";
            }
            fields.join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Finds luac 5.4, or says why not.
fn find_luac() -> Result<String, String> {
    for name in ["luac5.4", "luac"] {
        if let Ok(out) = Command::new(name).arg("-v").output()
            && String::from_utf8_lossy(&out.stdout).contains("Lua 5.4")
        {
            return Ok(name.to_string());
        }
    }
    Err("luac 5.4 is not installed (neither luac5.4 nor luac runs)".into())
}

/// Returns luac's listing of a file, with function addresses replaced by
/// indices as the disassembler prints them.
fn luac_listing(luac: &str, path: &Path) -> String {
    let dir = path.parent().expect("directory");
    let out = Command::new(luac)
        .args(["-l", "-l", "-p"])
        .arg(file_name(path))
        .current_dir(dir)
        .output()
        .expect("run luac");
    if !out.status.success() {
        let s = String::from_utf8_lossy(&out.stderr).trim().to_string();
        let msg = s.split_once(": ").map_or(s.as_str(), |(_, m)| m);
        return format!("luac5.4: {msg}");
    }
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    // "(N instructions at 0x55d0c1e0a2b0)": number the addresses in order.
    let mut addrs = Vec::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find(" at 0x") {
        let tail = &rest[i + 4..];
        let end = tail.find(')').unwrap_or(tail.len());
        addrs.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    for (i, a) in addrs.iter().enumerate() {
        s = s.replace(a.as_str(), &format!("#{i}"));
    }
    s
}

#[test]
fn luac_listings() {
    let luac = match find_luac() {
        Ok(l) => l,
        Err(why) => {
            eprintln!("skipping the comparison with luac: {why}");
            return;
        }
    };
    // LUNAR_LUAC_IGNORE_LINES=1 leaves the line information out, to look
    // at the other differences first.
    let ignore_lines = std::env::var_os("LUNAR_LUAC_IGNORE_LINES").is_some_and(|v| v == "1");
    // LUNAR_LUAC_DUMP=dir writes both listings of each file that differs
    // there (NAME.want and NAME.got), for a full diff.
    let dump_dir = std::env::var_os("LUNAR_LUAC_DUMP");
    let mut failures = Vec::new();
    let mut files = data_files();
    files.extend(extra_files());
    for file in &files {
        let want = luac_listing(&luac, file);
        let got = listing(file, CompileOptions::luac544(true))
            .unwrap_or_else(|e| format!("luac5.4: {e}"));
        if let Some(dir) = &dump_dir
            && want.trim() != got.trim()
        {
            let base = Path::new(dir).join(file_name(file));
            std::fs::write(base.with_extension("want"), &want).expect("write listing");
            std::fs::write(base.with_extension("got"), &got).expect("write listing");
        }
        let (want, got) = if ignore_lines {
            (strip_lines(&want), strip_lines(&got))
        } else {
            (want, got)
        };
        if let Some(d) = first_diff(want.trim(), got.trim()) {
            failures.push(format!(
                "{}: listing differs from luac's at {d}",
                file_name(file)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!("{} files compared with {luac}", files.len());
}

/// Compiles a test program.
fn compile_file(path: &Path, opts: CompileOptions) -> Result<std::sync::Arc<Proto>, String> {
    let src = std::fs::read(path).map_err(|e| e.to_string())?;
    let name = format!("@{}", file_name(path));
    let chunk = lunar_syntax::parse(&name, &src).map_err(|e| e.to_string())?;
    compile_with_options(&chunk, opts).map_err(|e| e.to_string())
}

/// The verifier accepts all the code the compiler generates.
#[test]
fn verifier_accepts_compiled_code() {
    let mut failures = Vec::new();
    for file in data_files() {
        for opts in [CompileOptions::default(), CompileOptions::luac544(true)] {
            match compile_file(&file, opts) {
                Ok(p) => {
                    if let Err(e) = lunar_compile::verify::verify(&p) {
                        failures.push(format!("{} ({opts:?}): {e}", file_name(&file)));
                    }
                }
                Err(e) => failures.push(format!("{}: {e}", file_name(&file))),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The binary chunk of each compiled test program (Lunar's own format)
/// loads back as the same prototype, stripped or not.
#[test]
fn binary_chunks_round_trip() {
    let mut failures = Vec::new();
    for file in data_files() {
        let p = compile_file(&file, CompileOptions::default()).expect("compile");
        for strip in [false, true] {
            let data = lunar_compile::chunk::dump(&p, strip);
            match lunar_compile::chunk::undump(&data, b"=chunk") {
                Ok(q) if strip || *q == *p => {}
                Ok(_) => failures.push(format!(
                    "{}: the chunk loads back different",
                    file_name(&file)
                )),
                Err(e) => failures.push(format!(
                    "{} (strip {strip}): the chunk does not load: {e}",
                    file_name(&file)
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A small deterministic fuzzer: mutations of the test programs (bytes
/// deleted, duplicated or replaced by Lua punctuation and keywords) that
/// still parse must compile without panicking, into code that passes the
/// checks, or fail with an error.
#[test]
fn mutated_programs() {
    const PIECES: [&[u8]; 16] = [
        b"(",
        b")",
        b"end",
        b"local ",
        b"goto l ",
        b"::l::",
        b"break ",
        b"...",
        b",",
        b"=",
        b" <const>",
        b" <close>",
        b"function()",
        b"return ",
        b"do ",
        b"..",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut compiled, mut rejected) = (0, 0);
    for file in data_files() {
        let src = std::fs::read(&file).expect("read");
        for _ in 0..150 {
            let mut m = src.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % (m.len() as u64 + 1)) as usize;
                match next() % 3 {
                    0 if at < m.len() => {
                        let len = (1 + next() % 8) as usize;
                        m.drain(at..(at + len).min(m.len()));
                    }
                    1 => {
                        let piece = PIECES[(next() % PIECES.len() as u64) as usize];
                        m.splice(at..at, piece.iter().copied());
                    }
                    _ => {
                        let len = (next() % 16) as usize;
                        let end = (at + len).min(m.len());
                        let copy = m[at..end].to_vec();
                        m.splice(at..at, copy);
                    }
                }
            }
            let Ok(chunk) = lunar_syntax::parse("=fuzz", &m) else {
                continue;
            };
            match compile(&chunk) {
                Ok(p) => {
                    compiled += 1;
                    if let Err(e) = check_proto(&p) {
                        panic!("{e}\n{}", String::from_utf8_lossy(&m));
                    }
                    let _ = disassemble(&p, true);
                }
                Err(e) => {
                    rejected += 1;
                    assert!(e.to_string().starts_with("fuzz:"), "{e}");
                }
            }
        }
    }
    assert!(
        compiled > 100,
        "only {compiled} mutated programs compiled ({rejected} rejected)"
    );
}

/// The sources of the reference fixtures in `tests/luac/` (kept with the
/// listings `luac5.4 -l -l` made of them) compile, in the luac 5.4.4 mode,
/// to those listings: a comparison with luac that needs no luac installed.
#[test]
fn reference_fixture_listings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/luac");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/luac")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "lua") && p.with_extension("listing").exists()
        })
        .collect();
    sources.sort();
    assert!(!sources.is_empty(), "no fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for src in &sources {
        let want = std::fs::read_to_string(src.with_extension("listing")).expect("listing");
        let got =
            listing(src, CompileOptions::luac544(true)).unwrap_or_else(|e| format!("luac5.4: {e}"));
        if let Some(d) = first_diff(want.trim(), got.trim()) {
            failures.push(format!(
                "{}: listing differs from luac's at {d}",
                file_name(src)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
