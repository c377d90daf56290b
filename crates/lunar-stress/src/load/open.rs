//! One step of open-loop load: the schedule of intended send times, one
//! task per connection walking its share of it, and how each request's
//! latency is counted.
//!
//! Request `j` of a step is meant to leave at `t0 + j / rate`.
//! Connection `c` of `C` takes `j = c, c + C, c + 2C, ...` (as wrk2 does),
//! so connections share nothing while the step runs.
//!
//! Latency is what the request would have taken from its intended time
//! had the generator itself been punctual: the server's time on it (from
//! the moment the generator got to it to the end of the response body)
//! plus the time it would have waited for its connection, because the
//! previous requests on it were not answered by its intended time. Each
//! connection keeps that punctual timeline: `free` is when it would have
//! become free, `free' = max(intended, free) + response time`, and a
//! request waits `max(0, free - intended)`. With a punctual generator
//! this is `end - START`, START being the intended time when the
//! connection was busy then (the server's queue counts: a stalled server
//! cannot hide it) and the send time otherwise; a late timer or a busy
//! generator thread changes neither figure, it shows in `send_lag_ms`
//! (how long after the moment it could have sent, `max(intended, the
//! previous answer)`, the generator sent). At high rates, where a
//! connection's interval is below tokio's 1 ms timer tick, this keeps the
//! generator's lateness out of the server's latency.
//!
//! A request whose intended time plus the timeout has passed before it
//! could be sent is a timeout, never sent: after a stall the schedule
//! catches up at once instead of replaying the backlog.

use super::http::{Conn, Failure, Template, send_and_hang_up};
use super::tally::Tally;
use indicatif::ProgressBar;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::time::{sleep, sleep_until, timeout_at};

/// tokio's timers tick every millisecond: a sleep's deadline is rounded
/// up to the next tick and the runtime's wait for it to the next
/// millisecond, so a sleep ends 0-2 ms after its deadline. A connection
/// sleeps until this long before its intended time and then sends at
/// once (it never sleeps for less): it sends from 0.5 ms early to
/// 1.5 ms late, about 0.6 ms late on average (`send_lag_ms` measured at
/// 10k requests per second), instead of 1 ms. Sending earlier still
/// would let a connection run further ahead of the schedule at high
/// rates, where it never sleeps.
const EARLY: Duration = Duration::from_micros(500);

/// Waits between attempts to send a request again under
/// `retry_unanswered`; the last is repeated until the request's timeout.
const BACKOFF_MS: [u64; 7] = [5, 20, 50, 100, 200, 500, 1000];

/// Requests finished before a connection moves its progress bar (one
/// shared atomic update per batch, not per request).
const PROGRESS_BATCH: u64 = 16;

/// Everything the connections of one step share, read-only.
pub(crate) struct Plan {
    pub addr: SocketAddr,
    pub template: Template,
    /// When request 0 is meant to leave.
    pub t0: Instant,
    pub rate: f64,
    /// The measured window is `[warmup_s, end_s)` seconds after `t0`.
    pub warmup_s: f64,
    pub end_s: f64,
    pub timeout: Duration,
    pub connections: usize,
    pub expect: u16,
    pub retry: bool,
    pub disconnect: bool,
    /// The measured window, as instants (for the answers counted in
    /// `achieved_rps`).
    pub window: (Instant, Instant),
    /// No connection task runs past this (the bound on `run`).
    pub hard_deadline: Instant,
    pub progress: Option<ProgressBar>,
}

impl Plan {
    /// Seconds after `t0` at which request `j` is meant to leave.
    fn offset_s(&self, j: usize) -> f64 {
        j as f64 / self.rate
    }
}

/// Requests of a schedule whose intended time is in the window
/// `[warmup_s, end_s)` (what the connections count as sent, whatever
/// their number: every request is some connection's).
pub(crate) fn window_count(rate: f64, warmup_s: f64, end_s: f64) -> u64 {
    count_between(rate, 0, 1, warmup_s, end_s)
}

