//! The server's configuration: a TOML file (`--config FILE`) with the
//! command's flags on top, and the limits a request runs under.
//!
//! Every field has a default, so an empty file (or none) is a working
//! configuration. Unknown keys are errors: a misspelt limit must not
//! silently leave a route unlimited.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Everything `lunar serve` can be told.
///
/// ```
/// let config = lunar_server::Config::from_toml(r#"
///     listen = "127.0.0.1:9000"
///     workers = 2
///     [limits]
///     instructions = 1_000_000
///     deadline_ms = 500
///     [routes."/api/report"]
///     deadline_ms = 5000
/// "#).unwrap();
/// assert_eq!(config.workers, 2);
/// let report = config.limits_for("/api/report");
/// assert_eq!(report.deadline, std::time::Duration::from_millis(5000));
/// assert_eq!(report.instructions, Some(1_000_000));
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The folder of scripts: `DIR/api/users.lua` serves `/api/users`.
    pub dir: PathBuf,
    /// Where to listen, `ADDR:PORT` (port 0: any free port).
    pub listen: String,
    /// Worker threads, each with its own runtime and states; 0 means one
    /// per core the process may run on.
    pub workers: usize,
    /// Pin worker `i` to CPU `cpus[i % cpus.len()]` (logical CPU numbers,
    /// as `taskset` and `/sys/devices/system/cpu` count them); empty: the
    /// kernel places the workers. With `workers = 0`, one worker per
    /// listed CPU.
    pub cpus: Vec<usize>,
    /// The limits of every request, unless its route says otherwise.
    pub limits: LimitSettings,
    /// Limits no route or request can exceed (a route's setting above
    /// them is lowered to them).
    pub max_limits: LimitSettings,
    /// Per-route settings, by route path (`[routes."/api/users"]`).
    pub routes: BTreeMap<String, LimitSettings>,
    /// The largest request body accepted, in bytes (413 above it).
    pub max_body_bytes: usize,
    /// How long a client may take to send its request head and body
    /// (408 after it, or the connection closed for a head).
    pub client_timeout_ms: u64,
    /// On SIGTERM or SIGINT, how long in-flight requests may take to
    /// finish before the server exits anyway.
    pub drain_timeout_ms: u64,
    /// Recompile scripts when their files change.
    pub reload: bool,
    /// Log lines as `text` or `json`.
    pub log_format: LogFormat,
    /// Idle states kept per route and worker between requests.
    pub idle_states: usize,
    /// The `kv` module's backend.
    pub kv: KvSettings,
    /// The `http` client module.
    pub http: HttpSettings,
    /// Serve HTTPS with this certificate and key (PEM files); plain HTTP
    /// without.
    pub tls: Option<TlsSettings>,
    /// Serve the script playground at `/` (off by default: it runs code
    /// that visitors type, in a sandboxed state).
    pub playground: bool,
    /// Serve CPU profiles at `/debug/pprof/profile?seconds=N` (off by
    /// default: a profile costs CPU while it runs).
    pub profiling: bool,
    /// Serve `/_bench/ok` and `/_bench/echo`: the answers of the
    /// benchmark's Lua routes computed in Rust (serde_json) on the same
    /// workers, as the baseline the Lua routes are measured against.
    pub bench_routes: bool,
}

/// Limits as configured; `None` leaves a field to the level above.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// VM instructions per request.
    pub instructions: Option<u64>,
    /// Bytes of live Lua objects a request's state may hold.
    pub memory: Option<usize>,
    /// Wall-clock time per request, in milliseconds, waits included.
    pub deadline_ms: Option<u64>,
}

/// The limits one request runs under, all set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// VM instructions (`None`: unlimited, only when configured so).
    pub instructions: Option<u64>,
    /// Bytes of live Lua objects.
    pub memory: Option<usize>,
    /// Time from the request's arrival to its response.
    pub deadline: Duration,
}

/// How log lines look.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The `kv` module's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KvSettings {
    /// A Redis URL (`redis://host:6379/0`): every replica shares the
    /// store. Without one, the store is in this process.
    pub redis_url: Option<String>,
    /// The most the in-process store holds, in bytes of keys and values
    /// (writes past it fail with `kv: store full (max_bytes)`).
    pub max_bytes: usize,
}

impl Default for KvSettings {
    fn default() -> KvSettings {
        KvSettings {
            redis_url: None,
            max_bytes: 64 << 20,
        }
    }
}

