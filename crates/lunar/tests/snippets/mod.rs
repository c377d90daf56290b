//! Running Lua snippets in a test state and comparing their printed output
//! with the expected lines and, where `lua5.4` is installed, with its output
//! (shared by the value and coroutine tests).

#![allow(dead_code)]

use lunar::Program;
use lunar::raw::StateExt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// Where `print` and `io.write` of a test state go.
#[derive(Clone, Default)]
pub struct Capture(pub Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What Lunar prints running `src` (the chunk `=input`) on a new state,
/// then an `error: MESSAGE` line if it fails.
pub fn lunar_output(src: &str) -> String {
    lunar_output_on(&mut lunar::raw::new_state(), src)
}

/// [`lunar_output`] on a given state.
pub fn lunar_output_on(state: &mut lunar::raw::State, src: &str) -> String {
    let out = Capture::default();
    state.set_stdout(Box::new(out.clone()));
    let res = Program::compile("=input", src.as_bytes())
        .map_err(|e| e.to_string())
        .and_then(|p| state.run(&p, &[]).map_err(|e| e.message));
    let _ = state.stdout().flush();
    let mut text = String::from_utf8_lossy(&out.0.lock().unwrap()).into_owned();
    if let Err(msg) = res {
        text.push_str(&format!("error: {msg}\n"));
    }
    text
}

/// The path of `lua5.4` when it is installed (on `PATH`).
pub fn lua54() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("lua5.4"))
        .find(|p| p.is_file())
}

/// What `lua5.4 -e src` prints, in the form of [`lunar_output`].
pub fn lua54_output(lua: &Path, src: &str) -> String {
    let out = Command::new(lua)
        .arg("-e")
        .arg(src)
        .env_remove("LUA_INIT")
        .env_remove("LUA_INIT_5_4")
        .output()
        .expect("run lua5.4");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().next().unwrap_or("");
        let msg = first.split_once(": ").map_or(first, |(_, m)| m);
        text.push_str(&format!("error: {msg}\n"));
    }
    text.replace("(command line)", "input")
}

/// Runs `src` and compares what it prints with `want` (one item a line).
/// Where `lua5.4` is installed, the expectation is checked against it
/// too, so that it stays the reference's.
pub fn check(src: &str, want: &[&str]) {
    let want: String = want.iter().map(|l| format!("{l}\n")).collect();
    let got = lunar_output(src);
    assert!(
        got == want,
        "--- source{src}\n--- got\n{got}--- want\n{want}"
    );
    match lua54() {
        Some(lua) => {
            let reference = lua54_output(&lua, src);
            assert!(
                reference == want,
                "lua5.4 prints otherwise (a wrong expectation?)\n--- lua5.4\n{reference}--- want\n{want}"
            );
        }
        None => eprintln!("lua5.4 is not installed: expectation not checked against it"),
    }
}
