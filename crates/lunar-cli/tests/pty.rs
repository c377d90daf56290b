//! The interactive loop on a terminal, driven through a pseudo-terminal
//! as a person types: expressions and statements, continuation lines, Tab
//! completion, the history kept between sessions, Ctrl-C at the prompt
//! and during a run, Ctrl-D to leave.

#![cfg(unix)]

use rexpect::session::{Options, PtySession, spawn_with_options};
use std::path::{Path, PathBuf};
use std::process::Command;

/// How long any expected output may take (a debug build on a busy
/// machine).
const TIMEOUT_MS: u64 = 20_000;

/// A temporary folder for the history file; removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("lunar-pty-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts `lunar` with no arguments on a pseudo-terminal, its history in
/// `history`, and waits for the first prompt.
fn start(history: &Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lunar"));
    cmd.env("LUNAR_HISTORY", history)
        .env("TERM", "xterm")
        .env_remove("LUA_INIT")
        .env_remove("LUA_INIT_5_4");
    let mut p = spawn_with_options(
        cmd,
        Options::new()
            .timeout_ms(Some(TIMEOUT_MS))
            .strip_ansi_escape_codes(true),
    )
    .expect("start lunar on a pseudo-terminal");
    p.exp_string("Lua 5.4").expect("the version banner");
    p.exp_string("> ").expect("the first prompt");
    p
}

/// Ctrl-D on an empty line leaves, with status 0.
fn leave(mut p: PtySession) {
    p.send_control('d').expect("send Ctrl-D");
    p.exp_eof().expect("the end of the session");
    let status = p.process().wait().expect("wait for lunar");
    assert_eq!(
        format!("{status:?}").split(", ").nth(1),
        Some("0)"),
        "{status:?}"
    );
}

/// Types `line` and Enter, waits for `output`, then for the next prompt
/// (so that what is typed next does not race with the run).
fn enter(p: &mut PtySession, line: &str, output: &str) {
    p.send_line(line).expect("type a line");
    // The editor echoes the line as it is typed.
    p.exp_string(line).expect("the line echoed");
    p.exp_string(output).expect("the output");
    p.exp_string("> ").expect("the next prompt");
}

/// Types `keys` (no Enter) and flushes them to the terminal.
fn keys(p: &mut PtySession, keys: &str) {
    p.send(keys).expect("type keys");
    p.flush().expect("flush keys");
}

#[test]
fn expressions_statements_and_continuation_lines() {
    let dir = TempDir::new("basic");
    let mut p = start(&dir.0.join("history"));
    enter(&mut p, "1 + 1", "2\r\n");
    p.send_line("for i = 1, 2 do").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_line("io.write('<', i, '>')").unwrap();
    p.exp_string(">> ").unwrap();
    enter(&mut p, "end", "<1><2>");
    enter(&mut p, "error('oops')", "stdin:1: oops");
    // The loop goes on after an error.
    enter(&mut p, "= 6 * 7", "42\r\n");
    leave(p);
}

#[test]
fn tab_completes_globals_and_fields() {
    let dir = TempDir::new("complete");
    let mut p = start(&dir.0.join("history"));
    // A single candidate completes at once.
    keys(&mut p, "string.fo\t");
    p.exp_string("string.format").unwrap();
    enter(&mut p, "('<%d>', 7)", "<7>");
    // Several candidates: the first Tab completes what they share, the
    // second lists them.
    enter(&mut p, "my_value_one, my_value_two = 1, 2", "");
    keys(&mut p, "my_val\t");
    p.exp_string("my_value_").unwrap();
    keys(&mut p, "\t");
    p.exp_string("my_value_one").unwrap();
    p.exp_string("my_value_two").unwrap();
    enter(&mut p, "two", "2\r\n");
    leave(p);
}

#[test]
fn ctrl_c_drops_the_line_and_stops_a_running_chunk() {
    let dir = TempDir::new("ctrlc");
    let mut p = start(&dir.0.join("history"));
    // At the prompt: the line typed so far is dropped.
    keys(&mut p, "undefined_thing(");
    p.exp_string("undefined_thing(").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("> ").unwrap();
    enter(&mut p, "'fresh'", "fresh\r\n");
    // In a continuation line: the whole statement is dropped.
    p.send_line("if true then").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("> ").unwrap();
    enter(&mut p, "'again'", "again\r\n");
    // During a run: the chunk stops with lua's message, the loop goes on.
    p.send_line("print('looping') while true do end").unwrap();
    p.exp_string("looping\r\n").unwrap();
    p.send_control('c').unwrap();
    // (With or without a position: see commands.rs,
    // ctrl_c_positions_are_lua_c_hooks.)
    p.exp_string("interrupted!").unwrap();
    p.exp_string("> ").unwrap();
    enter(&mut p, "'after'", "after\r\n");
    // pcall catches it, as in lua.
    p.send_line("print(pcall(function() print('go') while true do end end))")
        .unwrap();
    p.exp_string("go\r\n").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("false\t").unwrap();
    p.exp_string("interrupted!").unwrap();
    p.exp_string("> ").unwrap();
    leave(p);
}

#[test]
fn history_is_kept_between_sessions() {
    let dir = TempDir::new("history");
    let history = dir.0.join("history");
    let mut p = start(&history);
    p.send_line("for i = 1, 1 do").unwrap();
    p.exp_string(">> ").unwrap();
    enter(&mut p, "print(i) end", "1\r\n");
    enter(&mut p, "x = 'from the first session'", "");
    leave(p);
    let text = std::fs::read_to_string(&history).expect("the history file");
    assert!(text.contains("x = 'from the first session'"), "{text}");
    // A statement of several lines is one entry, as lua.c keeps it.
    assert!(text.contains("for i = 1, 1 do\\nprint(i) end"), "{text}");
    let mut p = start(&history);
    // Up arrow: the last statement, run again in the new session.
    keys(&mut p, "\x1b[A");
    p.exp_string("x = 'from the first session'").unwrap();
    keys(&mut p, "\r");
    p.exp_string("> ").unwrap();
    enter(&mut p, "x", "from the first session\r\n");
    leave(p);
}
