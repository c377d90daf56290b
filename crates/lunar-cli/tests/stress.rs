//! `lunar stress` and the CPU pinning it relies on (`lunar serve --cpus`),
//! as a user runs them.

#![cfg(target_os = "linux")]

mod common;

use common::Sandbox;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The CPUs a thread of `pid` named `name` may run on
/// (`Cpus_allowed_list` of its `/proc` status), once it exists.
fn thread_cpus(pid: u32, name: &str) -> Option<String> {
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .ok()?
        .flatten()
    {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() == name {
            let status = std::fs::read_to_string(task.path().join("status")).ok()?;
            return status
                .lines()
                .find_map(|l| Some(l.strip_prefix("Cpus_allowed_list:")?.trim().to_string()));
        }
    }
    None
}

#[test]
fn serve_pins_its_workers_to_the_cpus_given() {
    let sb = Sandbox::new(&[]);
    std::fs::create_dir_all(sb.path().join("site")).unwrap();
    sb.write("site/a.lua", b"return function() return 'a' end");
    let mut child = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .args([
            "serve",
            "site",
            "--listen",
            "127.0.0.1:0",
            "--cpus",
            "0",
            "--no-reload",
        ])
        .current_dir(sb.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let cpus = loop {
        if let Some(c) = thread_cpus(child.id(), "lunar-worker-0") {
            // The worker pins itself first thing; wait for that.
            if c == "0" || start.elapsed() > Duration::from_secs(20) {
                break c;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no worker thread"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    // One CPU listed, one worker: no second worker thread.
    let second = thread_cpus(child.id(), "lunar-worker-1");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(cpus, "0");
    assert_eq!(second, None);
}

#[test]
fn bad_cpu_lists_and_targets_say_what_is_wrong() {
    let sb = Sandbox::new(&[]);
    std::fs::create_dir_all(sb.path().join("site")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .args(["serve", "site", "--cpus", "99999"])
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("lunar serve: cpus: CPU 99999 is not one this process may run on"),
        "{err}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .args(["serve", "site", "--cpus", "1-0"])
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "lunar serve: --cpus: '1-0' is not a CPU list (like 0-3,8)\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .args(["stress", "--target", "ftp://example.com/", "--out", "r"])
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "lunar stress: --target: 'ftp://example.com/' is not an http:// URL\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .args(["stress", "--only", "nosuchtest"])
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "clap's usage errors exit 2");
}

/// The cold-start test end to end: it starts real servers with 1, 100 and
/// 1,000 scripts, so the whole path (scripts written, processes started
/// and stopped, report written) runs; its verdict is a timing and is not
/// judged here.
#[test]
fn stress_runs_a_test_and_writes_its_report() {
    let sb = Sandbox::new(&[]);
    // The picture needs chromium (CI installs it).
    let shoot = lunar_stress::report::find_chromium().is_some();
    let mut args = vec![
        "stress",
        "--quick",
        "--only",
        "cold_start",
        "--out",
        "report",
    ];
    if shoot {
        args.extend(["--screenshot", "shot.png"]);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .args(&args)
        .current_dir(sb.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}\n{stdout}\n{stderr}",
        out.status
    );
    let json = std::fs::read_to_string(sb.path().join("report/report.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let tests = report["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0]["id"], "cold_start");
    let verdict = tests[0]["verdict"].as_str().unwrap();
    assert!(verdict == "pass" || verdict == "fail", "{verdict}");
    let starts = tests[0]["figures"]["starts"].as_array().unwrap();
    let counts: Vec<u64> = starts
        .iter()
        .map(|s| s["scripts"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [1, 100, 1000]);
    for s in starts {
        assert!(s["first_response_ms"].as_f64().unwrap() > 0.0);
    }
    assert!(report["machine"]["logical_cpus"].as_u64().unwrap() >= 1);
    assert!(sb.path().join("report/report.html").is_file());
    if shoot {
        let png = std::fs::read(sb.path().join("shot.png")).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    }
    assert!(stdout.contains("cold_start"), "{stdout}");
    // Exit 1 exactly when a test failed.
    assert_eq!(out.status.code() == Some(1), verdict == "fail");
}
