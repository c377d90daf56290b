//! Synthetic reports for the report's tests: plausible figures for all
//! five tests (one of them failing a target), and the same run with
//! every figure empty. Shared by the unit tests and
//! `tests/report_browser.rs` (which includes this file by path, so it
//! names the model through `super::model`, in scope in both).

use super::model::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A fresh, empty directory for one test.
pub(crate) fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lunar-report-test-{what}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One step at `offered` req/s whose latency grows as the server nears
/// `capacity`.
pub(crate) fn step(route: &str, offered: f64, capacity: f64, secs: f64) -> StepResult {
    let load = (offered / capacity).min(1.5);
    let achieved = offered.min(capacity);
    let p50 = 0.4
        + 0.6 * load.powi(4)
        + if load > 1.0 {
            200.0 * (load - 1.0)
        } else {
            0.0
        };
    let sent = (offered * secs) as u64;
    let completed = (achieved * secs) as u64;
    let errors = sent - completed.min(sent);
    let mut statuses = BTreeMap::new();
    statuses.insert(200, completed);
    StepResult {
        route: route.to_string(),
        offered_rps: offered,
        duration_s: secs,
        sent,
        completed,
        ok: completed,
        errors,
        statuses,
        timeouts: errors,
        achieved_rps: achieved,
        latency: Latency {
            p50_ms: p50,
            p90_ms: p50 * 1.8,
            p99_ms: p50 * 3.5,
            p999_ms: p50 * 6.0,
            max_ms: p50 * 9.0,
            mean_ms: p50 * 1.2,
        },
        send_lag_ms: 0.02,
        generator_cpu: offered / 40_000.0,
        server_cpu: Some(achieved / capacity * 4.0),
        ..StepResult::default()
    }
}

fn target(what: &str, goal: &str, actual: &str, met: bool) -> Target {
    Target {
        what: what.to_string(),
        goal: goal.to_string(),
        actual: actual.to_string(),
        met,
    }
}