/// The server's certificate and key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSettings {
    /// The certificate chain, PEM.
    pub cert: PathBuf,
    /// The private key, PEM (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// The `http` client module's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    /// Hosts scripts may call: `host`, `host:port` or `*.domain`. Empty:
    /// none.
    pub allow_hosts: Vec<String>,
    /// The timeout of a call when the script gives none, in milliseconds.
    pub timeout_ms: u64,
    /// The largest response body a call reads, in bytes.
    pub max_response_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> HttpSettings {
        HttpSettings {
            allow_hosts: Vec::new(),
            timeout_ms: 10_000,
            max_response_bytes: 8 << 20,
        }
    }
}

/// The defaults: 100 million instructions, 64 MiB and 10 seconds per
/// request, at most 10 billion, 1 GiB and 5 minutes whatever a route
/// says.
pub const DEFAULT_LIMITS: LimitSettings = LimitSettings {
    instructions: Some(100_000_000),
    memory: Some(64 << 20),
    deadline_ms: Some(10_000),
};

/// The default server-wide maxima.
pub const DEFAULT_MAX_LIMITS: LimitSettings = LimitSettings {
    instructions: Some(10_000_000_000),
    memory: Some(1 << 30),
    deadline_ms: Some(300_000),
};

impl Default for Config {
    fn default() -> Config {
        Config {
            dir: PathBuf::from("."),
            listen: "127.0.0.1:8080".to_string(),
            workers: 0,
            cpus: Vec::new(),
            limits: DEFAULT_LIMITS,
            max_limits: DEFAULT_MAX_LIMITS,
            routes: BTreeMap::new(),
            max_body_bytes: 1 << 20,
            client_timeout_ms: 10_000,
            drain_timeout_ms: 30_000,
            reload: true,
            log_format: LogFormat::Text,
            idle_states: 64,
            kv: KvSettings::default(),
            http: HttpSettings::default(),
            tls: None,
            playground: false,
            profiling: false,
            bench_routes: false,
        }
    }
}

impl Config {
    /// Reads a configuration from TOML text; missing fields keep their
    /// defaults. The error names the key or line at fault.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        let mut config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.limits = config.limits.or(DEFAULT_LIMITS);
        config.max_limits = config.max_limits.or(DEFAULT_MAX_LIMITS);
        Ok(config)
    }

    /// Reads the configuration file `path`.
    pub fn from_file(path: &std::path::Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Config::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The number of workers to start: `workers`, else one per CPU in
    /// `cpus`, else one per core the process may run on.
    pub fn worker_count(&self) -> usize {
        if self.workers > 0 {
            self.workers
        } else if !self.cpus.is_empty() {
            self.cpus.len()
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
    }

    /// The limits of a request to `route`: the route's settings over the
    /// defaults, each capped by the maxima.
    pub fn limits_for(&self, route: &str) -> RequestLimits {
        let set = match self.routes.get(route) {
            Some(r) => r.or(self.limits),
            None => self.limits,
        };
        let max = self.max_limits;
        RequestLimits {
            instructions: cap(set.instructions, max.instructions),
            memory: cap(set.memory, max.memory),
            // A deadline always applies: with none configured anywhere,
            // 30 seconds (the longest default the issue allows).
            deadline: Duration::from_millis(
                cap(set.deadline_ms, max.deadline_ms).unwrap_or(30_000),
            ),
        }
    }

    /// Checks what serde cannot: a usable listen address, sane sizes.
    pub fn validate(&self) -> Result<(), String> {
        if self.listen.parse::<std::net::SocketAddr>().is_err()
            && std::net::ToSocketAddrs::to_socket_addrs(&self.listen.as_str()).is_err()
        {
            return Err(format!(
                "listen: '{}' is not an ADDR:PORT address",
                self.listen
            ));
        }
        for route in self.routes.keys() {
            if !route.starts_with('/') {
                return Err(format!("routes: '{route}' must start with '/'"));
            }
        }
        if !self.cpus.is_empty() {
            let allowed: Vec<usize> = core_affinity::get_core_ids()
                .unwrap_or_default()
                .into_iter()
                .map(|c| c.id)
                .collect();
            if let Some(cpu) = self.cpus.iter().find(|c| !allowed.contains(c)) {
                return Err(format!(
                    "cpus: CPU {cpu} is not one this process may run on ({})",
                    cpu_list_text(&allowed)
                ));
            }
        }
        if self.max_body_bytes == 0 {
            return Err("max_body_bytes must be above 0".to_string());
        }
        Ok(())
    }
}

/// Parses a CPU list as `taskset -c` and `/sys` write it: `0-3,8,10-11`.
pub fn parse_cpu_list(text: &str) -> Result<Vec<usize>, String> {
    let bad = || format!("'{text}' is not a CPU list (like 0-3,8)");
    let mut cpus = Vec::new();
    for part in text.trim().split(',') {
        let part = part.trim();
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (part, part),
        };
        let lo: usize = lo.parse().map_err(|_| bad())?;
        let hi: usize = hi.parse().map_err(|_| bad())?;
        if hi < lo || hi - lo > 4096 {
            return Err(bad());
        }
        cpus.extend(lo..=hi);
    }
    Ok(cpus)
}

