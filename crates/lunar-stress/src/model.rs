//! The report's data: every figure the suite measures, as written to
//! `report.json` and drawn in `report.html`.
//!
//! Durations are in milliseconds (`_ms`) or seconds (`_s`), rates in
//! requests per second (`_rps`), memory in MiB, CPU in cores (1.0 = one
//! core busy for the whole interval). Field names carry their unit so
//! that the JSON reads without this file.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole report of one `lunar stress` run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// `lunar`'s version (the binary that ran the suite).
    pub lunar_version: String,
    /// The build: version, compiler and target (`lunar version`'s
    /// second line), empty when the caller did not say.
    #[serde(default)]
    pub build: String,
    /// When the run started, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub started_utc: String,
    /// How long the whole run took.
    pub duration_s: f64,
    /// `"quick"` or `"full"`.
    pub mode: String,
    /// The server under test: `None` when the suite started its own
    /// `lunar serve`, else the `--target` URL.
    pub target: Option<String>,
    /// The machine the suite ran on.
    pub machine: Machine,
    /// How the load generator was set up.
    pub generator: GeneratorInfo,
    /// One entry per test, in the order they ran.
    pub tests: Vec<TestEntry>,
}

/// The machine: what the figures depend on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Machine {
    /// The CPU model (`/proc/cpuinfo`'s `model name`).
    pub cpu_model: String,
    /// Logical CPUs online (what the kernel schedules on).
    pub logical_cpus: usize,
    /// Physical cores (logical CPUs that are not SMT siblings of another).
    pub physical_cores: usize,
    /// Logical CPUs per physical core (1 without SMT).
    pub threads_per_core: usize,
    /// SMT sibling groups, each a list of logical CPU numbers.
    pub smt_groups: Vec<Vec<usize>>,
    /// NUMA nodes and their CPUs (one node on most small machines).
    pub numa_nodes: Vec<NumaNode>,
    /// Total memory, MiB.
    pub memory_mib: f64,
    /// The kernel (`/proc/sys/kernel/osrelease`).
    pub kernel: String,
    /// The operating system (`/etc/os-release`'s `PRETTY_NAME`).
    pub os: String,
}

/// One NUMA node.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NumaNode {
    /// The node's number.
    pub id: usize,
    /// Its logical CPUs.
    pub cpus: Vec<usize>,
}

/// The load generator's set-up.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GeneratorInfo {
    /// Connections kept open to the server (each with one request in
    /// flight at a time).
    pub connections: usize,
    /// Threads of the generator's runtime.
    pub threads: usize,
    /// The CPUs the generator was pinned to (empty: not pinned).
    pub cpus: Vec<usize>,
}

/// A test's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every target met.
    Pass,
    /// At least one target missed.
    Fail,
}

/// One target a test is judged against, as written in the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Target {
    /// What is measured, e.g. "p99 latency at the saturation rate".
    pub what: String,
    /// The goal, e.g. "<= 50 ms".
    pub goal: String,
    /// What was measured, e.g. "3.2 ms".
    pub actual: String,
    /// Whether the goal was reached.
    pub met: bool,
}

/// One test's entry in the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestEntry {
    /// A fixed identifier: `stepped_qps`, `scaling`, `cold_start`,
    /// `mixed_cpu_io`, `soak`.
    pub id: String,
    /// The test's title for people.
    pub name: String,
    /// `pass` when every target is met.
    pub verdict: Verdict,
    /// The targets and what was measured against them.
    pub targets: Vec<Target>,
    /// What a reader should know about how the figures were taken
    /// (shared cores, skipped points, ...).
    pub notes: Vec<String>,
    /// The figures behind the verdict.
    pub figures: Figures,
}

