//! The terminal summary: one line per test with its verdict and key
//! figure, then the targets that were missed. Plain text, no colour.

use super::fmt::{ms, num, rps};
use crate::model::{Figures, Report, TestEntry, Verdict};
use std::fmt::Write;

/// The summary of the whole run.
pub(crate) fn text(report: &Report) -> String {
    let mut out = String::new();
    let passed = report
        .tests
        .iter()
        .filter(|t| t.verdict == Verdict::Pass)
        .count();
    let _ = writeln!(
        out,
        "lunar stress ({} run, started {}, {} s, lunar {}): {} of {} tests passed",
        report.mode,
        report.started_utc,
        num(report.duration_s),
        report.lunar_version,
        passed,
        report.tests.len()
    );
    let width = report.tests.iter().map(|t| t.id.len()).max().unwrap_or(0);
    for test in &report.tests {
        let _ = writeln!(
            out,
            "{}  {:<width$}  {}",
            verdict_word(test.verdict),
            test.id,
            key_figure(test)
        );
    }
    let missed: Vec<_> = report
        .tests
        .iter()
        .flat_map(|t| t.targets.iter().filter(|g| !g.met).map(move |g| (t, g)))
        .collect();
    if !missed.is_empty() {
        out.push_str("failed targets:\n");
        for (test, target) in missed {
            let _ = writeln!(
                out,
                "  {}: {}: goal {}, measured {}",
                test.id, target.what, target.goal, target.actual
            );
        }
    }
    out
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
    }
}

/// The one figure that tells most about a test, as a short phrase.
pub(crate) fn key_figure(test: &TestEntry) -> String {
    match &test.figures {
        Figures::Stepped(f) => {
            let at_peak = f
                .peak_step
                .and_then(|i| f.steps.get(i))
                .map(|s| format!(", p99 {} at the peak step", ms(s.latency.p99_ms)))
                .unwrap_or_default();
            format!("saturation {}{at_peak}", rps(f.saturation_rps))
        }
        Figures::Scaling(f) => match f.points.iter().max_by_key(|p| p.workers) {
            Some(p) => format!(
                "efficiency {:.2} at k = {} ({}, {} cores)",
                p.efficiency,
                p.workers,
                rps(p.saturation_rps),
                if p.clean { "clean" } else { "shared" }
            ),
            None => "no worker count measured".to_string(),
        },
        Figures::ColdStart(f) => {
            // The issue asks for the figure at 1000 scripts; a quick run
            // may stop earlier, then the largest count stands in.
            let point = f
                .starts
                .iter()
                .find(|s| s.scripts == 1000)
                .or_else(|| f.starts.iter().max_by_key(|s| s.scripts));
            match point {
                Some(p) => format!(
                    "first response {} at {} scripts",
                    ms(p.first_response_ms),
                    p.scripts
                ),
                None => "no cold start measured".to_string(),
            }
        }
        Figures::Mixed(f) => format!(
            "light route p99 {} alone, {} loaded",
            ms(f.light_alone.latency.p99_ms),
            ms(f.light_loaded.latency.p99_ms)
        ),
        Figures::Soak(f) => {
            let sent: u64 = f.routes.iter().map(|r| r.sent).sum();
            let right: u64 = f.routes.iter().map(|r| r.right).sum();
            let wrong: u64 = f.routes.iter().map(|r| r.wrong).sum();
            let lost: u64 = f.routes.iter().map(|r| r.lost).sum();
            format!(
                "{right} of {sent} right, {wrong} wrong, {lost} lost; RSS slope {:+.3} MiB/min",
                f.rss_slope_mib_per_min
            )
        }
    }
}
