//! The load generator: open-loop HTTP/1.1 load at fixed arrival rates
//! (latency from each request's intended send time, so a server that
//! stalls cannot hide its queue), closed-loop throughput, and a slow
//! upstream for the mixed test. It runs in-process on its own tokio
//! runtime, whose threads may be pinned to chosen CPUs.
//!
//! How a step's figures are taken (details in `open.rs`):
//! - each connection carries one request at a time and takes every C-th
//!   request of the schedule (wrk2's way); connections share nothing
//!   until the step ends, when their histograms and counts are added;
//! - latency runs from the intended send time when the connection was
//!   still busy then (the server's queue counts), else from the send;
//!   the generator's own lateness goes to `send_lag_ms` instead;
//! - `achieved_rps` counts answers that arrived in the window (late ones
//!   too), so it is the server's throughput even in overload;
//! - a request unanswered `timeout` after its intended time is a timeout;
//!   its connection still waits (up to another timeout) for the late
//!   answer instead of closing, so that overload does not turn into a
//!   storm of reconnections.
//!
//! One generator thread costs about as much CPU per request as `wrk`
//! (about 10 µs, mostly the kernel's) and as `lunar serve` spends per
//! request: give the generator at least as many cores as the server
//! has workers, or a saturation search finds the generator's limit.
//!
//! ```no_run
//! use lunar_stress::load::{Generator, StepSpec};
//! use std::time::Duration;
//! let generator = Generator::new(1, &[1], 64).unwrap();
//! let addr = "127.0.0.1:8080".parse().unwrap();
//! let step = generator.run_step(addr, &StepSpec::get("/ok", 10_000.0, Duration::from_secs(5)));
//! println!("p99 {} ms at {} rps", step.latency.p99_ms, step.achieved_rps);
//! ```

mod closed;
mod http;
mod open;
mod tally;
mod upstream;

#[cfg(test)]
mod tests;

pub use closed::ClosedLoop;

use crate::model::{GeneratorInfo, StepResult};
use bytes::Bytes;
use http::Template;
use open::Plan;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long before request 0 of a run its connections start: time to
/// connect, so that the first requests do not pay for it.
const START_LEAD: Duration = Duration::from_millis(20);

/// The longest warm-up, duration or timeout a step takes as given.
const LONGEST: Duration = Duration::from_secs(365 * 86_400);

/// The fewest connections a step opens on its own.
const MIN_CONNECTIONS: usize = 4;

/// Requests per second one automatically sized connection is given:
/// enough connections for the rate when responses take up to
/// `1 / RPS_PER_CONNECTION` s (10 ms) without queueing in the generator.
const RPS_PER_CONNECTION: f64 = 100.0;

/// The load generator: a tokio multi-thread runtime whose workers send
/// the load.
pub struct Generator {
    rt: tokio::runtime::Runtime,
    threads: usize,
    cpus: Vec<usize>,
    connections: usize,
}

/// One step of open-loop load: a route requested at a fixed rate for a
/// while.
#[derive(Debug, Clone)]
pub struct StepSpec {
    /// Path and query, e.g. `/ok`.
    pub route: String,
    /// The request method.
    pub method: hyper::Method,
    /// The request body (none: empty).
    pub body: Option<Bytes>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Requests per second, spread evenly in time.
    pub rate_rps: f64,
    /// The measured window.
    pub duration: Duration,
    /// Load at the same rate before the window, not measured.
    pub warmup: Duration,
    /// Connections to use; 0 = sized from the rate (see
    /// [`Generator::connections_for`]).
    pub connections: usize,
    /// The status a request must get; any other counts as an error.
    pub expect_status: u16,
    /// Per request, from its intended send time; unanswered by then it
    /// is a timeout.
    pub timeout: Duration,
    /// Send a request again (backoff 5, 20, 50, 100, 200, 500 ms, then
    /// every second, until its timeout) when its connection is refused
    /// or closes before any response; counted in `retried`, not as an
    /// error. Without it these are transport errors.
    pub retry_unanswered: bool,
    /// Send each request on a fresh connection and close it as soon as
    /// the request is written (no response awaited, no latency); counted
    /// in `disconnects`.
    pub disconnect: bool,
    /// Moved by one per finished request of the window.
    pub progress: Option<indicatif::ProgressBar>,
}