impl TestEntry {
    /// An entry whose verdict follows from its targets.
    pub fn new(
        id: &str,
        name: &str,
        targets: Vec<Target>,
        notes: Vec<String>,
        figures: Figures,
    ) -> TestEntry {
        let verdict = if targets.iter().all(|t| t.met) {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        TestEntry {
            id: id.to_string(),
            name: name.to_string(),
            verdict,
            targets,
            notes,
            figures,
        }
    }
}

/// The figures of one test (the JSON holds the variant's fields
/// directly, the entry's `id` says which test it is).
// Five per report: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Figures {
    /// Test 1.
    Stepped(SteppedFigures),
    /// Test 2.
    Scaling(ScalingFigures),
    /// Test 3.
    ColdStart(ColdStartFigures),
    /// Test 4.
    Mixed(MixedFigures),
    /// Test 5.
    Soak(SoakFigures),
}

/// Latency percentiles, milliseconds, measured from each request's
/// intended send time (open loop).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Latency {
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// The slowest request.
    pub max_ms: f64,
    /// The mean.
    pub mean_ms: f64,
}

/// What one step of open-loop load at a fixed rate measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StepResult {
    /// The route (path and query) the step requested.
    pub route: String,
    /// The arrival rate asked for.
    pub offered_rps: f64,
    /// How long requests were sent (the measured window).
    pub duration_s: f64,
    /// Requests whose intended send time fell in the window.
    pub sent: u64,
    /// Requests that got a response (any status).
    pub completed: u64,
    /// Responses with the expected status.
    pub ok: u64,
    /// Requests that failed: a response with another status, a
    /// transport error or a timeout.
    pub errors: u64,
    /// Responses by status code (JSON object keys are the codes as text).
    #[serde(with = "status_keys")]
    pub statuses: BTreeMap<u16, u64>,
    /// Connection failures and resets (no response).
    pub transport_errors: u64,
    /// Requests with no response within the generator's timeout.
    pub timeouts: u64,
    /// Requests sent again because their connection was refused or
    /// closed before any response (only with `retry_unanswered`; the
    /// server never took them, so they are not errors).
    pub retried: u64,
    /// Requests whose connection the generator closed on purpose right
    /// after sending them (only with `disconnect`; no response awaited).
    pub disconnects: u64,
    /// Responses per second over the window.
    pub achieved_rps: f64,
    /// Latency of the completed requests.
    pub latency: Latency,
    /// The generator's mean lateness in sending (its own timer and
    /// scheduling, not counted against the server), milliseconds.
    pub send_lag_ms: f64,
    /// The generator's own CPU use over the window, cores.
    pub generator_cpu: f64,
    /// The server's CPU use over the whole step, warm-up and drain
    /// included, cores (`None` when the server is not a local process
    /// the suite started, or was restarted during the step).
    pub server_cpu: Option<f64>,
}

impl StepResult {
    /// The share of sent requests that failed (0 when none was sent).
    pub fn error_ratio(&self) -> f64 {
        if self.sent == 0 {
            0.0
        } else {
            self.errors as f64 / self.sent as f64
        }
    }
}

/// Test 1: stepped QPS to saturation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SteppedFigures {
    /// The route loaded.
    pub route: String,
    /// The server's worker count.
    pub workers: usize,
    /// The p99 a step must stay under.
    pub p99_target_ms: f64,
    /// The share of failed requests a step may have.
    pub error_budget: f64,
    /// Every step, in order of rate.
    pub steps: Vec<StepResult>,
    /// The highest rate whose step met both targets.
    pub saturation_rps: f64,
    /// The index in `steps` of that step (`None` if none passed).
    pub peak_step: Option<usize>,
    /// The flame graph captured at the peak rate, a file name relative
    /// to the report (`None` when it could not be taken).
    pub profile_svg: Option<String>,
    /// The server's `/metrics` scraped at the peak rate, a file name
    /// relative to the report.
    pub metrics_txt: Option<String>,
}

/// Test 2: one saturation search per worker count.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScalingFigures {
    /// The route loaded.
    pub route: String,
    /// The seed's line: requests per second per core.
    pub seed_rps_per_core: f64,
    /// One point per worker count.
    pub points: Vec<ScalingPoint>,
}

/// The saturation rate with `workers` workers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScalingPoint {
    /// Worker count (k).
    pub workers: usize,
    /// The CPUs the workers were pinned to.
    pub server_cpus: Vec<usize>,
    /// The CPUs the load generator was pinned to.
    pub generator_cpus: Vec<usize>,
    /// True when server and generator had disjoint cores (no SMT
    /// sibling shared either).
    pub clean: bool,
    /// The saturation rate.
    pub saturation_rps: f64,
    /// rate(k) / (k x rate(1)).
    pub efficiency: f64,
    /// The steps of the search.
    pub steps: Vec<StepResult>,
}

