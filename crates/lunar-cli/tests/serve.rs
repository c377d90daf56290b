//! `lunar serve` as a user runs it: the process, its log, its flags and
//! errors, and SIGTERM draining the requests in flight before it exits.

#![cfg(unix)]

mod common;

use common::Sandbox;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Starts `lunar serve` with `args` in the sandbox; returns the process
/// and the address its log says it listens on.
fn serve(sb: &Sandbox, args: &[&str]) -> (Child, SocketAddr, std::thread::JoinHandle<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .arg("serve")
        .args(args)
        .current_dir(sb.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    let addr = loop {
        let line = lines
            .next()
            .expect("the log ends before 'listening'")
            .unwrap();
        log.push_str(&line);
        log.push('\n');
        if line.contains("listening") {
            let addr = line
                .split_whitespace()
                .find_map(|w| w.strip_prefix("addr="))
                .unwrap();
            break addr.parse::<SocketAddr>().unwrap();
        }
    };
    // Keep reading the log so the server never blocks on a full pipe.
    let rest = std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            log.push_str(&line);
            log.push('\n');
        }
        log
    });
    (child, addr, rest)
}

fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw.split(' ').nth(1).unwrap().parse().unwrap();
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn serves_a_folder_and_drains_on_sigterm() {
    let sb = Sandbox::new(&[]);
    std::fs::create_dir_all(sb.path().join("site")).unwrap();
    sb.write(
        "site/hello.lua",
        "return function(req) return 'hello ' .. (req.query.name or 'world') end".as_bytes(),
    );
    sb.write(
        "site/slow.lua",
        "return function() sleep(0.5) return 'finished' end".as_bytes(),
    );
    sb.write("site/broken.lua", "return function(".as_bytes());
    let (mut child, addr, log) = serve(
        &sb,
        &[
            "site",
            "--listen",
            "127.0.0.1:0",
            "--workers",
            "2",
            "--no-reload",
        ],
    );
    assert_eq!(get(addr, "/hello?name=ann"), (200, "hello ann".to_string()));

    let slow: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(move || get(addr, "/slow")))
        .collect();
    std::thread::sleep(Duration::from_millis(150));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    for s in slow {
        assert_eq!(s.join().unwrap(), (200, "finished".to_string()));
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let log = log.join().unwrap();
    assert!(log.contains("broken.lua:1:"), "{log}");
    assert!(log.contains("SIGTERM"), "{log}");
}

#[test]
fn bad_invocations_say_what_is_wrong() {
    let sb = Sandbox::new(&[]);
    std::fs::create_dir_all(sb.path().join("site")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .args(["serve", "nowhere"])
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "lunar serve: nowhere: not a folder\n"
    );

    sb.write("bad.toml", b"[limits]\ninstruction = 5\n");
    sb.write("site/a.lua", "return function() return 'a' end".as_bytes());
    let out = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .args(["serve", "site", "--config", "bad.toml"])
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("lunar serve: bad.toml:"), "{err}");
    assert!(err.contains("unknown field `instruction`"), "{err}");

    let out = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .args(["serve", "site", "--workers", "many"])
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("invalid value 'many' for '--workers <N>'")
    );
}
