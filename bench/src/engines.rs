//! The engines the harness runs programs on, and how one run is measured.
//!
//! Every engine runs as a whole process under GNU `time`, which reports
//! wall time, user and system CPU time and peak resident memory of exactly
//! that process. In-process engines (Lunar through its embedding crate)
//! run in a child copy of this harness (`lunar-bench --inproc ENGINE FILE
//! SIZE`), so they are measured the same way, start-up included.

use crate::programs::Dialect;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// One interpreter the harness can run programs on.
#[derive(Clone, Debug)]
pub struct Engine {
    /// Name in flags and reports.
    pub name: &'static str,
    /// Which program files it runs.
    pub dialect: Dialect,
    /// Dispatch model, for the register-versus-stack table.
    pub vm: &'static str,
    /// One-line version, or empty when unknown.
    pub version: String,
    /// Why it cannot run; `None` when available.
    pub skip: Option<String>,
    /// Command prefix: the program file and size are appended.
    pub argv: Vec<String>,
    /// Whether the engine runs inside a child copy of the harness.
    pub in_process: bool,
}

/// The engines, in report order. The first available one named
/// [`BASELINE`] is the denominator of every ratio.
/// The in-process peers (`crate::peers::PEERS`) follow the process engines.
pub const ENGINE_ORDER: &[&str] = &[
    "lunar",
    "lunar-inproc",
    "lua5.4",
    "luajit",
    "mlua",
    "piccolo",
    "luars",
    "lua-rs",
    "tsuki",
    "rune",
];

/// The baseline engine.
pub const BASELINE: &str = "lua5.4";

/// What one run cost.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timing {
    /// Elapsed real time.
    pub wall: Duration,
    /// User plus system CPU time.
    pub cpu: Duration,
    /// Peak resident set size in KiB.
    pub max_rss_kib: u64,
}

impl Engine {
    /// Whether the engine can run programs.
    pub fn available(&self) -> bool {
        self.skip.is_none()
    }

    /// The report label ("luajit -joff" for luajit).
    pub fn label(&self) -> &'static str {
        if self.name == "luajit" {
            "luajit -joff"
        } else {
            self.name
        }
    }

    /// The full command line for one run.
    pub fn command(&self, file: &Path, size: u64) -> Vec<String> {
        let mut argv = self.argv.clone();
        argv.push(file.display().to_string());
        argv.push(size.to_string());
        argv
    }

    /// Runs `file` with `size` under GNU time; returns stdout and the cost.
    pub fn run(
        &self,
        file: &Path,
        size: u64,
        timeout: Duration,
        tmp: &Path,
    ) -> Result<(String, Timing), String> {
        run_measured(&self.command(file, size), timeout, tmp)
    }
}