impl StepSpec {
    /// A GET of `route` at `rate_rps` for `duration`: expects 200,
    /// times out after 2 s, no warm-up, connections sized from the rate.
    pub fn get(route: &str, rate_rps: f64, duration: Duration) -> StepSpec {
        StepSpec {
            route: route.to_string(),
            method: hyper::Method::GET,
            body: None,
            content_type: None,
            rate_rps,
            duration,
            warmup: Duration::ZERO,
            connections: 0,
            expect_status: 200,
            timeout: Duration::from_secs(2),
            retry_unanswered: false,
            disconnect: false,
            progress: None,
        }
    }
}

impl Generator {
    /// A generator with `threads` runtime worker threads, each pinned to
    /// `cpus[i % cpus.len()]` (`cpus` empty: not pinned); `connections`
    /// is the most connections a step sizes for itself.
    pub fn new(threads: usize, cpus: &[usize], connections: usize) -> Result<Generator, String> {
        if threads == 0 {
            return Err("load generator: at least one thread".to_string());
        }
        if !cpus.is_empty() {
            let online: Vec<usize> = core_affinity::get_core_ids()
                .ok_or("load generator: cannot list the CPUs to pin to")?
                .into_iter()
                .map(|c| c.id)
                .collect();
            if let Some(bad) = cpus.iter().find(|c| !online.contains(c)) {
                return Err(format!("load generator: CPU {bad} is not available"));
            }
        }
        let pin_to = cpus.to_vec();
        let started = AtomicUsize::new(0);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("lunar-loadgen")
            .enable_all()
            .on_thread_start(move || {
                if !pin_to.is_empty() {
                    let i = started.fetch_add(1, Ordering::Relaxed);
                    let id = pin_to[i % pin_to.len()];
                    core_affinity::set_for_current(core_affinity::CoreId { id });
                }
            })
            .build()
            .map_err(|e| format!("load generator: {e}"))?;
        Ok(Generator {
            rt,
            threads,
            cpus: cpus.to_vec(),
            connections: connections.max(1),
        })
    }

    /// The generator's set-up, for the report.
    pub fn info(&self) -> GeneratorInfo {
        GeneratorInfo {
            connections: self.connections,
            threads: self.threads,
            cpus: self.cpus.clone(),
        }
    }

    /// The generator's runtime (to run more tasks beside the load).
    pub fn handle(&self) -> tokio::runtime::Handle {
        self.rt.handle().clone()
    }

    /// The connections a step uses: `spec.connections` when set, else
    /// `min(default, max(4, rate / 100))` (a slow route at a high rate
    /// needs its count set: one connection carries one request at a
    /// time), and never more than the step has requests.
    pub fn connections_for(&self, spec: &StepSpec) -> usize {
        let n = if spec.connections > 0 {
            spec.connections
        } else {
            let by_rate = (spec.rate_rps / RPS_PER_CONNECTION).ceil();
            let by_rate = if by_rate.is_finite() && by_rate > 0.0 {
                by_rate as usize
            } else {
                0
            };
            by_rate.max(MIN_CONNECTIONS).min(self.connections)
        };
        let total =
            (spec.warmup.saturating_add(spec.duration).as_secs_f64() * spec.rate_rps).ceil();
        if total.is_finite() && total >= 1.0 {
            n.min(total as usize).max(1)
        } else {
            1
        }
    }

    /// Runs every spec at once (each with its own connections, rate and
    /// duration, all starting together) against `http://addr`; blocks
    /// until all are done, at most the longest `warmup + duration +
    /// timeout` plus a second. One result per spec, in order;
    /// `server_cpu` is left `None`. Must not be called from inside a
    /// tokio runtime.
    pub fn run(&self, addr: SocketAddr, specs: &[StepSpec]) -> Vec<StepResult> {
        let t0 = Instant::now() + START_LEAD;
        let _entered = self.rt.enter();
        let steps: Vec<_> = specs.iter().map(|s| self.start_step(addr, s, t0)).collect();
        self.rt.block_on(async move {
            let mut out = Vec::with_capacity(steps.len());
            for step in steps {
                out.push(step.await.unwrap_or_default());
            }
            out
        })
    }

    /// Runs one spec; see [`Generator::run`].
    pub fn run_step(&self, addr: SocketAddr, spec: &StepSpec) -> StepResult {
        self.run(addr, std::slice::from_ref(spec))
            .pop()
            .unwrap_or_default()
    }

    /// Closed loop: `connections` connections each sending `GET route`
    /// again as soon as the previous answer is read, for `duration`;
    /// returns responses per second (the most server and generator can
    /// do together).
    pub fn closed_loop(
        &self,
        addr: SocketAddr,
        route: &str,
        connections: usize,
        duration: Duration,
    ) -> f64 {
        self.closed_loop_detail(addr, route, connections, duration)
            .rps
    }

