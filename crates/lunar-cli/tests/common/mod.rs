//! A sandbox for driving the built `lunar` binary as a user would: a
//! temporary folder with files, arguments, stdin and environment, and the
//! reference interpreter run the same way for comparison.

#![allow(dead_code)] // each test file uses its own subset

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The result of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The exit status (-1 when killed by a signal).
    pub status: i32,
    /// Standard output, as text.
    pub stdout: String,
    /// Standard error, as text.
    pub stderr: String,
}

/// A temporary folder holding a test's files; removed when dropped.
pub struct Sandbox {
    dir: PathBuf,
    env: Vec<(String, String)>,
}

impl Sandbox {
    /// A sandbox with these files (name, contents).
    pub fn new(files: &[(&str, &str)]) -> Sandbox {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "lunar-cli-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("sandbox");
        let sb = Sandbox {
            dir,
            env: Vec::new(),
        };
        for (name, text) in files {
            sb.write(name, text.as_bytes());
        }
        sb
    }

    /// Writes a file in the sandbox.
    pub fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.dir.join(name), bytes).expect("write sandbox file");
    }

    /// The sandbox's folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Sets an environment variable for the runs that follow.
    pub fn env(&mut self, key: &str, value: &str) -> &mut Sandbox {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Runs `lunar ARGS` here (named "lunar" in argv[0], as when found on
    /// `PATH`), with `stdin` as its input (empty when `None`).
    ///
    /// `LUNAR_CLI_UNDER_TEST=/path/to/interpreter` runs another program
    /// instead (e.g. lua5.4, to check the expectations themselves).
    pub fn lunar(&self, args: &[&str], stdin: Option<&str>) -> Run {
        match std::env::var_os("LUNAR_CLI_UNDER_TEST") {
            Some(p) => self.run_program(Path::new(&p), args, stdin),
            None => self.run_program(Path::new(env!("CARGO_BIN_EXE_lunar")), args, stdin),
        }
    }

    /// Runs the reference interpreter the same way (also named "lunar" in
    /// argv[0], so that its messages and `arg` read the same), or `None`
    /// when it is not installed.
    pub fn lua(&self, args: &[&str], stdin: Option<&str>) -> Option<Run> {
        let lua = lua54()?;
        Some(self.run_program(&lua, args, stdin))
    }

    fn run_program(&self, program: &Path, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = Command::new(program);
        cmd.arg0("lunar")
            .args(args)
            .current_dir(&self.dir)
            .env_remove("LUA_INIT")
            .env_remove("LUA_INIT_5_4")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start the interpreter");
        let input = stdin.unwrap_or("").as_bytes().to_vec();
        let mut pipe = child.stdin.take().expect("stdin pipe");
        let writer = std::thread::spawn(move || {
            // The program may exit without reading its input.
            let _ = pipe.write_all(&input);
        });
        let out = child.wait_with_output().expect("wait for the interpreter");
        let _ = writer.join();
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs `lunar ARGS`, and when `lua5.4` is installed, checks that it
    /// behaves the same (status, stdout, stderr). Returns Lunar's run.
    pub fn same_as_lua(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let got = self.lunar(args, stdin);
        if let Some(want) = self.lua(args, stdin) {
            assert_eq!(got, want, "lunar {args:?} differs from lua5.4 (right)");
        }
        got
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The path of `lua5.4` when it is installed (on `PATH`).
pub fn lua54() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("lua5.4"))
        .find(|p| p.is_file())
}