/// A plausible full report; the scaling test misses its efficiency
/// target.
pub(crate) fn report() -> Report {
    let capacity = 42_000.0;
    let rates = [
        1000.0, 2000.0, 5000.0, 10_000.0, 20_000.0, 40_000.0, 50_000.0,
    ];
    let steps: Vec<StepResult> = rates
        .iter()
        .map(|&r| step("/hello", r, capacity, 10.0))
        .collect();
    let stepped = SteppedFigures {
        route: "/hello".to_string(),
        workers: 4,
        p99_target_ms: 50.0,
        error_budget: 0.001,
        steps,
        saturation_rps: 40_000.0,
        peak_step: Some(5),
        profile_svg: Some("profile-peak.svg".to_string()),
        metrics_txt: Some("metrics-peak.txt".to_string()),
    };
    let points = (1..=4)
        .map(|k| {
            let rate = 11_000.0 * k as f64 * (1.0 - 0.08 * (k - 1) as f64);
            ScalingPoint {
                workers: k,
                server_cpus: (0..k).collect(),
                generator_cpus: vec![4, 5],
                clean: k <= 2,
                saturation_rps: rate,
                efficiency: rate / (k as f64 * 11_000.0),
                steps: vec![step("/hello", rate, rate * 1.05, 5.0)],
            }
        })
        .collect();
    let scaling = ScalingFigures {
        route: "/hello".to_string(),
        seed_rps_per_core: 9000.0,
        points,
    };
    let cold = ColdStartFigures {
        starts: [1, 10, 100, 1000]
            .iter()
            .map(|&n| ColdStartPoint {
                scripts: n,
                first_response_ms: 12.0 + 0.09 * n as f64,
                rss_mib: Some(8.0 + 0.02 * n as f64),
            })
            .collect(),
        state_new_us: 38.0,
        state_load_us: 61.0,
        reload_to_new_response_ms: 140.0,
    };
    let mixed = MixedFigures {
        light_alone: step("/light", 2000.0, 40_000.0, 10.0),
        light_loaded: step("/light", 2000.0, 2600.0, 10.0),
        cpu_heavy: step("/heavy", 200.0, 400.0, 10.0),
        sleeping: step("/sleep", 500.0, 100_000.0, 10.0),
        upstream: step("/upstream", 500.0, 100_000.0, 10.0),
        sleep_ms: 100.0,
        upstream_delay_ms: 50.0,
        peak_in_flight: Some(103.0),
    };
    let soak = SoakFigures {
        duration_s: 600.0,
        offered_rps: 2000.0,
        routes: vec![
            SoakRoute {
                route: "/hello".to_string(),
                kind: "ok".to_string(),
                expected_status: 200,
                sent: 1_000_000,
                right: 1_000_000,
                ..SoakRoute::default()
            },
            SoakRoute {
                route: "/loop".to_string(),
                kind: "infinite loop".to_string(),
                expected_status: 503,
                sent: 1200,
                right: 1199,
                lost: 1,
                ..SoakRoute::default()
            },
        ],
        rss: (0..=120)
            .map(|i| {
                (
                    i as f64 * 5.0,
                    30.0 + (i as f64).sqrt() + if i > 60 { -4.0 } else { 0.0 },
                )
            })
            .collect(),
        rss_slope_mib_per_min: 0.012,
        restart_at_s: Some(300.0),
        broken_saves: 3,
        client_disconnects: 500,
        retried: 12,
        workers_before: 4,
        workers_after: 4,
    };
    Report {
        lunar_version: "0.1.0".to_string(),
        build: "lunar 0.1.0 rustc 1.95.0 x86_64-unknown-linux-gnu".to_string(),
        started_utc: "2026-12-07T06:00:00Z".to_string(),
        duration_s: 1234.5,
        mode: "full".to_string(),
        target: None,
        machine: Machine {
            cpu_model: "AMD EPYC 9654 96-Core Processor".to_string(),
            logical_cpus: 8,
            physical_cores: 4,
            threads_per_core: 2,
            smt_groups: vec![vec![0, 4], vec![1, 5], vec![2, 6], vec![3, 7]],
            numa_nodes: vec![NumaNode {
                id: 0,
                cpus: (0..8).collect(),
            }],
            memory_mib: 32_000.0,
            kernel: "6.1.0-28-amd64".to_string(),
            os: "Debian GNU/Linux 12 (bookworm)".to_string(),
        },
        generator: GeneratorInfo {
            connections: 64,
            threads: 2,
            cpus: vec![4, 5],
        },
        tests: vec![
            TestEntry::new(
                "stepped_qps",
                "Stepped QPS to saturation",
                vec![target(
                    "p99 at every step up to saturation",
                    "<= 50 ms",
                    "7.1 ms",
                    true,
                )],
                vec!["latency from intended send time".to_string()],
                Figures::Stepped(stepped),
            ),
            TestEntry::new(
                "scaling",
                "Scaling across cores",
                vec![target(
                    "efficiency at the largest k",
                    ">= 0.80",
                    "0.76",
                    false,
                )],
                vec!["k = 3 and 4 share SMT siblings with the generator".to_string()],
                Figures::Scaling(scaling),
            ),
            TestEntry::new(
                "cold_start",
                "Cold start",
                vec![target(
                    "first response with 1000 scripts",
                    "<= 500 ms",
                    "102 ms",
                    true,
                )],
                vec![],
                Figures::ColdStart(cold),
            ),
            TestEntry::new(
                "mixed_cpu_io",
                "Mixed CPU and I/O",
                vec![target("light p99 loaded / alone", "<= 3x", "2.1x", true)],
                vec![],
                Figures::Mixed(mixed),
            ),
            TestEntry::new(
                "soak",
                "Soak with faults",
                vec![target("requests lost", "0", "1", true)],
                vec![],
                Figures::Soak(soak),
            ),
        ],
    }
}

/// The same run with every figure empty (nothing measured).
pub(crate) fn empty_report() -> Report {
    let mut r = report();
    for t in &mut r.tests {
        t.figures = match &t.figures {
            Figures::Stepped(_) => Figures::Stepped(SteppedFigures::default()),
            Figures::Scaling(_) => Figures::Scaling(ScalingFigures::default()),
            Figures::ColdStart(_) => Figures::ColdStart(ColdStartFigures::default()),
            Figures::Mixed(_) => Figures::Mixed(MixedFigures::default()),
            Figures::Soak(_) => Figures::Soak(SoakFigures::default()),
        };
    }
    r
}