/// Test 3: cold start.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ColdStartFigures {
    /// Process start to first successful response, per script count.
    pub starts: Vec<ColdStartPoint>,
    /// Creating a state with the standard library, microseconds (mean
    /// over many).
    pub state_new_us: f64,
    /// Creating a state and running a small script's top level in it,
    /// microseconds.
    pub state_load_us: f64,
    /// A changed script saved to first response with its new answer,
    /// milliseconds (hot reload; includes the watcher's debounce).
    pub reload_to_new_response_ms: f64,
}

/// One cold start.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ColdStartPoint {
    /// Scripts in the served folder.
    pub scripts: usize,
    /// Process start (spawn) to the first 200, milliseconds.
    pub first_response_ms: f64,
    /// The server's RSS once ready, MiB (`None` for a remote target).
    pub rss_mib: Option<f64>,
}

/// Test 4: a light route under CPU-heavy and I/O-waiting load.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MixedFigures {
    /// The light route alone.
    pub light_alone: StepResult,
    /// The light route at the same rate while the others run.
    pub light_loaded: StepResult,
    /// The CPU-heavy route during the loaded run.
    pub cpu_heavy: StepResult,
    /// The route that sleeps during the loaded run.
    pub sleeping: StepResult,
    /// The route that calls a slow local upstream over HTTP.
    pub upstream: StepResult,
    /// How long the sleeping route sleeps, ms.
    pub sleep_ms: f64,
    /// How long the upstream takes to answer, ms.
    pub upstream_delay_ms: f64,
    /// The most requests that were waiting at once (sleeping or on the
    /// upstream) during the loaded run, as the server's in-flight gauge
    /// saw it (`None` when not scraped).
    pub peak_in_flight: Option<f64>,
}

/// Test 5: soak with faults.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SoakFigures {
    /// How long load ran.
    pub duration_s: f64,
    /// The offered rate, all routes together.
    pub offered_rps: f64,
    /// Per kind of request: what it should get and what it got.
    pub routes: Vec<SoakRoute>,
    /// Server RSS over time: (seconds since the soak began, MiB).
    pub rss: Vec<(f64, f64)>,
    /// The RSS trend after warm-up, MiB per minute (least squares).
    pub rss_slope_mib_per_min: f64,
    /// When the graceful restart happened, seconds since the soak began.
    pub restart_at_s: Option<f64>,
    /// Scripts saved with a syntax error during the run (each reloaded
    /// while load ran; the old version must keep serving).
    pub broken_saves: u64,
    /// Connections the client closed before their response.
    pub client_disconnects: u64,
    /// Requests retried because the connection was refused or closed
    /// before any response (the server never took them).
    pub retried: u64,
    /// The server's worker count before and after the faults.
    pub workers_before: usize,
    /// See `workers_before`.
    pub workers_after: usize,
}

/// One kind of request in the soak.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SoakRoute {
    /// The route.
    pub route: String,
    /// What it exercises (`"ok"`, `"error"`, `"infinite loop"`, ...).
    pub kind: String,
    /// The status it must get.
    pub expected_status: u16,
    /// Requests sent.
    pub sent: u64,
    /// Answered with the expected status.
    pub right: u64,
    /// Answered with another status.
    pub wrong: u64,
    /// Never answered (after retries).
    pub lost: u64,
}

/// Status codes as JSON object keys: written as text, read back from
/// text (serde's untagged enums cannot read integer keys by themselves).
mod status_keys {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(m: &BTreeMap<u16, u64>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(m.iter().map(|(k, v)| (k.to_string(), v)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<u16, u64>, D::Error> {
        BTreeMap::<String, u64>::deserialize(d)?
            .into_iter()
            .map(|(k, v)| k.parse().map(|k| (k, v)).map_err(serde::de::Error::custom))
            .collect()
    }
}
