//! The conformance suite: every `testdata/lua/NAME.lua` runs under Lunar
//! as `lua5.4 NAME.lua` run from `testdata/lua` would, and its standard
//! output must equal `NAME.lua.out`, which holds what the reference
//! interpreter printed. When `lua5.4` is installed the golden files are
//! checked against it too, so a stale one is caught; and the programs in
//! `examples/` must print what `lua5.4` prints for them.
//!
//! `testdata/lua/SKIP` lists scripts that do not pass yet, one per line as
//! `NAME.lua: reason`; they are reported as skipped with their reason, and a
//! skipped script that passes fails the suite until its line is removed,
//! so that the list only shrinks.
//!
//! Run: `cargo test -p lunar --test conformance -- --nocapture` (the
//! report lists every script that fails, with its first differing line).
//! `LUNAR_CONFORMANCE=core_goto,lib_io` runs only the scripts whose names
//! contain one of these words; `LUNAR_SCRIPT_TIMEOUT=N` gives each script
//! N seconds instead of 60.

mod common;

use common::{Ending, first_diff, lua54, run_in_process, workspace_root};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long one script may run before it counts as hung, unless
/// `LUNAR_SCRIPT_TIMEOUT` (seconds) says otherwise.
fn script_limit() -> Duration {
    let secs = std::env::var("LUNAR_SCRIPT_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    Duration::from_secs(secs)
}

/// The conformance scripts' folder.
fn conformance_dir() -> PathBuf {
    workspace_root().join("testdata/lua")
}

/// The scripts (file names, sorted), filtered by `LUNAR_CONFORMANCE`.
fn scripts(dir: &Path) -> Vec<String> {
    let filter: Vec<String> = std::env::var("LUNAR_CONFORMANCE")
        .map(|f| {
            f.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("testdata/lua")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".lua"))
        .filter(|n| filter.is_empty() || filter.iter().any(|f| n.contains(f.as_str())))
        .collect();
    names.sort();
    names
}

/// Reads `SKIP`: script name -> reason.
fn read_skip_list(dir: &Path) -> BTreeMap<String, String> {
    let mut skips = BTreeMap::new();
    let Ok(text) = std::fs::read_to_string(dir.join("SKIP")) else {
        return skips;
    };
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, reason) = line.split_once(':').unwrap_or((line, ""));
        skips.insert(name.trim().to_string(), reason.trim().to_string());
    }
    skips
}

/// The verdict on one script.
enum Verdict {
    Pass,
    Fail(String),
}

/// Runs one script and compares its output with the golden file.
fn check_script(dir: &Path, name: &str) -> Verdict {
    let path = dir.join(name);
    let source = match std::fs::read(&path) {
        Ok(s) => s,
        Err(e) => return Verdict::Fail(format!("cannot read the script: {e}")),
    };
    let want = match std::fs::read(dir.join(format!("{name}.out"))) {
        Ok(w) => w,
        Err(e) => return Verdict::Fail(format!("missing golden file {name}.out: {e}")),
    };
    let started = Instant::now();
    let outcome = run_in_process(name, name, source, script_limit());
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    let stderr_note = if stderr.is_empty() {
        String::new()
    } else {
        format!(
            "\n    stderr: {}",
            stderr.trim_end().replace('\n', "\n            ")
        )
    };
    let tail = |out: &[u8]| {
        let text = String::from_utf8_lossy(out);
        let lines: Vec<&str> = text.lines().collect();
        let from = lines.len().saturating_sub(5);
        lines[from..].join("\n      | ")
    };
    match outcome.ending {
        Ending::Returned => match first_diff(&outcome.stdout, &want) {
            None => Verdict::Pass,
            Some(diff) => Verdict::Fail(format!(
                "output differs from {name}.out at {diff}{stderr_note}"
            )),
        },
        Ending::Failed(msg) => Verdict::Fail(format!(
            "script failed: {}\n    output so far (last lines):\n      | {}{stderr_note}",
            msg.replace('\n', "\n      "),
            tail(&outcome.stdout)
        )),
        Ending::Panicked(msg) => Verdict::Fail(format!(
            "PANIC: {msg}\n    output so far (last lines):\n      | {}",
            tail(&outcome.stdout)
        )),
        Ending::TimedOut => Verdict::Fail(format!(
            "timed out after {:?} (abandoned)\n    output so far (last lines):\n      | {}",
            started.elapsed(),
            tail(&outcome.stdout)
        )),
    }
}

/// Runs `check_script` over `names` on a few worker threads (scripts share
/// the process's working directory, which is set once for all of them).
fn check_all(dir: &Path, names: &[String]) -> Vec<(String, Verdict, Duration)> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(name) = names.get(i) else { break };
                    let started = Instant::now();
                    let verdict = check_script(dir, name);
                    results.lock().unwrap_or_else(|e| e.into_inner()).push((
                        name.clone(),
                        verdict,
                        started.elapsed(),
                    ));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

