//! `lunar stress`: the pre-launch stress suite (crate lunar-stress)
//! from the command line. It starts this same executable's `lunar serve`
//! as the server under test.

use crate::tools::{parse, tool_error};
use clap::{Arg, ArgAction, Command};
use std::ffi::OsString;
use std::path::PathBuf;

/// The command-line syntax of `lunar stress`.
pub fn command(base: Command) -> Command {
    base.about("Runs the five pre-launch stress tests against lunar serve and writes a report")
        .override_usage("lunar stress [--quick] [--out DIR] [--target URL] [options]")
        .after_help(
            "Writes DIR/report.html and DIR/report.json (default DIR: stress-report). Without \
             --target it starts its own `lunar serve` on loopback, pinned to its own cores, with the \
             suite's scripts. Tests: stepped_qps, scaling, cold_start, mixed_cpu_io, soak. Exit \
             status: 0 when every test passes, 1 when one fails, 2 when the suite cannot run.",
        )
        .arg(
            Arg::new("quick")
                .long("quick")
                .action(ArgAction::SetTrue)
                .help("the short mode: under 2 minutes, shorter steps and soak"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("DIR")
                .value_parser(clap::value_parser!(OsString))
                .help("where the report goes (default stress-report)"),
        )
        .arg(
            Arg::new("target")
                .long("target")
                .value_name("URL")
                .help("load a server already running (http://HOST:PORT/ROUTE): test 1 only"),
        )
        .arg(
            Arg::new("only")
                .long("only")
                .value_name("TESTS")
                .value_delimiter(',')
                .value_parser(["stepped_qps", "scaling", "cold_start", "mixed_cpu_io", "soak"])
                .help("run only these tests (comma-separated ids)"),
        )
        .arg(
            Arg::new("p99-ms")
                .long("p99-ms")
                .value_name("MS")
                .value_parser(clap::value_parser!(f64))
                .help("the p99 latency a load step must stay under (default 50)"),
        )
        .arg(
            Arg::new("error-budget")
                .long("error-budget")
                .value_name("RATIO")
                .value_parser(clap::value_parser!(f64))
                .help("the share of failed requests a load step may have (default 0.001)"),
        )
        .arg(
            Arg::new("connections")
                .long("connections")
                .value_name("N")
                .value_parser(clap::value_parser!(usize))
                .help("connections the load generator keeps per route (default 64)"),
        )
        .arg(
            Arg::new("screenshot")
                .long("screenshot")
                .value_name("PNG")
                .value_parser(clap::value_parser!(OsString))
                .help("also save a picture of the report (needs chromium)"),
        )
        .arg(
            Arg::new("max-workers")
                .long("max-workers")
                .value_name("K")
                .value_parser(clap::value_parser!(usize))
                .help("the largest worker count of the scaling test (default: the physical cores)"),
        )
}

/// `lunar stress`: runs the suite, prints the summary; 0 when every test
/// passed, 1 when one failed, 2 when the suite could not run.
pub fn cmd_stress(args: &[Vec<u8>]) -> i32 {
    let m = match parse("stress", args) {
        Ok(m) => m,
        Err(status) => return status,
    };
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            tool_error(
                "stress",
                format!("cannot find the lunar executable: {e}").as_bytes(),
            );
            return 2;
        }
    };
    let out = m
        .get_one::<OsString>("out")
        .map_or_else(|| PathBuf::from("stress-report"), PathBuf::from);
    let mut options = lunar_stress::Options::new(exe, out, m.get_flag("quick"));
    options.target = m.get_one::<String>("target").cloned();
    if let Some(only) = m.get_many::<String>("only") {
        options.only = only.cloned().collect();
    }
    if let Some(&ms) = m.get_one::<f64>("p99-ms") {
        options.p99_target_ms = ms;
    }
    if let Some(&b) = m.get_one::<f64>("error-budget") {
        options.error_budget = b;
    }
    if let Some(&n) = m.get_one::<usize>("connections") {
        options.connections = n.max(1);
    }
    options.max_workers = m.get_one::<usize>("max-workers").copied();
    options.build = crate::tools::version_text()
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    match lunar_stress::run(&options) {
        Ok(report) => {
            println!("{}", lunar_stress::report::summary_text(&report));
            let html = options.out.join("report.html");
            println!("report: {}", html.display());
            if let Some(png) = m.get_one::<OsString>("screenshot") {
                if let Err(e) = lunar_stress::report::screenshot(&html, std::path::Path::new(png)) {
                    tool_error("stress", format!("screenshot: {e}").as_bytes());
                    return 2;
                }
                println!("screenshot: {}", std::path::Path::new(png).display());
            }
            if lunar_stress::failures(&report) == 0 {
                0
            } else {
                1
            }
        }
        Err(e) => {
            tool_error("stress", e.as_bytes());
            2
        }
    }
}