/// How many of the requests `first, first + stride, first + 2 stride,
/// ...` are meant to leave in `[lo_s, hi_s)` seconds after `t0`. Worked
/// out, not counted one by one: an absurd rate must not hang the
/// generator.
fn count_between(rate: f64, first: usize, stride: usize, lo_s: f64, hi_s: f64) -> u64 {
    let at = |k: u64| (first as u64).saturating_add(k.saturating_mul(stride as u64)) as f64 / rate;
    // The first k whose request is meant to leave at or after `s`: an
    // estimate, then exact with the same arithmetic as the schedule.
    let first_from = |s: f64| -> u64 {
        let estimate = ((s * rate - first as f64) / stride as f64).ceil();
        let mut k = if estimate.is_finite() && estimate > 0.0 {
            estimate as u64
        } else {
            0
        };
        while k > 0 && at(k - 1) >= s {
            k -= 1;
        }
        while at(k) < s {
            k += 1;
        }
        k
    };
    first_from(hi_s).saturating_sub(first_from(lo_s))
}

/// Where a connection is in its schedule, kept outside the future that
/// the hard deadline may drop, so that what it had not finished is still
/// counted.
struct Cursor {
    /// The next request it has not started.
    next: usize,
    /// The request it is handling was counted as sent and has no outcome
    /// yet.
    pending: bool,
    /// Window requests finished and not yet added to the progress bar.
    unreported: u64,
}

/// What became of one request.
enum Outcome {
    Answered(u16),
    HungUp,
    Failed,
}

/// Runs connection `c`'s share of the schedule; returns its counts.
pub(crate) async fn connection(plan: Arc<Plan>, c: usize) -> Tally {
    let mut tally = Tally::new();
    let mut cur = Cursor {
        next: c,
        pending: false,
        unreported: 0,
    };
    let run = walk(&plan, &mut tally, &mut cur);
    if timeout_at(plan.hard_deadline.into(), run).await.is_err() {
        // Out of time: what is in flight and what was never started
        // were meant to be sent and got no answer.
        if cur.pending {
            tally.timeouts += 1;
        }
        let rest = count_between(
            plan.rate,
            cur.next,
            plan.connections,
            plan.warmup_s,
            plan.end_s,
        );
        tally.sent += rest;
        tally.timeouts += rest;
        cur.unreported += rest;
    }
    if let Some(bar) = &plan.progress {
        bar.inc(cur.unreported);
    }
    tally
}

/// The loop over the connection's requests.
async fn walk(plan: &Plan, tally: &mut Tally, cur: &mut Cursor) {
    let mut conn: Option<Conn> = None;
    if !plan.disconnect {
        // Connect ahead of the first intended time, so that the first
        // request does not pay for it.
        let first = plan.t0 + Duration::from_secs_f64(plan.offset_s(cur.next));
        if let Ok(Ok(k)) = timeout_at((first + plan.timeout).into(), Conn::open(plan.addr)).await {
            conn = Some(k);
        }
    }
    // When the connection last became free, and when it would have had
    // the generator been punctual (see the module's docs).
    let mut free_at = Instant::now();
    let mut free_punctual = plan.t0;
    loop {
        let j = cur.next;
        let s = plan.offset_s(j);
        if s >= plan.end_s {
            break;
        }
        cur.next = j + plan.connections;
        let measured = s >= plan.warmup_s;
        cur.pending = measured;
        if measured {
            tally.sent += 1;
        }
        let intended = plan.t0 + Duration::from_secs_f64(s);
        if intended > Instant::now() + EARLY {
            sleep_until((intended - EARLY).into()).await;
        }
        let begin = Instant::now();
        let deadline = intended + plan.timeout;
        if measured {
            tally.lag(begin.saturating_duration_since(intended.max(free_at)));
        }
        let mut retried = false;
        let mut lost = false;
        let outcome = if begin >= deadline {
            // Its time ran out while it waited for the connection. This
            // path does not wait, so it yields now and then, or the hard
            // deadline could not stop a connection far behind.
            tokio::task::consume_budget().await;
            None
        } else {
            let mut sending = pin!(send(plan, &mut conn, &mut retried));
            match timeout_at(deadline.into(), sending.as_mut()).await {
                Ok(outcome) => Some(outcome),
                Err(_) if plan.retry || plan.disconnect => {
                    lost = true;
                    None
                }
                Err(_) => {
                    // A timeout, counted now; but the connection still
                    // waits (up to another timeout) for the late answer
                    // rather than closing: under overload, closing and
                    // reopening every connection would cut the server's
                    // throughput, which is not what is being measured.
                    if measured {
                        tally.timeouts += 1;
                        cur.pending = false;
                    }
                    let late_limit = deadline + plan.timeout;
                    match timeout_at(late_limit.into(), sending.as_mut()).await {
                        Ok(Outcome::Answered(_)) => {
                            tally.window_answer(plan.window, Instant::now())
                        }
                        Ok(_) => {}
                        Err(_) => lost = true,
                    }
                    None
                }
            }
        };
        let end = Instant::now();
        free_at = end;
        let service = end - begin;
        let wait = free_punctual.saturating_duration_since(intended);
        free_punctual = free_punctual.max(intended) + service;
        if lost {
            // A request may still be in flight on it: start afresh.
            conn = None;
        }
        if let Some(Outcome::Answered(_)) = outcome {
            tally.window_answer(plan.window, end);
        }
        if measured {
            if retried {
                tally.retried += 1;
            }
            match outcome {
                // Counted above when it timed out in flight.
                None if !cur.pending => {}
                None => tally.timeouts += 1,
                Some(Outcome::Answered(status)) => {
                    tally.answered(status, plan.expect, wait + service)
                }
                Some(Outcome::HungUp) => tally.disconnects += 1,
                Some(Outcome::Failed) => tally.transport_errors += 1,
            }
            cur.pending = false;
            cur.unreported += 1;
            if cur.unreported >= PROGRESS_BATCH
                && let Some(bar) = &plan.progress
            {
                bar.inc(cur.unreported);
                cur.unreported = 0;
            }
        }
    }
}

