//! Metrics: each worker counts in its own plain (non-atomic) structure,
//! on its own thread; a scrape of `/metrics` asks every worker for a
//! copy over a channel, sums them and writes the Prometheus text format
//! (through `prometheus-client`'s encoder). Nothing on the request path
//! is shared between workers: no lock, no atomic, no shared cache line.

use lunar::Limit;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use std::collections::BTreeMap;

/// The upper bounds of the latency histogram's buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// A latency histogram: counts per bucket (not cumulative), sum, count.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    buckets: [u64; LATENCY_BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    /// Counts one observation of `seconds`.
    pub fn observe(&mut self, seconds: f64) {
        if let Some(i) = LATENCY_BUCKETS.iter().position(|&b| seconds <= b) {
            self.buckets[i] += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }

    fn add(&mut self, other: &Histogram) {
        for (a, b) in self.buckets.iter_mut().zip(other.buckets.iter()) {
            *a += b;
        }
        self.sum += other.sum;
        self.count += other.count;
    }

    /// `(upper bound, count in that bucket)` pairs, `+Inf` last: the
    /// encoder (prometheus-client) makes them cumulative itself.
    fn buckets(&self) -> Vec<(f64, u64)> {
        let mut out: Vec<(f64, u64)> = LATENCY_BUCKETS
            .iter()
            .zip(self.buckets.iter())
            .map(|(&b, &n)| (b, n))
            .collect();
        let bounded: u64 = self.buckets.iter().sum();
        out.push((f64::INFINITY, self.count - bounded));
        out
    }
}

/// What one route counted.
#[derive(Debug, Clone, Default)]
pub struct RouteMetrics {
    /// Responses by status code.
    pub by_status: BTreeMap<u16, u64>,
    /// Time from the request's arrival to its response.
    pub latency: Histogram,
    /// VM instructions its requests ran.
    pub instructions: u64,
}

/// What one worker counted (and, summed, the whole server).
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    /// By route path; requests that matched no route count under "".
    /// Hashed with the route table's cheap hasher: `record` looks the
    /// path up once per request.
    pub routes: crate::routes::PathMap<RouteMetrics>,
    /// Requests stopped by each limit.
    pub limit_hits: BTreeMap<&'static str, u64>,
    /// States made (one per route and concurrent request, then reused).
    pub states_created: u64,
    /// States idle in the pools now.
    pub states_idle: u64,
    /// Requests being handled now.
    pub in_flight: u64,
    /// Connections accepted.
    pub connections: u64,
    /// Requests served by a state reused from an earlier one.
    pub state_reuses: u64,
    /// The time those reuses took: checkout (with the request's limits
    /// set), reset and checkin.
    pub state_reuse_seconds: f64,
}

impl Metrics {
    /// Counts a finished request.
    pub fn record(&mut self, route: &str, status: u16, seconds: f64, instructions: u64) {
        let r = match self.routes.get_mut(route) {
            Some(r) => r,
            None => self.routes.entry(route.to_string()).or_default(),
        };
        *r.by_status.entry(status).or_insert(0) += 1;
        r.latency.observe(seconds);
        r.instructions += instructions;
    }

    /// Counts a request stopped by `limit`.
    pub fn limit_hit(&mut self, limit: Limit) {
        *self.limit_hits.entry(limit.name()).or_insert(0) += 1;
    }

    /// Adds another worker's counts to these.
    pub fn add(&mut self, other: &Metrics) {
        for (route, m) in &other.routes {
            let r = self.routes.entry(route.clone()).or_default();
            for (status, n) in &m.by_status {
                *r.by_status.entry(*status).or_insert(0) += n;
            }
            r.latency.add(&m.latency);
            r.instructions += m.instructions;
        }
        for (limit, n) in &other.limit_hits {
            *self.limit_hits.entry(limit).or_insert(0) += n;
        }
        self.states_created += other.states_created;
        self.states_idle += other.states_idle;
        self.in_flight += other.in_flight;
        self.connections += other.connections;
        self.state_reuses += other.state_reuses;
        self.state_reuse_seconds += other.state_reuse_seconds;
    }

    /// Total responses with `status`, over every route.
    #[cfg(test)]
    pub fn responses_with_status(&self, status: u16) -> u64 {
        self.routes
            .values()
            .map(|r| r.by_status.get(&status).copied().unwrap_or(0))
            .sum()
    }
}

