//! The interactive loop with piped input (`lunar -i < session.lua`): its
//! transcript (prompts, each line echoed after its prompt, values,
//! errors) must be byte for byte `lua5.4 -i`'s, apart from the version
//! banner. The sessions and their expected output are the files under
//! `testdata/cli/repl/`; `LUNAR_BLESS=1 cargo test -p lunar-cli --test repl`
//! rewrites the expected output. Where `lua5.4` is installed, each session
//! is also run through it and compared.

mod common;

use common::{Sandbox, lua54};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The folder of the sessions.
fn sessions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/cli/repl")
}

/// Sessions whose standard error is not compared with lua5.4's: lua 5.4.4
/// (Debian's) prints "(null)" for a statement left incomplete at the end
/// of input, a bug that Lua 5.4.7, which Lunar follows, fixed.
const STDERR_DIFFERS_FROM_5_4_4: &[&str] = &["incomplete"];

/// The exit status of a session, when not 0.
fn expected_status(name: &str) -> i32 {
    match name {
        "exit" => 3,
        "bad_prompt" => 1,
        _ => 0,
    }
}

/// One run: status, stdout and stderr as bytes.
struct Run {
    status: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Runs `program ARGS` (named "lunar" in argv[0]) with `input` piped in.
fn run(program: &Path, args: &[&str], input: &[u8], dir: &Path) -> Run {
    use std::os::unix::process::CommandExt;
    let mut child = Command::new(program)
        .arg0("lunar")
        .args(args)
        .current_dir(dir)
        .env_remove("LUA_INIT")
        .env_remove("LUA_INIT_5_4")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the interpreter");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// Splits the version banner (the first line) off a transcript.
fn split_banner(stdout: &[u8]) -> (&[u8], &[u8]) {
    match stdout.iter().position(|&b| b == b'\n') {
        Some(i) => (&stdout[..i], &stdout[i + 1..]),
        None => (stdout, &[]),
    }
}

/// Compares `got` with the snapshot file `path`, or rewrites the file
/// under `LUNAR_BLESS=1`.
fn check_snapshot(path: &Path, got: &[u8]) {
    if std::env::var_os("LUNAR_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(path, got).expect("bless snapshot");
        return;
    }
    let want = std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with LUNAR_BLESS=1 to create it)",
            path.display()
        )
    });
    assert_eq!(
        String::from_utf8_lossy(got),
        String::from_utf8_lossy(&want),
        "{} differs",
        path.display()
    );
}

#[test]
fn piped_sessions_read_as_lua_transcripts() {
    let dir = sessions_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the sessions folder")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".lua").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 5, "sessions: {names:?}");
    let lunar = Path::new(env!("CARGO_BIN_EXE_lunar"));
    let lua = lua54();
    for name in &names {
        let input = std::fs::read(dir.join(format!("{name}.lua"))).expect("session");
        let got = run(lunar, &["-i"], &input, &dir);
        let (banner, transcript) = split_banner(&got.stdout);
        assert!(banner.starts_with(b"Lua 5.4.7 (Lunar "), "{name}");
        assert_eq!(got.status, expected_status(name), "{name}: exit status");
        check_snapshot(&dir.join(format!("{name}.out")), transcript);
        check_snapshot(&dir.join(format!("{name}.err")), &got.stderr);
        if let Some(lua) = &lua {
            let want = run(lua, &["-i"], &input, &dir);
            let (lua_banner, lua_transcript) = split_banner(&want.stdout);
            assert!(lua_banner.starts_with(b"Lua 5.4"), "{name}");
            assert_eq!(
                String::from_utf8_lossy(transcript),
                String::from_utf8_lossy(lua_transcript),
                "{name}: transcript differs from lua5.4 -i (right)"
            );
            assert_eq!(got.status, want.status, "{name}: status");
            if !STDERR_DIFFERS_FROM_5_4_4.contains(&name.as_str()) {
                assert_eq!(
                    String::from_utf8_lossy(&got.stderr),
                    String::from_utf8_lossy(&want.stderr),
                    "{name}: stderr differs from lua5.4 -i (right)"
                );
            }
        }
    }
}

/// `lunar ARGS` with `input`, and where lua5.4 is installed, the same
/// run through it: everything but the banner must match.
fn same_as_lua_but_banner(sb: &Sandbox, args: &[&str], input: &str) -> Run {
    let got = run(
        Path::new(env!("CARGO_BIN_EXE_lunar")),
        args,
        input.as_bytes(),
        sb.path(),
    );
    if let Some(lua) = lua54() {
        let want = run(&lua, args, input.as_bytes(), sb.path());
        let strip = |r: &Run| {
            let out = if r.stdout.starts_with(b"Lua 5.4") {
                split_banner(&r.stdout).1.to_vec()
            } else {
                r.stdout.clone()
            };
            (
                r.status,
                String::from_utf8_lossy(&out).into_owned(),
                String::from_utf8_lossy(&r.stderr).into_owned(),
            )
        };
        assert_eq!(
            strip(&got),
            strip(&want),
            "lunar {args:?} vs lua5.4 (right)"
        );
    }
    got
}

#[test]
fn i_runs_the_script_and_options_first() {
    let sb = Sandbox::new(&[
        ("pre.lua", "print('script ran', ...)\nv = 5\n"),
        ("bad.lua", "error('no REPL')\n"),
    ]);
    let r = same_as_lua_but_banner(&sb, &["-i", "pre.lua", "a"], "v\nv + 1\n");
    let text = String::from_utf8_lossy(&r.stdout).into_owned();
    assert!(text.starts_with("Lua 5.4.7 (Lunar "), "{text}");
    assert!(
        text.ends_with("\nscript ran\ta\n> v\n5\n> v + 1\n6\n> \n"),
        "{text}"
    );
    let r = same_as_lua_but_banner(&sb, &["-e", "v = 7", "-i"], "v\n");
    assert!(String::from_utf8_lossy(&r.stdout).ends_with("\n> v\n7\n> \n"));
    // A script error ends the run before the loop.
    let r = same_as_lua_but_banner(&sb, &["-i", "bad.lua"], "v\n");
    assert_eq!(r.status, 1);
    assert!(!r.stdout.contains(&b'>'));
    assert!(
        String::from_utf8_lossy(&r.stderr).starts_with("lunar: bad.lua:1: no REPL\n"),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    // -v with -i prints the banner once.
    let r = same_as_lua_but_banner(&sb, &["-v", "-i"], "");
    assert_eq!(
        r.stdout.iter().filter(|&&b| b == b'\n').count(),
        2,
        "{}",
        String::from_utf8_lossy(&r.stdout)
    );
}

#[test]
fn io_read_in_a_chunk_takes_the_buffered_input() {
    // A chunk that reads stdin fills the io library's buffer from it, so
    // the loop then finds the end of input, as in lua5.4 (whose C stdio
    // buffer swallows the rest of the input the same way).
    let sb = Sandbox::new(&[]);
    let r = same_as_lua_but_banner(&sb, &["-i"], "x = io.read('l')\nhello there\nx\n");
    let (_, transcript) = split_banner(&r.stdout);
    assert_eq!(
        String::from_utf8_lossy(transcript),
        "> x = io.read('l')\n> \n"
    );
}