/// Runs `argv` under `/usr/bin/time`, killing it after `timeout`.
pub fn run_measured(
    argv: &[String],
    timeout: Duration,
    tmp: &Path,
) -> Result<(String, Timing), String> {
    let time_out = tmp.join(format!("time-{}.txt", std::process::id()));
    let start = std::time::Instant::now();
    // The run gets its own process group, so that a timeout can kill the
    // engine under GNU time too (killing `time` alone leaves it running).
    let mut child = Command::new("/usr/bin/time")
        .process_group(0)
        .arg("-f")
        .arg("%e %U %S %M")
        .arg("-o")
        .arg(&time_out)
        .args(argv)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", argv[0]))?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut s).ok();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut s).ok();
        s
    });
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if start.elapsed() > timeout {
            Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stderr(Stdio::null())
                .status()
                .ok();
            child.kill().ok();
            child.wait().ok();
            return Err(format!("timed out after {}s", timeout.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let out = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let err = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    let report = std::fs::read_to_string(&time_out).unwrap_or_default();
    std::fs::remove_file(&time_out).ok();
    if !status.success() {
        let first = err
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        return Err(format!(
            "exit status {}: {first}",
            status.code().unwrap_or(-1)
        ));
    }
    let wall = start.elapsed();
    let mut timing = parse_time_report(&report)
        .ok_or_else(|| format!("cannot read GNU time's report: {report:?}"))?;
    // GNU time reports wall time in hundredths; our own clock is finer
    // (it includes GNU time's fork, well under a millisecond).
    timing.wall = wall;
    Ok((out, timing))
}

/// Parses the last line of GNU time's "%e %U %S %M" report.
pub fn parse_time_report(s: &str) -> Option<Timing> {
    let line = s.lines().rev().find(|l| !l.trim().is_empty())?;
    let f: Vec<&str> = line.split_whitespace().collect();
    if f.len() != 4 {
        return None;
    }
    let secs = |x: &str| x.parse::<f64>().ok().map(Duration::from_secs_f64);
    Some(Timing {
        wall: secs(f[0])?,
        cpu: secs(f[1])? + secs(f[2])?,
        max_rss_kib: f[3].parse().ok()?,
    })
}

/// Where the harness finds things when it discovers engines.
pub struct Config {
    /// The workspace root.
    pub root: PathBuf,
    /// A prebuilt `lunar` binary, instead of building one.
    pub lunar_bin: Option<PathBuf>,
    /// Skip building (use the target directory's release/lunar as it is).
    pub no_build: bool,
}

/// Finds every engine; `want` narrows them (empty: all).
pub fn discover(cfg: &Config, want: &[String]) -> Vec<Engine> {
    let wanted = |n: &str| want.is_empty() || want.iter().any(|w| w == n);
    let mut out = Vec::new();
    if wanted("lunar") {
        out.push(lunar_engine(cfg));
    }
    if wanted("lunar-inproc") {
        let me = std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        out.push(Engine {
            name: "lunar-inproc",
            dialect: Dialect::Lua54,
            vm: "register",
            version: "Lunar (this tree, through the embedding crate)".into(),
            skip: None,
            argv: vec![me, "--inproc".into(), "lunar".into()],
            in_process: true,
        });
    }
    if wanted("lua5.4") {
        out.push(command_engine(
            "lua5.4",
            Dialect::Lua54,
            "register",
            &["lua5.4"],
            "-v",
        ));
    }
    if wanted("luajit") {
        out.push(command_engine(
            "luajit",
            Dialect::Lua51,
            "register (interpreter only)",
            &["luajit", "-joff"],
            "-v",
        ));
    }
    for p in crate::peers::PEERS.iter().filter(|p| wanted(p.name)) {
        out.push(peer_engine(p));
    }
    out
}

/// An in-process peer, run as `lunar-bench --inproc NAME FILE SIZE`; listed
/// as skipped when the harness was built without the `peers` feature.
fn peer_engine(p: &crate::peers::Peer) -> Engine {
    let me = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    Engine {
        name: p.name,
        dialect: Dialect::Lua54,
        vm: p.vm,
        version: p.version.into(),
        skip: (!crate::peers::ENABLED).then(|| "build with --features peers".to_string()),
        argv: vec![me, "--inproc".into(), p.name.into()],
        in_process: true,
    }
}

fn command_engine(
    name: &'static str,
    dialect: Dialect,
    vm: &'static str,
    argv: &[&str],
    version_flag: &str,
) -> Engine {
    let mut e = Engine {
        name,
        dialect,
        vm,
        version: String::new(),
        skip: None,
        argv: argv.iter().map(|s| s.to_string()).collect(),
        in_process: false,
    };
    match which(argv[0]) {
        Some(path) => {
            e.version = command_version(&path, version_flag);
            e.argv[0] = path.display().to_string();
        }
        None => e.skip = Some(format!("{} not found on PATH", argv[0])),
    }
    e
}

fn lunar_engine(cfg: &Config) -> Engine {
    let mut e = Engine {
        name: "lunar",
        dialect: Dialect::Lua54,
        vm: "register",
        version: String::new(),
        skip: None,
        argv: vec![],
        in_process: false,
    };
    let bin = match &cfg.lunar_bin {
        Some(b) => b.clone(),
        None => {
            let bin = target_dir(&cfg.root).join("release").join("lunar");
            if !cfg.no_build {
                let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
                let st = Command::new(cargo)
                    .args(["build", "--release", "-p", "lunar-cli"])
                    .current_dir(&cfg.root)
                    .status();
                if !matches!(st, Ok(s) if s.success()) {
                    e.skip = Some("cargo build --release -p lunar-cli failed".into());
                    return e;
                }
            }
            bin
        }
    };
    if !bin.is_file() {
        e.skip = Some(format!("{} does not exist", bin.display()));
        return e;
    }
    e.version = command_version(&bin, "-v");
    e.argv = vec![bin.display().to_string()];
    e
}

/// Cargo's target directory for the workspace at `root`:
/// `CARGO_TARGET_DIR` when set (relative to `root` if relative), as the
/// `cargo build` this harness runs uses it, else `root/target`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => root.join(d),
        _ => root.join("target"),
    }
}

/// The first line of `bin flag`'s output (stdout or stderr), cleaned.
fn command_version(bin: &Path, flag: &str) -> String {
    let Ok(out) = Command::new(bin).arg(flag).stdin(Stdio::null()).output() else {
        return String::new();
    };
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    let line = String::from_utf8_lossy(&text)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    // Drop copyright notices: "Lua 5.4.4  Copyright (C) ..." -> "Lua 5.4.4".
    match line.find("Copyright") {
        Some(i) => line[..i].trim().trim_end_matches("--").trim().to_string(),
        None => line.trim().to_string(),
    }
}

/// Looks `name` up on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        let p = PathBuf::from(name);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gnu_time_reports() {
        let t = parse_time_report("0.52 0.40 0.03 10240\n").unwrap();
        assert_eq!(t.wall, Duration::from_millis(520));
        assert_eq!(t.cpu, Duration::from_millis(430));
        assert_eq!(t.max_rss_kib, 10240);
        // A killed child makes GNU time print a note before the figures.
        assert!(
            parse_time_report("Command terminated by signal 9\n0.10 0.00 0.00 100\n").is_some()
        );
        assert!(parse_time_report("garbage").is_none());
    }

    #[test]
    fn every_peer_is_a_known_engine() {
        for p in crate::peers::PEERS {
            assert!(
                ENGINE_ORDER.contains(&p.name),
                "{} is not in ENGINE_ORDER",
                p.name
            );
            let e = peer_engine(p);
            assert_eq!(e.available(), crate::peers::ENABLED);
            assert!(e.in_process);
        }
    }

    #[test]
    fn luajit_is_labelled_with_its_flag() {
        let e = command_engine(
            "luajit",
            Dialect::Lua51,
            "r",
            &["no-such-binary-here"],
            "-v",
        );
        assert_eq!(e.label(), "luajit -joff");
        assert!(!e.available());
    }
}
