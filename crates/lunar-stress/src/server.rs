//! The server under test: a `lunar serve` child process the suite starts,
//! watches (CPU time and RSS from `/proc`), stops gracefully and
//! restarts; and a small blocking HTTP client for the suite's control
//! requests (`/readyz`, `/metrics`, profiles), kept apart from the load
//! generator so that a control request never queues behind load.

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How to start a server.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    /// The `lunar` executable.
    pub exe: PathBuf,
    /// The folder of scripts.
    pub dir: PathBuf,
    /// A configuration file (`--config`), if any.
    pub config: Option<PathBuf>,
    /// Worker count.
    pub workers: usize,
    /// CPUs to pin the workers to (empty: not pinned).
    pub cpus: Vec<usize>,
    /// The port (the suite picks a free one, so that a restarted server
    /// comes back at the same address).
    pub port: u16,
    /// Serve CPU profiles.
    pub profiling: bool,
    /// Watch the folder and reload changed scripts.
    pub reload: bool,
    /// Where the server's log (stderr) goes.
    pub log: PathBuf,
}

/// A running `lunar serve` process. Dropping it kills the process.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    addr: SocketAddr,
}

/// The process's CPU time (user + system), seconds, from
/// `/proc/PID/stat`; `None` once it has gone.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces: count from after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the whole line are 12 and 13 after the name.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / clock_ticks())
}

/// The kernel's clock ticks per second (`USER_HZ`): 100 on every Linux
/// the suite targets; `getconf CLK_TCK` would say otherwise.
fn clock_ticks() -> f64 {
    100.0
}

/// The process's resident memory, MiB, from `/proc/PID/status`.
pub fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| {
        let kb: f64 = l
            .strip_prefix("VmRSS:")?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    })
}

/// A free TCP port on loopback (bound and released: another process
/// could take it in between, which the start then reports).
pub fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

impl ServerProcess {
    /// Starts the server and waits until `/readyz` answers 200 (at most
    /// `timeout`). Returns it with the time from spawn to ready.
    pub fn start(
        spec: &ServerSpec,
        timeout: Duration,
    ) -> Result<(ServerProcess, Duration), String> {
        let server = ServerProcess::spawn(spec)?;
        let started = Instant::now();
        let elapsed = server.wait_for(|s| s == 200, "/readyz", timeout)?;
        debug_assert!(elapsed <= started.elapsed());
        Ok((server, elapsed))
    }

    /// Starts the server without waiting for it.
    pub fn spawn(spec: &ServerSpec) -> Result<ServerProcess, String> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&spec.log)
            .map_err(|e| format!("cannot write {}: {e}", spec.log.display()))?;
        let mut cmd = Command::new(&spec.exe);
        cmd.arg("serve")
            .arg(&spec.dir)
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", spec.port))
            .arg("--workers")
            .arg(spec.workers.to_string());
        if !spec.cpus.is_empty() {
            cmd.arg("--cpus")
                .arg(lunar_server::cpu_list_text(&spec.cpus));
        }
        if let Some(config) = &spec.config {
            cmd.arg("--config").arg(config);
        }
        if spec.profiling {
            cmd.arg("--profiling");
        }
        if !spec.reload {
            cmd.arg("--no-reload");
        }
        // Only warnings and errors: the soak's script errors are logged
        // one line each, and a busy log would cost the server CPU.
        cmd.env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log));
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", spec.exe.display()))?;
        Ok(ServerProcess {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], spec.port)),
        })
    }

    /// Polls `path` until its status satisfies `ok` (or the process
    /// exits, or `timeout` passes); returns how long that took.
    pub fn wait_for(
        &self,
        ok: impl Fn(u16) -> bool,
        path: &str,
        timeout: Duration,
    ) -> Result<Duration, String> {
        let start = Instant::now();
        loop {
            if let Ok((status, _)) = get(self.addr, path, Duration::from_secs(2))
                && ok(status)
            {
                return Ok(start.elapsed());
            }
            if start.elapsed() > timeout {
                return Err(format!(
                    "the server did not answer {path} within {:.1} s",
                    timeout.as_secs_f64()
                ));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its CPU time so far, seconds.
    pub fn cpu_seconds(&self) -> Option<f64> {
        cpu_seconds(self.pid())
    }

    /// Its resident memory, MiB.
    pub fn rss_mib(&self) -> Option<f64> {
        rss_mib(self.pid())
    }

    /// Whether it is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends SIGTERM (a graceful stop: in-flight requests finish) and
    /// waits for the exit, at most `timeout`; kills it after that.
    /// Returns whether it exited by itself with status 0.
    pub fn terminate(&mut self, timeout: Duration) -> Result<bool, String> {
        let pid = Pid::from_raw(self.child.id() as i32);
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return Ok(false);
        }
        kill(pid, Signal::SIGTERM).map_err(|e| format!("cannot signal the server: {e}"))?;
        let start = Instant::now();
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Ok(status.success()),
                Ok(None) if start.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return Ok(false);
                }
            }
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A blocking `GET path` on a fresh connection: the status and the body.
/// For control requests only (the load generator is `crate::load`).
pub fn get(addr: SocketAddr, path: &str, timeout: Duration) -> Result<(u16, Vec<u8>), String> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    parse_response(&raw)
}