/// Figures of the server as a whole, read at scrape time.
#[derive(Debug, Clone, Default)]
pub struct ServerFigures {
    /// Worker threads that answered the scrape (the live ones).
    pub workers: u64,
    /// Routes served.
    pub routes: u64,
    /// Scripts that fail to compile now.
    pub script_errors: u64,
    /// Reloads that compiled everything.
    pub reloads_ok: u64,
    /// Reloads where some script failed.
    pub reloads_failed: u64,
    /// Seconds since the server started.
    pub uptime_seconds: f64,
    /// Resident memory of the process, in bytes.
    pub resident_bytes: u64,
    /// The `kv` backend in use.
    pub kv_backend: &'static str,
}

/// One scrape: the summed worker metrics and the server's figures, as a
/// prometheus-client collector.
#[derive(Debug)]
pub struct Scrape {
    /// Summed over the workers.
    pub metrics: Metrics,
    /// The server's own figures.
    pub server: ServerFigures,
}

type Labels = Vec<(&'static str, String)>;

impl Scrape {
    /// The Prometheus text exposition of this scrape.
    pub fn encode(self) -> String {
        let mut registry = prometheus_client::registry::Registry::default();
        registry.register_collector(Box::new(self));
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &registry);
        out
    }
}

/// Writes one unlabelled metric.
fn single(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    metric: &impl EncodeMetric,
) -> Result<(), std::fmt::Error> {
    let e = encoder.encode_descriptor(name, help, None, metric.metric_type())?;
    metric.encode(e)
}

impl prometheus_client::collector::Collector for Scrape {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let m = &self.metrics;
        let mut routes: Vec<(&String, &RouteMetrics)> = m.routes.iter().collect();
        routes.sort_by(|a, b| a.0.cmp(b.0));

        let mut e = encoder.encode_descriptor(
            "lunar_requests",
            "Requests answered, by route and status",
            None,
            MetricType::Counter,
        )?;
        for (route, r) in &routes {
            for (status, n) in &r.by_status {
                let labels: Labels =
                    vec![("route", route.to_string()), ("status", status.to_string())];
                ConstCounter::new(*n).encode(e.encode_family(&labels)?)?;
            }
        }

        let mut e = encoder.encode_descriptor(
            "lunar_request_duration_seconds",
            "Time from a request's arrival to its response, by route",
            None,
            MetricType::Histogram,
        )?;
        for (route, r) in &routes {
            let labels: Labels = vec![("route", route.to_string())];
            e.encode_family(&labels)?.encode_histogram::<Labels>(
                r.latency.sum,
                r.latency.count,
                &r.latency.buckets(),
                None,
            )?;
        }

        let mut e = encoder.encode_descriptor(
            "lunar_instructions",
            "VM instructions run by requests, by route",
            None,
            MetricType::Counter,
        )?;
        for (route, r) in &routes {
            let labels: Labels = vec![("route", route.to_string())];
            ConstCounter::new(r.instructions).encode(e.encode_family(&labels)?)?;
        }

        let mut e = encoder.encode_descriptor(
            "lunar_limit_hits",
            "Requests stopped by a limit, by limit",
            None,
            MetricType::Counter,
        )?;
        for limit in ["instructions", "memory", "deadline", "call depth"] {
            let n = m.limit_hits.get(limit).copied().unwrap_or(0);
            let labels: Labels = vec![("limit", limit.replace(' ', "_"))];
            ConstCounter::new(n).encode(e.encode_family(&labels)?)?;
        }

        let mut e = encoder.encode_descriptor(
            "lunar_reloads",
            "Reloads of the scripts, by result",
            None,
            MetricType::Counter,
        )?;
        for (result, n) in [
            ("ok", self.server.reloads_ok),
            ("failed", self.server.reloads_failed),
        ] {
            let labels: Labels = vec![("result", result.to_string())];
            ConstCounter::new(n).encode(e.encode_family(&labels)?)?;
        }

