//! What a harness run found: per program and engine, the outputs and the
//! times of every round, and the figures derived from them (medians,
//! ratios to the baseline, geometric means).

use crate::engines::{Engine, Timing};
use crate::programs::Program;
use std::collections::BTreeMap;
use std::time::Duration;

/// The state of one (program, engine) cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every round ran and printed the same output.
    Ok,
    /// The engine has no file for this program.
    NotApplicable,
    /// A run failed (message).
    Failed(String),
    /// The output differs from the reference or between rounds (message).
    Mismatch(String),
}

impl Status {
    /// Whether this is a failure because the engine lacks a feature the
    /// program needs (see [`is_unsupported`]).
    pub fn is_unsupported(&self) -> bool {
        matches!(self, Status::Failed(m) if is_unsupported(m))
    }
}

/// Whether a failure message is that of an in-process engine that exited
/// with [`crate::peers::UNSUPPORTED_EXIT`] after naming the missing feature:
/// a note in the report, not a harness failure.
pub fn is_unsupported(msg: &str) -> bool {
    msg.starts_with(&format!("exit status {}:", crate::peers::UNSUPPORTED_EXIT))
        && msg.contains(crate::peers::UNSUPPORTED_PREFIX)
}

/// One program on one engine.
#[derive(Clone, Debug)]
pub struct Cell {
    /// The cell's state.
    pub status: Status,
    /// The output of the first round.
    pub output: String,
    /// One timing per round.
    pub times: Vec<Timing>,
}

impl Cell {
    /// A cell that will run.
    pub fn pending() -> Cell {
        Cell {
            status: Status::Ok,
            output: String::new(),
            times: Vec::new(),
        }
    }
    /// Whether it ran cleanly.
    pub fn ok(&self) -> bool {
        self.status == Status::Ok && !self.times.is_empty()
    }
    /// Median wall time.
    pub fn median_wall(&self) -> Duration {
        median(self.times.iter().map(|t| t.wall).collect())
    }
    /// Median CPU time.
    pub fn median_cpu(&self) -> Duration {
        median(self.times.iter().map(|t| t.cpu).collect())
    }
    /// Largest peak RSS over the rounds, KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        self.times.iter().map(|t| t.max_rss_kib).max().unwrap_or(0)
    }
    /// The figure ratios are made of.
    pub fn metric(&self, m: Metric) -> Duration {
        match m {
            Metric::Wall => self.median_wall(),
            Metric::Cpu => self.median_cpu(),
        }
    }
}

/// Which time ratios are computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Metric {
    /// Median wall time.
    Wall,
    /// Median user+system CPU time (steadier on a busy machine).
    Cpu,
}

/// The median of durations (the mean of the middle two for even counts).
pub fn median(mut v: Vec<Duration>) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

/// The geometric mean of positive numbers (`None` for none).
pub fn geomean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() || xs.iter().any(|x| *x <= 0.0 || !x.is_finite()) {
        return None;
    }
    Some((xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp())
}

/// Everything a run measured.
pub struct Results {
    /// Machine description.
    pub machine: String,
    /// Engines found (available or not).
    pub engines: Vec<Engine>,
    /// Programs run, with the size used.
    pub programs: Vec<(Program, u64)>,
    /// Cells by program name, then engine name.
    pub cells: BTreeMap<String, BTreeMap<String, Cell>>,
    /// Rounds per program.
    pub rounds: usize,
    /// The figure ratios use.
    pub metric: Metric,
    /// Load average before and after.
    pub load: (String, String),
    /// The command line that made this run.
    pub command: String,
    /// UTC date of the run.
    pub date: String,
}

impl Results {
    /// The available engines.
    pub fn available(&self) -> Vec<&Engine> {
        self.engines.iter().filter(|e| e.available()).collect()
    }

    /// A cell, if it exists.
    pub fn cell(&self, program: &str, engine: &str) -> Option<&Cell> {
        self.cells.get(program)?.get(engine)
    }

    /// The ratio of `engine`'s time to the baseline's on `program`.
    pub fn ratio(&self, program: &str, engine: &str) -> Option<f64> {
        let c = self.cell(program, engine)?;
        let b = self.cell(program, crate::engines::BASELINE)?;
        if !c.ok() || !b.ok() {
            return None;
        }
        let base = b.metric(self.metric).as_secs_f64();
        (base > 0.0).then(|| c.metric(self.metric).as_secs_f64() / base)
    }