/// A CPU list written back in the `0-3,8` form.
pub fn cpu_list_text(cpus: &[usize]) -> String {
    let mut sorted = cpus.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        if j == i {
            out.push_str(&sorted[i].to_string());
        } else {
            out.push_str(&format!("{}-{}", sorted[i], sorted[j]));
        }
        i = j + 1;
    }
    out
}

impl LimitSettings {
    /// These settings, with `base`'s where these have none.
    pub fn or(self, base: LimitSettings) -> LimitSettings {
        LimitSettings {
            instructions: self.instructions.or(base.instructions),
            memory: self.memory.or(base.memory),
            deadline_ms: self.deadline_ms.or(base.deadline_ms),
        }
    }
}

/// `value` lowered to `max` where both are set; the maximum where the
/// value is unset.
fn cap<T: Ord + Copy>(value: Option<T>, max: Option<T>) -> Option<T> {
    match (value, max) {
        (Some(v), Some(m)) => Some(v.min(m)),
        (None, m) => m,
        (v, None) => v,
    }
}

impl RequestLimits {
    /// The VM limits of a run that started at `start`.
    pub fn vm_limits(&self, start: std::time::Instant) -> lunar::Limits {
        lunar::Limits {
            instructions: self.instructions,
            memory: self.memory,
            call_depth: Some(200),
            deadline: Some(start + self.deadline),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists_parse_and_print_as_taskset_writes_them() {
        assert_eq!(parse_cpu_list("0-3,8").unwrap(), vec![0, 1, 2, 3, 8]);
        assert_eq!(parse_cpu_list(" 5 ").unwrap(), vec![5]);
        assert!(parse_cpu_list("3-1").is_err());
        assert!(parse_cpu_list("a").is_err());
        assert!(parse_cpu_list("").is_err());
        assert_eq!(cpu_list_text(&[8, 0, 1, 2, 3, 10]), "0-3,8,10");
        assert_eq!(cpu_list_text(&[]), "");
    }

    #[test]
    fn cpus_set_the_worker_count_and_must_exist() {
        let c = Config::from_toml("cpus = [0]").unwrap();
        assert_eq!(c.worker_count(), 1);
        assert!(c.validate().is_ok());
        let c = Config::from_toml("cpus = [100000]").unwrap();
        let e = c.validate().unwrap_err();
        assert!(e.contains("CPU 100000"), "{e}");
    }

    #[test]
    fn defaults_apply_to_an_empty_file() {
        let c = Config::from_toml("").unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        let l = c.limits_for("/x");
        assert_eq!(l.instructions, Some(100_000_000));
        assert_eq!(l.memory, Some(64 << 20));
        assert_eq!(l.deadline, Duration::from_secs(10));
    }

    #[test]
    fn routes_override_and_maxima_cap() {
        let c = Config::from_toml(
            r#"
            [limits]
            instructions = 1000
            [max_limits]
            deadline_ms = 2000
            [routes."/slow"]
            deadline_ms = 60000
            memory = 1024
            "#,
        )
        .unwrap();
        let slow = c.limits_for("/slow");
        assert_eq!(slow.deadline, Duration::from_secs(2));
        assert_eq!(slow.memory, Some(1024));
        assert_eq!(slow.instructions, Some(1000));
        // Maxima left unset in the file keep their defaults.
        assert_eq!(c.max_limits.memory, Some(1 << 30));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = Config::from_toml("[limits]\ninstruction = 5").unwrap_err();
        assert!(e.contains("unknown field `instruction`"), "{e}");
        let e = Config::from_toml("listen = 5").unwrap_err();
        assert!(e.contains("invalid type"), "{e}");
    }

    #[test]
    fn validation_names_the_field() {
        let c = Config {
            listen: "nowhere".into(),
            ..Config::default()
        };
        assert!(c.validate().unwrap_err().starts_with("listen:"));
        let mut c = Config::default();
        c.routes.insert("api".into(), LimitSettings::default());
        assert!(c.validate().unwrap_err().contains("must start with '/'"));
    }
}