/// The status and body of a whole HTTP/1.1 response (`Content-Length` or
/// read to the end; the server under test does not chunk its replies to
/// control requests).
fn parse_response(raw: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("a response without a complete head")?;
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("a response without a status")?;
    Ok((status, raw[head_end + 4..].to_vec()))
}

/// One sample of a Prometheus text exposition: the value of the first
/// line whose name (and labels) start with `prefix`.
pub fn metric(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
}

/// The suite's own folder of scripts and configuration for a test, under
/// the report's folder (kept after the run, so a reader can rerun a
/// route by hand).
pub fn write_files(dir: &Path, files: &[(String, String)]) -> Result<(), String> {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_cpu_time_and_memory() {
        let pid = std::process::id();
        let spin = Instant::now();
        while spin.elapsed() < Duration::from_millis(30) {
            std::hint::black_box(0);
        }
        assert!(cpu_seconds(pid).unwrap() > 0.0);
        assert!(rss_mib(pid).unwrap() > 0.1);
        assert!(cpu_seconds(u32::MAX).is_none());
    }

    #[test]
    fn responses_and_metrics_parse() {
        let (s, body) =
            parse_response(b"HTTP/1.1 503 Service Unavailable\r\nA: b\r\n\r\nbusy").unwrap();
        assert_eq!((s, body.as_slice()), (503, &b"busy"[..]));
        assert!(parse_response(b"HTTP/1.1 200").is_err());
        let text = "# HELP lunar_workers x\nlunar_workers 4\nlunar_requests_in_flight 2\n";
        assert_eq!(metric(text, "lunar_workers "), Some(4.0));
        assert_eq!(metric(text, "lunar_requests_in_flight"), Some(2.0));
        assert_eq!(metric(text, "nope"), None);
    }

    #[test]
    fn a_control_get_reaches_a_local_listener() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let t = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            // The whole request before the answer: a socket closed with
            // unread bytes sends a reset, which the client may see
            // before the answer (it did, once in CI).
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = s.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                req.extend_from_slice(&buf[..n]);
            }
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                .unwrap();
        });
        let (status, body) = get(addr, "/readyz", Duration::from_secs(2)).unwrap();
        assert_eq!((status, body), (200, b"ok".to_vec()));
        t.join().unwrap();
        let port = free_port().unwrap();
        assert!(
            get(
                SocketAddr::from(([127, 0, 0, 1], port)),
                "/",
                Duration::from_millis(200)
            )
            .is_err()
        );
    }
}