        let s = &self.server;
        single(
            &mut encoder,
            "lunar_script_errors",
            "Scripts that fail to compile now (their last good version serves)",
            &ConstGauge::new(s.script_errors as i64),
        )?;
        single(
            &mut encoder,
            "lunar_routes",
            "Routes served",
            &ConstGauge::new(s.routes as i64),
        )?;
        single(
            &mut encoder,
            "lunar_workers",
            "Worker threads serving (those that answered this scrape)",
            &ConstGauge::new(s.workers as i64),
        )?;
        single(
            &mut encoder,
            "lunar_states_created",
            "States made for requests",
            &ConstCounter::new(m.states_created),
        )?;
        single(
            &mut encoder,
            "lunar_state_reuses",
            "Requests served by a state reused from an earlier request",
            &ConstCounter::new(m.state_reuses),
        )?;
        single(
            &mut encoder,
            "lunar_state_reuse_seconds",
            "Time spent checking states out (limits set), resetting and checking them in",
            &ConstCounter::new(m.state_reuse_seconds),
        )?;
        single(
            &mut encoder,
            "lunar_states_idle",
            "States idle in the pools",
            &ConstGauge::new(m.states_idle as i64),
        )?;
        single(
            &mut encoder,
            "lunar_requests_in_flight",
            "Requests being handled",
            &ConstGauge::new(m.in_flight as i64),
        )?;
        single(
            &mut encoder,
            "lunar_connections",
            "Connections accepted",
            &ConstCounter::new(m.connections),
        )?;
        single(
            &mut encoder,
            "lunar_uptime_seconds",
            "Seconds since the server started",
            &ConstGauge::new(s.uptime_seconds),
        )?;
        single(
            &mut encoder,
            "lunar_resident_memory_bytes",
            "Resident memory of the process",
            &ConstGauge::new(s.resident_bytes as i64),
        )?;
        let mut e = encoder.encode_descriptor(
            "lunar_kv_backend",
            "The kv module's backend (1 for the one in use)",
            None,
            MetricType::Gauge,
        )?;
        let labels: Labels = vec![("backend", s.kv_backend.to_string())];
        ConstGauge::new(1).encode(e.encode_family(&labels)?)?;
        Ok(())
    }
}

/// The resident memory of this process, from `/proc/self/statm` (0
/// where there is none).
pub fn resident_bytes() -> u64 {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summed_and_encoded() {
        let mut a = Metrics::default();
        a.record("/x", 200, 0.0003, 10);
        a.record("/x", 500, 0.2, 5);
        a.limit_hit(Limit::Deadline);
        let mut b = Metrics::default();
        b.record("/x", 200, 0.002, 1);
        b.connections = 3;
        let mut total = Metrics::default();
        total.add(&a);
        total.add(&b);
        assert_eq!(total.responses_with_status(200), 2);
        let text = Scrape {
            metrics: total,
            server: ServerFigures {
                workers: 2,
                kv_backend: "memory",
                ..Default::default()
            },
        }
        .encode();
        assert!(
            text.contains("lunar_requests_total{route=\"/x\",status=\"200\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("lunar_requests_total{route=\"/x\",status=\"500\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("lunar_request_duration_seconds_bucket{le=\"0.0005\",route=\"/x\"} 1")
                || text.contains(
                    "lunar_request_duration_seconds_bucket{route=\"/x\",le=\"0.0005\"} 1"
                ),
            "{text}"
        );
        assert!(
            text.contains("lunar_request_duration_seconds_count{route=\"/x\"} 3"),
            "{text}"
        );
        // Cumulative once: 0.0003 and 0.002 are under 2.5 ms, 0.2 under
        // 250 ms, and +Inf holds all three.
        for (le, n) in [("0.0025", 2), ("0.25", 3), ("+Inf", 3)] {
            assert!(
                text.contains(&format!(
                    "lunar_request_duration_seconds_bucket{{le=\"{le}\",route=\"/x\"}} {n}"
                )) || text.contains(&format!(
                    "lunar_request_duration_seconds_bucket{{route=\"/x\",le=\"{le}\"}} {n}"
                )),
                "bucket {le}: {text}"
            );
        }
        assert!(
            text.contains("lunar_instructions_total{route=\"/x\"} 16"),
            "{text}"
        );
        assert!(
            text.contains("lunar_limit_hits_total{limit=\"deadline\"} 1"),
            "{text}"
        );
        assert!(text.contains("lunar_workers 2"), "{text}");
        assert!(text.contains("lunar_connections_total 3"), "{text}");
    }
}
