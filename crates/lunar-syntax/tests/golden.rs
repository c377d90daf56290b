//! Golden tests: syntax errors against what lua5.4 reports
//! (`tests/data/errors/*.lua` with `.golden` files) and tree dumps
//! (`tests/data/parse/*.lua` with `.golden` files).
//!
//! Re-bless with `LUNAR_BLESS=1 cargo test -p lunar-syntax --test golden`:
//! the error goldens are then rewritten from lua5.4 (when installed, else
//! from this parser) and the parse goldens from `dump`.

use lunar_syntax::{Mode, dump, parse, parse_mode};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn data_files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "lua"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no test files in {}", dir.display());
    files
}

/// Error files whose message changed after Lua 5.4.4 (the installed
/// lua5.4): their goldens hold what Lua 5.4.7 reports (read from its
/// `lparser.c`), blessing leaves them alone and the comparison with luac5.4
/// skips them. `call_close_nl*`: since 5.4.6 an unclosed call names the
/// line of its '(' (5.4.4 named where the called expression starts).
const NEWER_THAN_544: &[&str] = &["call_close_nl2.lua"];

fn newer_than_544(file: &Path) -> bool {
    file.file_name()
        .is_some_and(|n| NEWER_THAN_544.iter().any(|w| n == *w))
}

fn blessing() -> bool {
    std::env::var_os("LUNAR_BLESS").is_some_and(|v| v == "1")
}

/// What lua5.4 prints for `print(select(2, load(src, "=input")))`, or
/// `None` when lua5.4 is not installed.
fn reference_message(src: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut child = Command::new("lua5.4")
        .args(["-e", r#"print(select(2, load(io.read("a"), "=input")))"#])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(src).ok()?;
    let out = child.wait_with_output().ok()?;
    Some(out.stdout)
}

/// Each `errors/*.lua` is parsed as `load(src, "=input")` would and the
/// message compared with the `.golden` beside it, which holds what lua5.4
/// prints (an empty line when the chunk is valid: `nil` becomes the empty
/// message here, as in the Go version).
#[test]
fn error_goldens() {
    let mut failures = Vec::new();
    let files = data_files("errors");
    for file in &files {
        let src = std::fs::read(file).expect("read source");
        let golden = file.with_extension("golden");
        let got = match parse_mode(b"=input", &src, Mode::LOAD) {
            Ok(_) => Vec::new(),
            Err(e) => e.to_bytes(),
        };
        let mut got_line = got.clone();
        got_line.push(b'\n');
        if blessing() && !newer_than_544(file) {
            let text = match reference_message(&src) {
                Some(out) => out,
                None => {
                    eprintln!(
                        "lua5.4 not found: blessing {} from this parser",
                        golden.display()
                    );
                    got_line.clone()
                }
            };
            std::fs::write(&golden, text).expect("write golden");
        }
        let want = std::fs::read(&golden).expect("read golden");
        if got_line != want {
            failures.push(format!(
                "{}:\n got  {}\n want {}",
                file.display(),
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(want.strip_suffix(b"\n").unwrap_or(&want))
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} error goldens differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// `dump` of each `parse/*.lua` is compared with its `.golden`.
#[test]
fn parse_goldens() {
    let mut failures = Vec::new();
    for file in data_files("parse") {
        let src = std::fs::read(&file).expect("read source");
        let name = format!("@{}", file.file_name().unwrap().to_string_lossy());
        let chunk = match parse(&name, &src) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{}: {e}", file.display()));
                continue;
            }
        };
        let got = dump(&chunk);
        let golden = file.with_extension("golden");
        if blessing() {
            std::fs::write(&golden, &got).expect("write golden");
        }
        let want = std::fs::read_to_string(&golden).expect("read golden");
        if got != want {
            failures.push(format!("{}: dump differs:\n{got}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Compares the messages of the error files with `luac5.4 -p`, which parses
/// without running and reports the same errors (its chunk names are file
/// names, so the comparison drops the `name:` prefix). luac reads a file,
/// so a first `#` line is skipped: [`Mode::FILE`].
#[test]
fn errors_match_luac() {
    if Command::new("luac5.4").arg("-v").output().is_err() {
        eprintln!("skipped: luac5.4 is not installed");
        return;
    }
    let mut failures = Vec::new();
    for file in data_files("errors") {
        if newer_than_544(&file) {
            continue;
        }
        let src = std::fs::read(&file).expect("read source");
        let out = Command::new("luac5.4")
            .args(["-p", "-"])
            .stdin(Stdio::from(std::fs::File::open(&file).expect("open")))
            .output()
            .expect("run luac5.4");
        // luac prints "luac5.4: stdin:LINE: msg" (or "luac5.4: msg").
        let stderr = String::from_utf8_lossy(&out.stderr);
        let want = stderr
            .trim_end_matches('\n')
            .strip_prefix("luac5.4: ")
            .unwrap_or(&stderr)
            .to_string();
        let got = match parse_mode(b"=stdin", &src, Mode::FILE) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        };
        // Scope errors (goto, break, <const>) are the compiler's, not ours.
        let compiler_error = ["break outside", "label", "const variable", "jumps into"]
            .iter()
            .any(|w| want.contains(w));
        if got != want && !(got.is_empty() && compiler_error) {
            failures.push(format!("{}:\n got  {got}\n want {want}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
