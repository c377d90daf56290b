//! What one connection counts while a step runs (its own histogram and
//! counters, so the hot path shares nothing), the merge of those into a
//! [`StepResult`], and the process's CPU time.

use crate::model::{Latency, StepResult};
use hdrhistogram::Histogram;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Latencies are recorded in microseconds, 1 µs to 60 s.
const HIST_MAX_US: u64 = 60_000_000;

/// A new latency histogram (microseconds, 3 significant digits). A
/// connection's own counts are `u32` (half the memory, about 70 KB: a
/// connection answers far fewer than 4 billion requests in a step);
/// the merged one's are `u64`.
pub(crate) fn new_histogram<T: hdrhistogram::Counter>() -> Histogram<T> {
    Histogram::new_with_bounds(1, HIST_MAX_US, 3).expect("valid histogram bounds")
}

/// Adds a connection's latencies to the merged histogram.
pub(crate) fn add_counts(dst: &mut Histogram<u64>, src: &Histogram<u32>) {
    for v in src.iter_recorded() {
        dst.saturating_record_n(v.value_iterated_to(), u64::from(v.count_at_value()));
    }
}

/// One connection's counts over the measured window.
pub(crate) struct Tally {
    /// Latencies of answered requests, µs.
    pub hist: Histogram<u32>,
    pub sent: u64,
    pub completed: u64,
    pub ok: u64,
    /// Responses by status; a connection sees one or two statuses, so a
    /// short list beats a map.
    pub statuses: Vec<(u16, u64)>,
    pub transport_errors: u64,
    pub timeouts: u64,
    pub retried: u64,
    pub disconnects: u64,
    /// Answers (to any request, late ones included) that arrived in the
    /// window: the server's throughput.
    pub window_answers: u64,
    /// Sum of send lateness (after the moment a request could have
    /// left: its intended time or its connection's previous answer), µs.
    pub lag_us: u64,
    /// How many requests `lag_us` sums.
    pub lag_n: u64,
}

impl Tally {
    /// An empty tally.
    pub(crate) fn new() -> Tally {
        Tally {
            hist: new_histogram(),
            sent: 0,
            completed: 0,
            ok: 0,
            statuses: Vec::new(),
            transport_errors: 0,
            timeouts: 0,
            retried: 0,
            disconnects: 0,
            window_answers: 0,
            lag_us: 0,
            lag_n: 0,
        }
    }

    /// Counts a response with `status` that took `latency`.
    pub(crate) fn answered(&mut self, status: u16, expect: u16, latency: Duration) {
        self.completed += 1;
        if status == expect {
            self.ok += 1;
        }
        match self.statuses.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += 1,
            None => self.statuses.push((status, 1)),
        }
        self.hist
            .saturating_record((latency.as_micros() as u64).clamp(1, HIST_MAX_US));
    }

    /// Counts an answer that arrived at `at`, if that is in `window`.
    pub(crate) fn window_answer(&mut self, window: (Instant, Instant), at: Instant) {
        if at >= window.0 && at < window.1 {
            self.window_answers += 1;
        }
    }

    /// Counts a send that started `lag` after it could have.
    pub(crate) fn lag(&mut self, lag: Duration) {
        self.lag_us += lag.as_micros() as u64;
        self.lag_n += 1;
    }
}

/// Adds up the connections' tallies into one step's result.
/// `duration` is the window; `cpu` the generator's CPU over it, cores.
pub(crate) fn merge(
    route: &str,
    offered_rps: f64,
    duration: Duration,
    tallies: Vec<Tally>,
    cpu: f64,
) -> StepResult {
    let mut hist = new_histogram();
    let mut statuses = BTreeMap::new();
    let mut r = StepResult {
        route: route.to_string(),
        offered_rps,
        duration_s: duration.as_secs_f64(),
        generator_cpu: cpu,
        ..StepResult::default()
    };
    let (mut lag_us, mut lag_n, mut window_answers) = (0u64, 0u64, 0u64);
    for t in tallies {
        add_counts(&mut hist, &t.hist);
        for (s, n) in t.statuses {
            *statuses.entry(s).or_insert(0) += n;
        }
        r.sent += t.sent;
        r.completed += t.completed;
        r.ok += t.ok;
        r.transport_errors += t.transport_errors;
        r.timeouts += t.timeouts;
        r.retried += t.retried;
        r.disconnects += t.disconnects;
        window_answers += t.window_answers;
        lag_us += t.lag_us;
        lag_n += t.lag_n;
    }
    let wrong_status = r.completed - r.ok;
    r.errors = wrong_status + r.transport_errors + r.timeouts;
    r.statuses = statuses;
    if duration > Duration::ZERO {
        r.achieved_rps = window_answers as f64 / duration.as_secs_f64();
    }
    r.latency = latency_of(&hist);
    if lag_n > 0 {
        r.send_lag_ms = lag_us as f64 / lag_n as f64 / 1000.0;
    }
    r
}

