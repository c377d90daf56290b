//! What the terminal shows while the suite runs: a bar over the tests, a
//! bar per load step (requests answered of those planned), and one line
//! per finished step or test. On a terminal the lines print above the
//! bars (indicatif); elsewhere (CI logs) only the lines, on stderr.

use crate::model::{StepResult, TestEntry, Verdict};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// The suite's progress display.
#[derive(Debug)]
pub struct Progress {
    multi: MultiProgress,
    overall: ProgressBar,
    tty: bool,
}

impl Progress {
    /// A display for `tests` tests.
    pub fn new(tests: usize) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let multi = MultiProgress::with_draw_target(if tty {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let overall = multi.add(ProgressBar::new(tests as u64));
        overall.set_style(
            ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len} tests  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        overall.set_prefix("lunar stress");
        Progress {
            multi,
            overall,
            tty,
        }
    }

    /// A line above the bars (or on stderr).
    pub fn line(&self, text: &str) {
        if self.tty {
            let _ = self.multi.println(text);
        } else {
            eprintln!("{text}");
        }
    }

    /// A test starts.
    pub fn begin_test(&self, id: &str) {
        self.overall.set_message(id.to_string());
        self.line(&format!("== {id}"));
    }

    /// A test ended.
    pub fn end_test(&self, entry: &TestEntry) {
        let verdict = match entry.verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
        };
        self.line(&format!("   {verdict} {}", entry.name));
        for t in entry.targets.iter().filter(|t| !t.met) {
            self.line(&format!(
                "     missed: {} {} (measured {})",
                t.what, t.goal, t.actual
            ));
        }
        self.overall.inc(1);
    }

    /// A bar for a step that plans `requests` requests; handed to the
    /// generator, which advances it.
    pub fn step_bar(&self, label: &str, requests: u64) -> Option<ProgressBar> {
        if !self.tty {
            return None;
        }
        let bar = self.multi.add(ProgressBar::new(requests.max(1)));
        bar.set_style(
            ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len} requests")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(label.to_string());
        Some(bar)
    }

    /// A step ended: its line.
    pub fn step_done(&self, bar: Option<ProgressBar>, step: &StepResult, passed: Option<bool>) {
        if let Some(bar) = bar {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        let mark = match passed {
            Some(true) => "ok  ",
            Some(false) => "over",
            None => "    ",
        };
        let cpu = step
            .server_cpu
            .map_or(String::new(), |c| format!(" server {c:.2} cores"));
        self.line(&format!(
            "   {mark} {:<14} {:>9.0} rps offered {:>9.0} answered  p50 {:>7.2} ms  p99 {:>8.2} ms  errors {}{cpu}  generator {:.2} cores",
            step.route,
            step.offered_rps,
            step.achieved_rps,
            step.latency.p50_ms,
            step.latency.p99_ms,
            step.errors,
            step.generator_cpu
        ));
    }

    /// The run ended.
    pub fn finish(&self) {
        self.overall.finish_and_clear();
    }
}
