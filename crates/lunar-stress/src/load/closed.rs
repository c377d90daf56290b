//! Closed-loop load: each connection sends its next request as soon as
//! the previous one is answered. It measures the most the server and the
//! generator can do together (the ceiling for the open-loop steps), not
//! latency under a given load.

use super::http::{Conn, Template};
use super::tally::{Tally, add_counts, latency_of, new_histogram, process_cpu_seconds};
use crate::model::Latency;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::time::{sleep, sleep_until, timeout_at};

/// What a closed-loop run measured.
#[derive(Debug, Clone, Default)]
pub struct ClosedLoop {
    /// Responses (any status) per second over the run.
    pub rps: f64,
    /// Responses received within the run.
    pub responses: u64,
    /// Responses with a status other than 200.
    pub non_200: u64,
    /// Connection failures and resets.
    pub transport_errors: u64,
    /// Latency of each response from its send (closed loop: no queue
    /// in front of the server is counted).
    pub latency: Latency,
    /// The generator's CPU use over the run, cores.
    pub generator_cpu: f64,
}

/// Runs `connections` closed-loop connections from `start` to `end`.
pub(crate) async fn run(
    addr: SocketAddr,
    template: Arc<Template>,
    connections: usize,
    start: Instant,
    end: Instant,
) -> ClosedLoop {
    let tasks: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(connection(addr, template.clone(), start, end)))
        .collect();
    sleep_until(start.into()).await;
    let cpu0 = process_cpu_seconds();
    sleep_until(end.into()).await;
    let cpu1 = process_cpu_seconds();
    let mut hist = new_histogram();
    let mut out = ClosedLoop::default();
    for t in tasks {
        let Ok(t) = t.await else { continue };
        add_counts(&mut hist, &t.hist);
        out.responses += t.completed;
        out.non_200 += t.completed - t.ok;
        out.transport_errors += t.transport_errors;
    }
    let secs = end.saturating_duration_since(start).as_secs_f64();
    if secs > 0.0 {
        out.rps = out.responses as f64 / secs;
        if let (Some(a), Some(b)) = (cpu0, cpu1) {
            out.generator_cpu = (b - a) / secs;
        }
    }
    out.latency = latency_of(&hist);
    out
}

/// One closed-loop connection.
async fn connection(
    addr: SocketAddr,
    template: Arc<Template>,
    start: Instant,
    end: Instant,
) -> Tally {
    let mut tally = Tally::new();
    let mut conn = timeout_at(end.into(), Conn::open(addr))
        .await
        .ok()
        .and_then(Result::ok);
    sleep_until(start.into()).await;
    while Instant::now() < end {
        let reused = conn.is_some();
        let k = match conn.as_mut() {
            Some(k) => k,
            None => match timeout_at(end.into(), Conn::open(addr)).await {
                Ok(Ok(k)) => conn.insert(k),
                Ok(Err(_)) => {
                    tally.transport_errors += 1;
                    // A refused port must not become a busy loop.
                    sleep(Duration::from_millis(5)).await;
                    continue;
                }
                Err(_) => break,
            },
        };
        let sent = Instant::now();
        match timeout_at(end.into(), k.exchange(template.request(), reused)).await {
            Ok(Ok(status)) => {
                tally.answered(status, 200, sent.elapsed());
                if !k.reusable() {
                    conn = None;
                }
            }
            Ok(Err(_)) => {
                tally.transport_errors += 1;
                conn = None;
            }
            Err(_) => break,
        }
    }
    tally
}