/// The percentiles of a histogram in µs, as milliseconds (all zero when
/// it is empty).
pub(crate) fn latency_of(hist: &Histogram<u64>) -> Latency {
    if hist.is_empty() {
        return Latency::default();
    }
    let ms = |us: u64| us as f64 / 1000.0;
    Latency {
        p50_ms: ms(hist.value_at_quantile(0.5)),
        p90_ms: ms(hist.value_at_quantile(0.9)),
        p99_ms: ms(hist.value_at_quantile(0.99)),
        p999_ms: ms(hist.value_at_quantile(0.999)),
        max_ms: ms(hist.max()),
        mean_ms: hist.mean() / 1000.0,
    }
}

/// The CPU time this process has used so far, seconds: the sum of its
/// threads' time on CPU from `/proc/self/task/*/schedstat` (nanoseconds),
/// or `/proc/self/stat`'s utime + stime (clock ticks) where schedstat is
/// missing. `None` off Linux.
pub(crate) fn process_cpu_seconds() -> Option<f64> {
    schedstat_seconds().or_else(stat_seconds)
}

fn schedstat_seconds() -> Option<f64> {
    let mut ns: u64 = 0;
    let mut any = false;
    for entry in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let mut path = entry.path();
        path.push("schedstat");
        // A thread may have exited since the directory was read.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        ns += text.split_whitespace().next()?.parse::<u64>().ok()?;
        any = true;
    }
    any.then_some(ns as f64 / 1e9)
}

fn stat_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; count from its ')'.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')' come fields 3.. of proc(5): utime is 14, stime 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on every Linux architecture we run on.
    Some((utime + stime) / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_connections_and_counts_errors() {
        let mut a = Tally::new();
        a.sent = 3;
        a.answered(200, 200, Duration::from_millis(2));
        a.answered(500, 200, Duration::from_millis(4));
        a.timeouts = 1;
        a.window_answers = 2;
        let mut b = Tally::new();
        b.sent = 2;
        b.answered(200, 200, Duration::from_millis(6));
        b.transport_errors = 1;
        b.window_answers = 1;
        b.lag(Duration::from_micros(300));
        b.lag(Duration::from_micros(100));
        let r = merge("/x", 10.0, Duration::from_millis(500), vec![a, b], 0.25);
        assert_eq!(r.sent, 5);
        assert_eq!(r.completed, 3);
        assert_eq!(r.ok, 2);
        assert_eq!(r.errors, 3);
        assert_eq!(r.statuses.get(&200), Some(&2));
        assert_eq!(r.statuses.get(&500), Some(&1));
        assert!((r.achieved_rps - 6.0).abs() < 1e-9);
        assert!((r.latency.p50_ms - 4.0).abs() < 0.01, "{:?}", r.latency);
        assert!((r.latency.max_ms - 6.0).abs() < 0.01);
        assert!((r.send_lag_ms - 0.2).abs() < 1e-9);
        assert_eq!(r.generator_cpu, 0.25);
    }

    #[test]
    fn cpu_time_counts_this_thread() {
        // This thread's own time on CPU, ns.
        let own = || -> u64 {
            let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
            text.split_whitespace().next().unwrap().parse().unwrap()
        };
        let before = process_cpu_seconds().expect("linux");
        let (start, began) = (own(), std::time::Instant::now());
        // Spin until 30 ms of CPU are spent (on a busy machine that
        // takes longer than 30 ms of wall time).
        let mut x = 0u64;
        while own() - start < 30_000_000 && began.elapsed() < Duration::from_secs(2) {
            for _ in 0..10_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        }
        let after = process_cpu_seconds().expect("linux");
        assert!(after - before >= 0.03, "{before} -> {after}");
    }
}