/// Sends one request (connecting first if needed) and waits for its
/// answer; under `retry_unanswered`, sends it again after a backoff for
/// as long as the server does not take it (the caller's timeout ends
/// that).
async fn send(plan: &Plan, conn: &mut Option<Conn>, retried: &mut bool) -> Outcome {
    let mut backoff = BACKOFF_MS.iter().copied();
    let mut resent_stale = false;
    loop {
        let failure = if plan.disconnect {
            match send_and_hang_up(plan.addr, &plan.template).await {
                Ok(()) => return Outcome::HungUp,
                Err(f) => f,
            }
        } else {
            match exchange(plan, conn).await {
                Ok(status) => return Outcome::Answered(status),
                Err(f) => f,
            }
        };
        match failure {
            // Never written: resending is not a retry.
            Failure::Stale if !resent_stale => resent_stale = true,
            Failure::Unanswered | Failure::Stale if plan.retry => {
                *retried = true;
                let ms = backoff.next().unwrap_or(BACKOFF_MS[BACKOFF_MS.len() - 1]);
                sleep(Duration::from_millis(ms)).await;
            }
            _ => return Outcome::Failed,
        }
    }
}

/// One exchange on the connection, opening it first when there is none;
/// a failed connection is dropped.
async fn exchange(plan: &Plan, conn: &mut Option<Conn>) -> Result<u16, Failure> {
    let reused = conn.is_some();
    let k = match conn {
        Some(k) => k,
        None => conn.insert(Conn::open(plan.addr).await?),
    };
    match k.exchange(plan.template.request(), reused).await {
        Ok(status) => {
            if !k.reusable() {
                *conn = None;
            }
            Ok(status)
        }
        Err(f) => {
            *conn = None;
            Err(f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_matches_walking_the_schedule() {
        for &(rate, first, stride, lo, hi) in &[
            (3.0, 0, 1, 0.0, 1.0),
            (3.0, 0, 1, 1.0 / 3.0, 1.0),
            (1000.0, 5, 64, 0.25, 1.5),
            (7.5, 2, 3, 0.0, 10.0),
            (100.0, 0, 4, 0.2, 0.5),
            (0.5, 1, 1, 0.0, 1.0),
        ] {
            let mut walked = 0;
            let mut j = first;
            while (j as f64 / rate) < hi {
                walked += u64::from(j as f64 / rate >= lo);
                j += stride;
            }
            assert_eq!(
                count_between(rate, first, stride, lo, hi),
                walked,
                "{rate} {first} {stride} {lo} {hi}"
            );
        }
        assert_eq!(window_count(400.0, 0.0, 1.0), 400);
        assert_eq!(window_count(100.0, 0.2, 0.5), 30);
        assert_eq!(window_count(1e9, 0.0, 60.0), 60_000_000_000);
    }
}