    /// The ratio of `engine`'s peak memory to the baseline's.
    pub fn rss_ratio(&self, program: &str, engine: &str) -> Option<f64> {
        let c = self.cell(program, engine)?;
        let b = self.cell(program, crate::engines::BASELINE)?;
        if !c.ok() || !b.ok() || b.peak_rss_kib() == 0 {
            return None;
        }
        Some(c.peak_rss_kib() as f64 / b.peak_rss_kib() as f64)
    }

    /// Geometric mean of an engine's ratios and how many programs it covers.
    pub fn geomean_ratio(&self, engine: &str) -> (Option<f64>, usize) {
        let rs: Vec<f64> = self
            .programs
            .iter()
            .filter_map(|(p, _)| self.ratio(p.name, engine))
            .collect();
        (geomean(&rs), rs.len())
    }

    /// Every failure or mismatch, as lines (unsupported programs are not
    /// failures: see [`Results::unsupported`]).
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (p, _) in &self.programs {
            for e in self.available() {
                if let Some(c) = self.cell(p.name, e.name) {
                    match &c.status {
                        s if s.is_unsupported() => {}
                        Status::Failed(m) => {
                            out.push(format!("{} on {}: failed: {m}", p.name, e.label()))
                        }
                        Status::Mismatch(m) => {
                            out.push(format!("{} on {}: wrong output: {m}", p.name, e.label()))
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }
}

impl Results {
    /// Every program an engine could not run for lack of a feature, as
    /// lines naming what was missing.
    pub fn unsupported(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (p, _) in &self.programs {
            for e in self.available() {
                if let Some(Cell {
                    status: Status::Failed(m),
                    ..
                }) = self.cell(p.name, e.name)
                    && is_unsupported(m)
                {
                    let why = m
                        .split(crate::peers::UNSUPPORTED_PREFIX)
                        .nth(1)
                        .unwrap_or(m);
                    out.push(format!("{} on {}: unsupported: {why}", p.name, e.label()));
                }
            }
        }
        out
    }
}

/// Describes the first difference between two outputs.
pub fn describe_diff(got: &str, want: &str, want_name: &str) -> String {
    let g: Vec<&str> = got.lines().collect();
    let w: Vec<&str> = want.lines().collect();
    for i in 0..g.len().max(w.len()) {
        let (a, b) = (
            g.get(i).copied().unwrap_or("<none>"),
            w.get(i).copied().unwrap_or("<none>"),
        );
        if a != b {
            return format!("line {}: got {a:?}, {want_name} has {b:?}", i + 1);
        }
    }
    "outputs differ in whitespace".into()
}

/// Trailing whitespace and line ends normalised, so that CRLF or a missing
/// final newline never count as a different checksum.
pub fn normalize_output(s: &str) -> String {
    s.lines()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let d = Duration::from_millis;
        assert_eq!(median(vec![d(3), d(1), d(2)]), d(2));
        assert_eq!(
            median(vec![d(4), d(1), d(2), d(3)]),
            Duration::from_micros(2500)
        );
        assert_eq!(median(vec![]), Duration::ZERO);
    }

    #[test]
    fn geomean_of_ratios() {
        let g = geomean(&[0.5, 2.0]).unwrap();
        assert!((g - 1.0).abs() < 1e-12);
        assert!(geomean(&[]).is_none());
        assert!(geomean(&[1.0, 0.0]).is_none());
    }

    #[test]
    fn unsupported_failures_are_told_apart() {
        let msg = format!(
            "exit status {}: lunar-bench: {}no Rune version of x.lua",
            crate::peers::UNSUPPORTED_EXIT,
            crate::peers::UNSUPPORTED_PREFIX
        );
        assert!(Status::Failed(msg).is_unsupported());
        assert!(
            !Status::Failed("exit status 1: lunar-bench: unsupported: x".into()).is_unsupported()
        );
        assert!(!Status::Mismatch(String::new()).is_unsupported());
    }

    #[test]
    fn outputs_are_compared_modulo_line_ends() {
        assert_eq!(normalize_output("a\r\nb  \n\n"), "a\nb");
        assert!(describe_diff("a\nb", "a\nc", "lua5.4").starts_with("line 2:"));
    }
}