/// Every conformance script, all run, every failure reported.
#[test]
fn conformance() {
    let dir = conformance_dir();
    let names = scripts(&dir);
    assert!(
        !names.is_empty(),
        "no conformance scripts in {}",
        dir.display()
    );
    let skips = read_skip_list(&dir);
    // The scripts open files relative to their folder, as when run by
    // `lua5.4 NAME.lua` from there. No other test of this binary depends
    // on the working directory.
    std::env::set_current_dir(&dir).expect("cd testdata/lua");
    let results = check_all(&dir, &names);

    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    let mut now_pass = Vec::new();
    let mut passed = 0;
    let mut slow = Vec::new();
    for (name, verdict, took) in &results {
        if *took > Duration::from_secs(5) {
            slow.push(format!("{name} ({:.1}s)", took.as_secs_f64()));
        }
        match (skips.get(name), verdict) {
            (Some(_), Verdict::Pass) => now_pass.push(name.clone()),
            (Some(reason), Verdict::Fail(_)) => skipped.push(format!("{name}: {reason}")),
            (None, Verdict::Pass) => passed += 1,
            (None, Verdict::Fail(why)) => failed.push(format!("{name}: {why}")),
        }
    }
    let stale: Vec<&String> = skips.keys().filter(|k| !names.contains(k)).collect();

    println!(
        "conformance: {passed} passed, {} failed, {} skipped, {} skipped but passing, of {} scripts",
        failed.len(),
        skipped.len(),
        now_pass.len(),
        names.len()
    );
    if !skipped.is_empty() {
        println!("skipped (testdata/lua/SKIP):\n  {}", skipped.join("\n  "));
    }
    if !slow.is_empty() {
        println!("slow: {}", slow.join(", "));
    }
    for f in &failed {
        println!("FAIL {f}");
    }
    if !failed.is_empty() {
        // Ready to paste into testdata/lua/SKIP when a failure is to be
        // tolerated for a while.
        println!("as SKIP lines:");
        for f in &failed {
            let first = f.lines().next().unwrap_or_default();
            let reason = first.split_once(": ").map(|(_, r)| r).unwrap_or(first);
            let name = first.split(':').next().unwrap_or_default();
            println!("  {name}: {}", reason.trim_end_matches(':'));
        }
    }
    let filtered = std::env::var_os("LUNAR_CONFORMANCE").is_some();
    if !now_pass.is_empty() {
        println!(
            "NOW PASSING, remove from testdata/lua/SKIP: {}",
            now_pass.join(", ")
        );
    }
    if !stale.is_empty() && !filtered {
        println!("SKIP names scripts that do not exist: {stale:?}");
    }
    assert!(
        failed.is_empty() && now_pass.is_empty() && (stale.is_empty() || filtered),
        "{} conformance scripts fail: {}{}",
        failed.len(),
        failed
            .iter()
            .map(|f| f.split(':').next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(", "),
        if now_pass.is_empty() {
            String::new()
        } else {
            format!("; skipped scripts that now pass: {}", now_pass.join(", "))
        }
    );
}

/// The golden files hold what the reference interpreter prints: checked
/// against `lua5.4` when it is installed.
#[test]
fn golden_files_match_lua54() {
    let Some(lua) = lua54() else {
        println!("golden_files_match_lua54: skipped, lua5.4 is not installed");
        return;
    };
    let dir = conformance_dir();
    let mut bad = Vec::new();
    for name in scripts(&dir) {
        let Ok(want) = std::fs::read(dir.join(format!("{name}.out"))) else {
            bad.push(format!("{name}: no golden file"));
            continue;
        };
        let out = Command::new(&lua)
            .arg(&name)
            .current_dir(&dir)
            .output()
            .expect("run lua5.4");
        if !out.status.success() {
            bad.push(format!(
                "{name}: lua5.4 failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim_end()
            ));
        } else if let Some(diff) = first_diff(&out.stdout, &want) {
            bad.push(format!(
                "{name}: golden file differs from lua5.4's output at {diff}"
            ));
        }
    }
    assert!(bad.is_empty(), "stale golden files:\n{}", bad.join("\n"));
}

/// The programs in `examples/` run, and print what `lua5.4` prints when it
/// is installed.
#[test]
fn examples() {
    let root = workspace_root();
    let dir = root.join("examples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "lua"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no examples");
    let lua = lua54();
    if lua.is_none() {
        println!("examples: lua5.4 is not installed, outputs are not compared");
    }
    let mut bad = Vec::new();
    for path in paths {
        // As `lua5.4 examples/NAME.lua` run from the workspace root.
        let rel = format!("examples/{}", path.file_name().unwrap().to_string_lossy());
        let source = std::fs::read(&path).expect("read example");
        let outcome = run_in_process(&rel, &rel, source, script_limit());
        match outcome.ending {
            Ending::Returned => {}
            other => {
                bad.push(format!("{rel}: {other:?}"));
                continue;
            }
        }
        if let Some(lua) = &lua {
            let want = Command::new(lua)
                .arg(&rel)
                .current_dir(&root)
                .output()
                .expect("run lua5.4");
            if let Some(diff) = first_diff(&outcome.stdout, &want.stdout) {
                bad.push(format!("{rel}: output differs from lua5.4's at {diff}"));
            }
        }
    }
    assert!(bad.is_empty(), "examples fail:\n{}", bad.join("\n"));
}

/// Keeps the harness honest: the skip list parser and the script filter.
#[test]
fn skip_list_format() {
    let tmp = std::env::temp_dir().join(format!("lunar-skip-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("SKIP"), "# comment\n\na.lua: needs x: y\nb.lua\n").unwrap();
    let skips = read_skip_list(&tmp);
    assert_eq!(skips.get("a.lua").map(String::as_str), Some("needs x: y"));
    assert_eq!(skips.get("b.lua").map(String::as_str), Some(""));
    assert_eq!(skips.len(), 2);
    let _ = std::fs::remove_dir_all(&tmp);
}
