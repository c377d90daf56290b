//! What the host modules' integration tests share: a `redis-server`
//! started for the test.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` this test started, stopped when dropped.
pub struct RedisServer {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Starts `redis-server` on a free port, or says why not: `None` when it
/// is not installed (a failure when `LUNAR_REQUIRE_REDIS=1`).
pub fn start_redis() -> Option<RedisServer> {
    let Some(bin) = find_on_path("redis-server") else {
        if std::env::var("LUNAR_REQUIRE_REDIS").as_deref() == Ok("1") {
            panic!("redis-server is not on PATH and LUNAR_REQUIRE_REDIS=1");
        }
        eprintln!(
            "skipped: redis-server is not on PATH (set LUNAR_REQUIRE_REDIS=1 to fail instead)"
        );
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server starts");
    let server = RedisServer { child, port };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "redis-server did not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(server)
}
