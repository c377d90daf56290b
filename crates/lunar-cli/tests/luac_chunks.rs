//! Binary chunks in the reference's format across interpreters: chunks
//! that `luac5.4` writes run on `lunar` as on `lua5.4`, and chunks that
//! Lunar writes (`lunar compile`, `string.dump`) run on `lua5.4` as on
//! `lunar`, with the same output and the same error positions. Skipped
//! where `lua5.4` (or `luac5.4`) is not installed.

mod common;

use common::{Sandbox, lua54};
use std::path::PathBuf;
use std::process::Command;

/// A program whose chunk exercises every part of the format: constants of
/// each kind, upvalues, nested functions, varargs, a long string, a far
/// line jump (absolute line information) and a function of more than 128
/// instructions (periodic absolute lines), then an error whose position
/// and traceback depend on the line information.
fn program() -> String {
    let mut s = String::from(
        "local t = {}\n\
         for i = 1, 3 do t[i] = i * 1.5 end\n\
         local long = string.rep('x', 50) .. 'a long string constant, longer than forty bytes'\n\
         local function f(a, ...)\n\
         \x20 local n = select('#', ...)\n\
         \x20 return a + n, #long, 2^53, -0.0, 'short', nil, true, false, 9007199254740993\n\
         end\n\
         print(f(1, 2, 3))\n\
         print(t[1], t[2], t[3], math.type(3), 1e300 * 1e10, long)\n",
    );
    s.push_str(&"\n".repeat(200));
    s.push_str("local function g(x)\n");
    for _ in 0..140 {
        s.push_str("  x = x + 1\n");
    }
    s.push_str("  error('boom ' .. x)\nend\nprint(pcall(g, 1))\ng(2)\n");
    s
}

/// `luac5.4` when it is installed (beside `lua5.4`).
fn luac54() -> Option<PathBuf> {
    let luac = lua54()?.with_file_name("luac5.4");
    luac.is_file().then_some(luac)
}

/// Lunar's own compiler writes the chunk; `lua5.4` runs it as `lunar`
/// does, stripped or not.
#[test]
fn lunar_chunks_run_on_lua() {
    if lua54().is_none() {
        eprintln!("lua5.4 not installed: skipped");
        return;
    }
    let sb = Sandbox::new(&[("prog.lua", &program())]);
    let source = sb.same_as_lua(&["prog.lua"], None);
    assert_eq!(source.status, 1);
    assert!(
        source.stdout.contains("prog.lua:351: boom 141"),
        "{source:?}"
    );
    assert!(
        source.stderr.contains("prog.lua:351: boom 142"),
        "{source:?}"
    );
    for (file, strip) in [("prog.luac", false), ("stripped.luac", true)] {
        let mut args = vec!["compile", "-o", file];
        if strip {
            args.push("-s");
        }
        args.push("prog.lua");
        assert_eq!(sb.lunar(&args, None).status, 0);
        let run = sb.same_as_lua(&[file], None);
        if strip {
            // No line information: no position in the message.
            assert!(run.stdout.contains("false\tboom 141"), "{run:?}");
        } else {
            assert_eq!(run, source, "{file} runs as the source");
        }
    }
}

/// `string.dump` output of Lunar loads in `lua5.4`, and the reverse.
#[test]
fn string_dump_crosses_interpreters() {
    if lua54().is_none() {
        eprintln!("lua5.4 not installed: skipped");
        return;
    }
    let sb = Sandbox::new(&[]);
    let script = "local up = 40\n\
                  local function f(a, ...) return a + up + select('#', ...), 'k', 2.5 end\n\
                  local w = assert(io.open(arg[1], 'wb'))\n\
                  w:write(string.dump(f, arg[2] == 's')) w:close()\n\
                  local g = assert(load(assert(io.open(arg[1], 'rb')):read('a'), 'd', 'b'))\n\
                  debug.setupvalue(g, 1, 40) debug.setupvalue(g, 2, _ENV)\n\
                  print(pcall(g, 1, 2, 3))";
    sb.write("dump.lua", script.as_bytes());
    let read = "local g = assert(load(assert(io.open(arg[1], 'rb')):read('a'), 'd', 'b'))\n\
                debug.setupvalue(g, 1, 40) debug.setupvalue(g, 2, _ENV)\n\
                print(g(1, 2, 3))";
    sb.write("read.lua", read.as_bytes());
    for strip in ["", "s"] {
        // Each interpreter writes a chunk; the other one runs it.
        let by_lunar = sb.lunar(&["dump.lua", "lunar.bin", strip], None);
        let by_lua = sb.lua(&["dump.lua", "lua.bin", strip], None).unwrap();
        assert_eq!(by_lunar, by_lua);
        assert_eq!(by_lua.stdout, "true\t43\tk\t2.5\n", "{by_lua:?}");
        let on_lua = sb.lua(&["read.lua", "lunar.bin"], None).unwrap();
        let on_lunar = sb.lunar(&["read.lua", "lua.bin"], None);
        assert_eq!(on_lua.stdout, "43\tk\t2.5\n", "{on_lua:?}");
        assert_eq!(on_lunar, on_lua);
    }
}

/// `luac5.4` output runs on `lunar` as on `lua5.4`: same output, same
/// error positions (the line information read back), same traceback.
#[test]
fn luac_chunks_run_on_lunar() {
    let Some(luac) = luac54() else {
        eprintln!("luac5.4 not installed: skipped");
        return;
    };
    let sb = Sandbox::new(&[("prog.lua", &program())]);
    for (file, strip) in [("prog.luac", false), ("stripped.luac", true)] {
        let mut cmd = Command::new(&luac);
        if strip {
            cmd.arg("-s");
        }
        let status = cmd
            .current_dir(sb.path())
            .args(["-o", file, "prog.lua"])
            .status()
            .expect("run luac5.4");
        assert!(status.success());
        let run = sb.same_as_lua(&[file], None);
        assert_eq!(run.status, 1);
        let at = if strip { "" } else { "prog.lua:351: " };
        assert!(
            run.stdout.contains(&format!("false\t{at}boom 141")),
            "{run:?}"
        );
        // `lunar compile` of luac's chunk writes what `luac5.4` writes
        // from it: the same chunk, unless stripped (then the upvalues
        // have NULL names).
        assert_eq!(
            sb.lunar(&["compile", "-o", "again.luac", file], None)
                .status,
            0
        );
        let status = Command::new(&luac)
            .current_dir(sb.path())
            .args(["-o", "ref.luac", file])
            .status()
            .expect("run luac5.4");
        assert!(status.success());
        let again = std::fs::read(sb.path().join("again.luac")).unwrap();
        let want = std::fs::read(sb.path().join("ref.luac")).unwrap();
        assert!(again == want, "{file}: lunar compile differs from luac");
        let original = std::fs::read(sb.path().join(file)).unwrap();
        assert_eq!(again == original, !strip);
    }
}