    /// [`Generator::closed_loop`] with its other figures (errors,
    /// latency, the generator's CPU).
    pub fn closed_loop_detail(
        &self,
        addr: SocketAddr,
        route: &str,
        connections: usize,
        duration: Duration,
    ) -> ClosedLoop {
        let template = match Template::new(addr, &hyper::Method::GET, route, None, None) {
            Ok(t) => Arc::new(t),
            Err(_) => return ClosedLoop::default(),
        };
        let start = Instant::now() + START_LEAD;
        let end = start + duration;
        self.rt
            .block_on(closed::run(addr, template, connections.max(1), start, end))
    }

    /// Starts a slow HTTP upstream on `127.0.0.1:0` on this runtime:
    /// every request is answered 200 with the body `upstream` after
    /// `delay`, any number at once. It lives as long as the generator.
    pub fn start_upstream(&self, delay: Duration) -> Result<SocketAddr, String> {
        upstream::start(self.rt.handle(), delay)
    }

    /// Spawns one step starting at `t0` (inside the runtime's context);
    /// the task's result is the step's.
    fn start_step(
        &self,
        addr: SocketAddr,
        spec: &StepSpec,
        t0: Instant,
    ) -> tokio::task::JoinHandle<StepResult> {
        // Durations past a year are taken as a year, so that instants
        // cannot overflow.
        let (warmup, duration, timeout) = (
            spec.warmup.min(LONGEST),
            spec.duration.min(LONGEST),
            spec.timeout.min(LONGEST),
        );
        let warmup_s = warmup.as_secs_f64();
        let end_s = warmup_s + duration.as_secs_f64();
        let connections = self.connections_for(spec);
        let template = Template::new(
            addr,
            &spec.method,
            &spec.route,
            spec.body.as_ref(),
            spec.content_type.as_deref(),
        );
        let rate = spec.rate_rps;
        let usable_rate = rate.is_finite() && rate > 0.0;
        let (rate_used, end_used) = if usable_rate {
            (rate, end_s)
        } else {
            (1.0, 0.0)
        };
        let route = spec.route.clone();
        let progress = spec.progress.clone();
        let template = match template {
            Ok(t) => t,
            Err(_) => {
                // Nothing can be sent: every request of the window failed.
                let sent = open::window_count(rate_used, warmup_s, end_used);
                return tokio::spawn(async move {
                    let mut r = tally::merge(&route, rate, duration, Vec::new(), 0.0);
                    r.sent = sent;
                    r.transport_errors = sent;
                    r.errors = sent;
                    if let Some(bar) = &progress {
                        bar.inc(sent);
                    }
                    r
                });
            }
        };
        let window = (t0 + warmup, t0 + warmup + duration);
        let plan = Arc::new(Plan {
            addr,
            template,
            t0,
            rate: rate_used,
            warmup_s,
            end_s: end_used,
            timeout,
            connections,
            expect: spec.expect_status,
            retry: spec.retry_unanswered,
            disconnect: spec.disconnect,
            window,
            // A request ends by its intended time + timeout, but a late
            // answer is awaited up to another timeout (to keep its
            // connection); this cuts that off: the bound `run` promises.
            hard_deadline: t0 + warmup + duration + timeout + Duration::from_millis(900),
            progress,
        });
        let tasks: Vec<_> = (0..connections)
            .map(|c| tokio::spawn(open::connection(plan.clone(), c)))
            .collect();
        let cpu = tokio::spawn(cpu_over(window.0, window.1));
        tokio::spawn(async move {
            let mut tallies = Vec::with_capacity(tasks.len());
            for t in tasks {
                if let Ok(t) = t.await {
                    tallies.push(t);
                }
            }
            let cpu = cpu.await.unwrap_or(0.0);
            tally::merge(&route, rate, duration, tallies, cpu)
        })
    }
}

/// The process's CPU use between `from` and `to`, cores (0 where it
/// cannot be read).
async fn cpu_over(from: Instant, to: Instant) -> f64 {
    tokio::time::sleep_until(from.into()).await;
    let a = tally::process_cpu_seconds();
    tokio::time::sleep_until(to.into()).await;
    let b = tally::process_cpu_seconds();
    let secs = to.saturating_duration_since(from).as_secs_f64();
    match (a, b) {
        (Some(a), Some(b)) if secs > 0.0 => (b - a) / secs,
        _ => 0.0,
    }
}
