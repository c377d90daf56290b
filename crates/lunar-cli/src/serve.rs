//! `lunar serve DIR`: the script server (crate lunar-server) from the
//! command line. Flags override the configuration file's settings.

use crate::tools::{parse, tool_error};
use clap::{Arg, ArgAction, Command};
use lunar_server::{Config, LogFormat, Server};
use std::ffi::OsString;
use std::path::PathBuf;

/// The command-line syntax of `lunar serve`.
pub fn command(base: Command) -> Command {
    base.about("Serves every Lua script under DIR as an HTTP route")
        .override_usage(
            "lunar serve DIR [--listen ADDR:PORT] [--workers N] [--config FILE] [options]",
        )
        .after_help(
            "DIR/api/users.lua serves /api/users (DIR/index.lua serves /); files and folders \
             starting with '_' are modules for require, not routes. A script returns its \
             handler: function(req) ... end, which returns a string, a table (sent as JSON) or \
             {status=, headers=, body=}. /healthz, /readyz and /metrics are the server's own.",
        )
        .arg(
            Arg::new("dir")
                .required(true)
                .value_parser(clap::value_parser!(OsString))
                .help("the folder of scripts"),
        )
        .arg(
            Arg::new("listen")
                .long("listen")
                .value_name("ADDR:PORT")
                .help("where to listen (default 127.0.0.1:8080)"),
        )
        .arg(
            Arg::new("workers")
                .long("workers")
                .value_name("N")
                .value_parser(clap::value_parser!(usize))
                .help("worker threads (default: one per core)"),
        )
        .arg(
            Arg::new("cpus")
                .long("cpus")
                .value_name("LIST")
                .help("pin worker i to the i-th CPU of LIST (like 0-3,8; default: not pinned)"),
        )
        .arg(
            Arg::new("config")
                .long("config")
                .value_name("FILE")
                .value_parser(clap::value_parser!(OsString))
                .help("a TOML configuration file (see the README)"),
        )
        .arg(
            Arg::new("log-format")
                .long("log-format")
                .value_name("text|json")
                .value_parser(["text", "json"])
                .help("log lines as text (default) or JSON"),
        )
        .arg(
            Arg::new("no-reload")
                .long("no-reload")
                .action(ArgAction::SetTrue)
                .help("do not recompile scripts when their files change"),
        )
        .arg(
            Arg::new("redis")
                .long("redis")
                .value_name("URL")
                .help("keep kv in Redis (redis://host:6379/0) instead of in the process"),
        )
        .arg(
            Arg::new("tls-cert")
                .long("tls-cert")
                .value_name("FILE")
                .value_parser(clap::value_parser!(OsString))
                .requires("tls-key")
                .help("serve HTTPS with this certificate chain (PEM)"),
        )
        .arg(
            Arg::new("tls-key")
                .long("tls-key")
                .value_name("FILE")
                .value_parser(clap::value_parser!(OsString))
                .requires("tls-cert")
                .help("the certificate's private key (PEM)"),
        )
        .arg(
            Arg::new("playground")
                .long("playground")
                .action(ArgAction::SetTrue)
                .help("serve the script playground at / (runs code visitors type, sandboxed)"),
        )
        .arg(
            Arg::new("profiling")
                .long("profiling")
                .action(ArgAction::SetTrue)
                .help("serve CPU profiles at /debug/pprof/profile?seconds=N (SVG flame graphs)"),
        )
}

/// `lunar serve`: starts the server and serves until SIGTERM or SIGINT.
pub fn cmd_serve(args: &[Vec<u8>]) -> i32 {
    let m = match parse("serve", args) {
        Ok(m) => m,
        Err(status) => return status,
    };
    let mut config = match m.get_one::<OsString>("config") {
        Some(file) => match Config::from_file(std::path::Path::new(file)) {
            Ok(c) => c,
            Err(e) => {
                tool_error("serve", e.as_bytes());
                return 1;
            }
        },
        None => Config::default(),
    };
    if let Some(dir) = m.get_one::<OsString>("dir") {
        config.dir = PathBuf::from(dir);
    }
    if let Some(listen) = m.get_one::<String>("listen") {
        config.listen = listen.clone();
    }
    if let Some(&n) = m.get_one::<usize>("workers") {
        config.workers = n;
    }
    if let Some(list) = m.get_one::<String>("cpus") {
        match lunar_server::parse_cpu_list(list) {
            Ok(cpus) => config.cpus = cpus,
            Err(e) => {
                tool_error("serve", format!("--cpus: {e}").as_bytes());
                return 1;
            }
        }
    }
    if let Some(format) = m.get_one::<String>("log-format") {
        config.log_format = if format == "json" {
            LogFormat::Json
        } else {
            LogFormat::Text
        };
    }
    if m.get_flag("no-reload") {
        config.reload = false;
    }
    if let Some(url) = m.get_one::<String>("redis") {
        config.kv.redis_url = Some(url.clone());
    }
    if let (Some(cert), Some(key)) = (
        m.get_one::<OsString>("tls-cert"),
        m.get_one::<OsString>("tls-key"),
    ) {
        config.tls = Some(lunar_server::TlsSettings {
            cert: PathBuf::from(cert),
            key: PathBuf::from(key),
        });
    }
    if m.get_flag("playground") {
        config.playground = true;
    }
    if m.get_flag("profiling") {
        config.profiling = true;
    }
    if !config.dir.is_dir() {
        let msg = format!("{}: not a folder", config.dir.display());
        tool_error("serve", msg.as_bytes());
        return 1;
    }
    lunar_server::init_logging(config.log_format);
    let server = match Server::start(config) {
        Ok(s) => s,
        Err(e) => {
            tool_error("serve", e.as_bytes());
            return 1;
        }
    };
    match server.run_until_signal() {
        Ok(()) => 0,
        Err(e) => {
            tool_error("serve", e.as_bytes());
            1
        }
    }
}
