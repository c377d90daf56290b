//! Lunar's subcommands (`compile`, `disasm`, `version`, `help`), binary
//! chunks run like source, and Ctrl-C (SIGINT) stopping a running script,
//! driven as a user types them. Where `lua5.4` is installed, what it
//! defines is compared with it.

mod common;

use assert_cmd::Command;
use common::{Sandbox, lua54};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

/// `lunar` in the sandbox's folder, named "lunar" in messages (as when
/// found on `PATH`).
fn lunar(sb: &Sandbox) -> Command {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lunar"));
    cmd.arg0("lunar")
        .current_dir(sb.path())
        .env_remove("LUA_INIT")
        .env_remove("LUA_INIT_5_4");
    Command::from_std(cmd)
}

/// The standard output of a successful run, as text.
fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("UTF-8 output")
}

/// The standard error of a run, as text.
fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

const HELLO: &str = "#!/usr/bin/env lunar\nprint(\"hello \" .. select(\"#\", ...), ...)\n";
const ERR: &str = "local x = 1\nerror(\"failed here\")\n";

#[test]
fn compile_writes_a_binary_chunk_that_runs_like_the_source() {
    let sb = Sandbox::new(&[
        ("hello.lua", HELLO),
        ("err.lua", ERR),
        ("bad.lua", "x = )\n"),
    ]);
    lunar(&sb)
        .args(["compile", "-o", "hello.luac", "hello.lua"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let chunk = std::fs::read(sb.path().join("hello.luac")).unwrap();
    assert!(chunk.starts_with(b"\x1bLua\x54"));
    assert_eq!(
        stdout_of(lunar(&sb).args(["hello.luac", "a", "b"])),
        "hello 2\ta\tb\n"
    );
    // The default output is luac.out, as with luac.
    lunar(&sb).args(["compile", "hello.lua"]).assert().success();
    assert_eq!(
        stdout_of(lunar(&sb).args(["./luac.out", "x"])),
        "hello 1\tx\n"
    );
    // '-o -' writes stdout; '-' reads stdin; a binary chunk compiles to
    // itself.
    let piped = lunar(&sb)
        .args(["compile", "-o", "-", "-"])
        .write_stdin(HELLO)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(piped.starts_with(b"\x1bLua"));
    lunar(&sb)
        .args(["compile", "-o", "again.luac", "hello.luac"])
        .assert()
        .success();
    assert_eq!(std::fs::read(sb.path().join("again.luac")).unwrap(), chunk);
    // The chunk runs from stdin too, after a shebang line.
    let mut with_shebang = b"#!/usr/bin/env lunar\n".to_vec();
    with_shebang.extend_from_slice(&chunk);
    sb.write("shebang.luac", &with_shebang);
    assert_eq!(stdout_of(lunar(&sb).args(["shebang.luac"])), "hello 0\n");
    assert_eq!(
        stdout_of(lunar(&sb).args(["-", "z"]).write_stdin(chunk.clone())),
        "hello 1\tz\n"
    );
}

#[test]
fn compiled_errors_keep_positions_unless_stripped() {
    let sb = Sandbox::new(&[("err.lua", ERR)]);
    lunar(&sb)
        .args(["compile", "-o", "err.luac", "err.lua"])
        .assert()
        .success();
    let a = lunar(&sb).arg("err.luac").assert().code(1);
    assert_eq!(
        stderr_of(&a),
        "lunar: err.lua:2: failed here\nstack traceback:\n\t[C]: in function 'error'\n\terr.lua:2: in main chunk\n\t[C]: in ?\n"
    );
    lunar(&sb)
        .args(["compile", "-s", "-o", "stripped.luac", "err.lua"])
        .assert()
        .success();
    let a = lunar(&sb).arg("stripped.luac").assert().code(1);
    assert_eq!(
        stderr_of(&a),
        "lunar: failed here\nstack traceback:\n\t[C]: in function 'error'\n\t?: in main chunk\n\t[C]: in ?\n"
    );
}

#[test]
fn string_dump_output_runs_like_the_source() {
    let sb = Sandbox::new(&[]);
    lunar(&sb)
        .args([
            "-e",
            "local f = io.open('dumped', 'wb') f:write(string.dump(load('print(\"dumped\", ...)'))) f:close()",
        ])
        .assert()
        .success();
    assert_eq!(stdout_of(lunar(&sb).args(["dumped", "1"])), "dumped\t1\n");
}

#[test]
fn damaged_binary_chunks_are_errors() {
    let sb = Sandbox::new(&[]);
    sb.write("truncated.luac", b"\x1bLuaT");
    let a = lunar(&sb).arg("truncated.luac").assert().code(1);
    assert!(
        stderr_of(&a).starts_with("lunar: truncated.luac: bad binary format"),
        "{}",
        stderr_of(&a)
    );
    let a = lunar(&sb)
        .args(["disasm", "truncated.luac"])
        .assert()
        .code(1);
    assert!(
        stderr_of(&a).starts_with("lunar disasm: truncated.luac: bad binary format"),
        "{}",
        stderr_of(&a)
    );
}

#[test]
fn compile_errors_and_usage() {
    let sb = Sandbox::new(&[("bad.lua", "x = )\n")]);
    lunar(&sb)
        .args(["compile", "-o", "bad.luac", "bad.lua"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("lunar compile: bad.lua:1: unexpected symbol near ')'\n");
    assert!(!sb.path().join("bad.luac").exists());
    lunar(&sb)
        .args(["compile", "nofile.lua"])
        .assert()
        .code(1)
        .stderr("lunar compile: cannot open nofile.lua: No such file or directory\n");
    for args in [
        &["compile"][..],
        &["compile", "-x", "a.lua"],
        &["compile", "a", "b"],
    ] {
        let a = lunar(&sb).args(args).assert().code(2);
        assert!(
            stderr_of(&a).contains("Usage: lunar compile [-o out.luac] [-s] file.lua"),
            "{args:?}: {}",
            stderr_of(&a)
        );
    }
    let a = lunar(&sb).args(["compile", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(help.contains("-s "), "{help}");
}

#[test]
fn disasm_lists_every_function_as_luac() {
    let sb = Sandbox::new(&[
        (
            "small.lua",
            "local function f(a) return a + 1 end\nprint(f(2))\n",
        ),
        ("syntax.lua", "x = )\n"),
    ]);
    let text = stdout_of(lunar(&sb).args(["disasm", "small.lua"]));
    assert!(text.starts_with("\nmain <small.lua:0,0> ("), "{text}");
    assert!(text.contains("\nfunction <small.lua:1,1> ("), "{text}");
    assert!(text.contains("; _ENV \"print\"\n"), "{text}");
    assert!(text.contains("\nlocals (1) for #1:\n"), "{text}");
    if let Some(lua) = lua54() {
        // luac5.4 prints the same listing, with addresses where Lunar
        // numbers the functions.
        let luac = lua.with_file_name("luac5.4");
        if luac.is_file() {
            let out = std::process::Command::new(luac)
                .args(["-l", "-l", "-p", "small.lua"])
                .current_dir(sb.path())
                .output()
                .unwrap();
            let want = String::from_utf8_lossy(&out.stdout);
            // Function addresses (luac) and numbers (Lunar) left out.
            let addr = |s: &str| {
                s.lines()
                    .map(|l| {
                        let l = l.split(" at ").next().unwrap_or(l);
                        let l = l.split(" for ").next().unwrap_or(l);
                        match l.find("CLOSURE") {
                            Some(_) => l.split("\t; ").next().unwrap_or(l).to_string(),
                            None => l.to_string(),
                        }
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(addr(&text), addr(&want));
        }
    }
    // The listing of a binary chunk is the listing of its source.
    lunar(&sb)
        .args(["compile", "-o", "small.luac", "small.lua"])
        .assert()
        .success();
    assert_eq!(stdout_of(lunar(&sb).args(["disasm", "small.luac"])), text);
    // Several files, one after the other.
    let two = stdout_of(lunar(&sb).args(["disasm", "small.lua", "small.lua"]));
    assert_eq!(two, format!("{text}{text}"));
    let a = lunar(&sb).arg("disasm").assert().code(2);
    assert!(stderr_of(&a).contains("Usage: lunar disasm file.lua..."));
    lunar(&sb)
        .args(["disasm", "nofile.lua"])
        .assert()
        .code(1)
        .stderr("lunar disasm: cannot open nofile.lua: No such file or directory\n");
    lunar(&sb)
        .args(["disasm", "syntax.lua"])
        .assert()
        .code(1)
        .stderr("lunar disasm: syntax.lua:1: unexpected symbol near ')'\n");
}

#[test]
fn version_and_help() {
    let sb = Sandbox::new(&[]);
    let v = stdout_of(lunar(&sb).arg("version"));
    let lines: Vec<&str> = v.lines().collect();
    assert_eq!(lines.len(), 2, "{v}");
    assert!(lines[0].starts_with("Lua 5.4.7 (Lunar "), "{v}");
    assert!(lines[1].starts_with("lunar "), "{v}");
    assert!(lines[1].contains(" rustc 1."), "{v}");
    // -v prints the same first line.
    assert_eq!(stdout_of(lunar(&sb).arg("-v")), format!("{}\n", lines[0]));
    let help = stdout_of(lunar(&sb).arg("help"));
    for want in [
        "usage: lunar [options] [script [args]]\n",
        "  -e stat   execute string 'stat'\n",
        "  -         stop handling options and execute stdin\n",
        "\n  lunar compile ",
        "\n  lunar disasm ",
        "\n  lunar version ",
        "\n  lunar help ",
        "\n  LUA_INIT_5_4, LUA_INIT\n",
        "\n  LUNAR_HISTORY ",
    ] {
        assert!(help.contains(want), "{want:?} not in\n{help}");
    }
    let disasm_help = stdout_of(lunar(&sb).args(["help", "disasm"]));
    assert!(
        disasm_help.contains("lunar disasm file.lua..."),
        "{disasm_help}"
    );
    lunar(&sb)
        .args(["help", "nothing"])
        .assert()
        .code(2)
        .stderr("lunar help: unknown command 'nothing'\n");
}

#[test]
fn scripts_named_like_commands_still_run() {
    let sb = Sandbox::new(&[
        ("compile", "print('script named compile', ...)\n"),
        ("help", "print('script named help')\n"),
    ]);
    assert_eq!(
        stdout_of(lunar(&sb).args(["./compile", "x"])),
        "script named compile\tx\n"
    );
    assert_eq!(
        stdout_of(lunar(&sb).args(["--", "help"])),
        "script named help\n"
    );
    // After an option, a word is never a command.
    assert_eq!(
        stdout_of(lunar(&sb).args(["-W", "help"])),
        "script named help\n"
    );
}

/// Starts `program -e CODE` (named "lunar"), waits for it to print its
/// first line, sends SIGINT `signals` times (150 ms apart) and returns how
/// it ended: exit code (None when killed), killing signal, stdout, stderr.
fn interrupt(
    program: &std::path::Path,
    code: &str,
    signals: usize,
) -> (Option<i32>, Option<i32>, String, String) {
    use std::io::Read;
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let mut child = std::process::Command::new(program)
        .arg0("lunar")
        .args(["-e", code])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the interpreter");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    for _ in 0..signals {
        // Let the script get past its first line (the output may reach
        // the pipe before `print` returns).
        std::thread::sleep(std::time::Duration::from_millis(150));
        let ok = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(ok.success());
    }
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    (status.code(), status.signal(), first + &rest, err)
}

#[test]
fn ctrl_c_stops_the_running_script() {
    let lunar = std::path::Path::new(env!("CARGO_BIN_EXE_lunar"));
    let cases = [
        (
            "local function spin() print('ready') io.stdout:flush() while true do end end spin()",
            "lunar: (command line):1: interrupted!\nstack traceback:\n\t(command line):1: in local 'spin'\n\t(command line):1: in main chunk\n\t[C]: in ?\n",
            Some(1),
            "ready\n",
        ),
        // pcall catches it, and the script goes on. (The loop calls no
        // function: where lua.c's hook fires inside a call to a C
        // function, the message gets the caller's position, and which
        // one it lands in is a matter of timing.)
        (
            "print(pcall(function() print('ready') io.stdout:flush() local t = 0 while t < 1e15 do t = t + 1 end end)) print('after')",
            "",
            Some(0),
            "ready\nfalse\tinterrupted!\nafter\n",
        ),
    ];
    for (code, stderr, status, stdout) in cases {
        let got = interrupt(lunar, code, 1);
        assert_eq!(got, (status, None, stdout.to_string(), stderr.to_string()));
        if let Some(lua) = lua54() {
            assert_eq!(interrupt(&lua, code, 1), got, "lua5.4 (right)");
        }
    }
}

#[test]
fn ctrl_c_positions_are_lua_c_hooks() {
    let lunar = std::path::Path::new(env!("CARGO_BIN_EXE_lunar"));
    let cases = [
        // The message has the caller's position; the traceback the loop's.
        (
            "local function spin()\n  print('ready') io.stdout:flush()\n  while true do\n  end\nend\n\nspin()\n",
            Some(1),
            "ready\n",
            "lunar: (command line):7: interrupted!\nstack traceback:\n\t(command line):3: in local 'spin'\n\t(command line):7: in main chunk\n\t[C]: in ?\n",
        ),
        // The main chunk's caller is C: no position.
        (
            "print('ready') io.stdout:flush()\nwhile true do\nend\n",
            Some(1),
            "ready\n",
            "lunar: interrupted!\nstack traceback:\n\t(command line):2: in main chunk\n\t[C]: in ?\n",
        ),
        // Under pcall, whose caller is C: no position either.
        (
            "print(pcall(function() print('ready') io.stdout:flush() while true do end end)) print('after')",
            Some(0),
            "ready\nfalse\tinterrupted!\nafter\n",
            "",
        ),
    ];
    for (code, status, stdout, stderr) in cases {
        let got = interrupt(lunar, code, 1);
        if let Some(lua) = lua54() {
            assert_eq!(got, interrupt(&lua, code, 1), "{code:?}: lua5.4 (right)");
        }
        assert_eq!(got, (status, None, stdout.to_string(), stderr.to_string()));
    }
}

#[test]
fn a_second_ctrl_c_ends_a_script_stuck_where_the_vm_does_not_look() {
    let lunar = std::path::Path::new(env!("CARGO_BIN_EXE_lunar"));
    // A read from a pipe that never ends: the first SIGINT waits for the
    // VM to look, the second kills the process as SIGINT's default
    // action does.
    let (code, signal, _, stderr) =
        interrupt(lunar, "print('ready') io.stdout:flush() io.read()", 2);
    assert_eq!((code, signal, stderr.as_str()), (None, Some(2), ""));
}
