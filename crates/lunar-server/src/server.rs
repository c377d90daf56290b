//! The server: the listening socket, the workers, the route table they
//! share, hot reload, the operations endpoints and graceful shutdown.
//!
//! The route table is one `Arc<RouteTable>` behind an `ArcSwap`: a
//! request reads it without a lock, and a reload swaps in a whole new
//! table (requests in flight finish on the one they started with, so a
//! reload loses no request). All workers accept from one listening
//! socket; a worker busy running a script does not accept, so the others
//! take the new connections.

use crate::config::Config;
use crate::host_api::HostServices;
use crate::http_client::{HttpClient, HttpClientConfig};
use crate::kv::Kv;
use crate::metrics::{Metrics, Scrape, ServerFigures};
use crate::response;
use crate::routes::RouteTable;
use crate::worker::{self, MetricsTap};
use arc_swap::ArcSwap;
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch};

/// What every worker shares (read-only on the request path, except the
/// route table's atomic pointer).
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) routes: ArcSwap<RouteTable>,
    /// A number of this process, in request ids.
    pub(crate) instance: u32,
    /// The workers' metrics channels.
    taps: OnceLock<Vec<MetricsTap>>,
    /// The in-process store, shared by the workers (when there is no
    /// Redis URL).
    memory_kv: Kv,
    /// Wraps accepted connections in TLS when the server has a
    /// certificate.
    pub(crate) tls: Option<tokio_rustls::TlsAcceptor>,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
    started: Instant,
}

/// A running server. Dropping it does not stop it: call
/// [`Server::shutdown`] then [`Server::wait`], or
/// [`Server::run_until_signal`].
pub struct Server {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    workers: Vec<JoinHandle<()>>,
    /// Keeps the file watcher alive.
    _watcher: Option<Box<dyn std::any::Any + Send>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .field("workers", &self.workers.len())
            .finish()
    }
}

impl Server {
    /// Compiles the scripts of `config.dir`, binds `config.listen` and
    /// starts the workers (and the file watcher when `reload` is on).
    /// Scripts that fail to compile are logged and reported on `/readyz`;
    /// the server still starts. Fails when the folder cannot be read, the
    /// address cannot be bound, or Redis cannot be reached.
    pub fn start(config: Config) -> Result<Server, String> {
        config.validate()?;
        let table = RouteTable::scan(&config, &RouteTable::empty())?;
        for (file, why) in &table.failures {
            tracing::error!(file = %file, error = %why, "script does not compile");
        }
        tracing::info!(routes = table.len(), dir = %config.dir.display(), "scripts loaded");
        tracing::debug!(paths = ?table.paths(), "routes");
        let tls = match &config.tls {
            Some(t) => Some(tls_acceptor(t)?),
            None => None,
        };
        let listener = std::net::TcpListener::bind(&config.listen)
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let n = config.worker_count();
        let instance = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos() ^ (std::process::id() << 8));
        let memory_kv = Kv::memory_with_limit(config.kv.max_bytes);
        let shared = Arc::new(Shared {
            config,
            routes: ArcSwap::from_pointee(table),
            instance,
            taps: OnceLock::new(),
            memory_kv,
            tls,
            reloads_ok: AtomicU64::new(0),
            reloads_failed: AtomicU64::new(0),
            started: Instant::now(),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let mut taps = Vec::with_capacity(n);
        let mut workers = Vec::with_capacity(n);
        for id in 0..n {
            let l = listener.try_clone().map_err(|e| e.to_string())?;
            let (tap, tap_rx) = tokio::sync::mpsc::unbounded_channel();
            taps.push(tap);
            let (shared, rx, ready) = (Arc::clone(&shared), shutdown_rx.clone(), ready_tx.clone());
            let cpu = (!shared.config.cpus.is_empty())
                .then(|| shared.config.cpus[id % shared.config.cpus.len()]);
            let handle = std::thread::Builder::new()
                .name(format!("lunar-worker-{id}"))
                .spawn(move || {
                    if let Some(cpu) = cpu
                        && !core_affinity::set_for_current(core_affinity::CoreId { id: cpu })
                    {
                        let _ = ready.send(Err(format!("cannot pin worker {id} to CPU {cpu}")));
                        return;
                    }
                    worker::run(id, shared, l, rx, tap_rx, ready)
                })
                .map_err(|e| format!("cannot start worker {id}: {e}"))?;
            workers.push(handle);
        }
        let _ = shared.taps.set(taps);
        drop(listener);
        for _ in 0..n {
            let started = ready_rx
                .recv()
                .unwrap_or_else(|_| Err("a worker stopped while starting".to_string()));
            if let Err(e) = started {
                let _ = shutdown.send(true);
                for w in workers {
                    let _ = w.join();
                }
                return Err(e);
            }
        }
        let watcher = if shared.config.reload {
            Some(crate::reload::watch(Arc::clone(&shared))?)
        } else {
            None
        };
        tracing::info!(%addr, workers = n, cpus = %crate::config::cpu_list_text(&shared.config.cpus), "listening");
        Ok(Server {
            shared,
            addr,
            shutdown,
            workers,
            _watcher: watcher,
        })
    }

    /// The address the server listens on (the port chosen when the
    /// configuration said 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Rescans and recompiles the scripts now (as a file change does).
    pub fn reload(&self) {
        reload(&self.shared);
    }

    /// Stops accepting connections; requests in flight finish (up to the
    /// drain timeout). Returns at once: [`Server::wait`] waits.
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    /// Waits until every worker has finished.
    pub fn wait(self) {
        for w in self.workers {
            let _ = w.join();
        }
    }

    /// Serves until SIGTERM or SIGINT, then drains and returns.
    pub fn run_until_signal(self) -> Result<(), String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{SignalKind, signal};
                let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
                let mut int = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
                tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM: draining"),
                    _ = int.recv() => tracing::info!("SIGINT: draining"),
                }
            }
            #[cfg(not(unix))]
            {
                tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
            }
            Ok::<(), String>(())
        })?;
        self.shutdown();
        self.wait();
        tracing::info!("stopped");
        Ok(())
    }
}

/// The services a worker's scripts use: the shared in-process store or a
/// Redis connection of the worker's own (made on the worker's runtime,
/// which drives it), and the HTTP client.
pub(crate) async fn make_services(shared: &Shared) -> Result<HostServices, String> {
    let config = &shared.config;
    let kv = match &config.kv.redis_url {
        Some(url) => Kv::redis(url)
            .await
            .map_err(|e| format!("kv: cannot connect to {url}: {e}"))?,
        None => shared.memory_kv.clone(),
    };
    let http = HttpClient::new(HttpClientConfig {
        allow_hosts: config.http.allow_hosts.clone(),
        timeout: Duration::from_millis(config.http.timeout_ms),
        max_response_bytes: config.http.max_response_bytes,
    });
    Ok(HostServices { kv, http })
}

/// The TLS acceptor of the configured certificate and key; the error
/// names the file at fault.
fn tls_acceptor(t: &crate::config::TlsSettings) -> Result<tokio_rustls::TlsAcceptor, String> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&t.cert)
        .and_then(|it| it.collect::<Result<_, _>>())
        .map_err(|e| {
            format!(
                "tls: cannot read certificates from {}: {e}",
                t.cert.display()
            )
        })?;
    if certs.is_empty() {
        return Err(format!("tls: no certificate in {}", t.cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(&t.key).map_err(|e| {
        format!(
            "tls: cannot read a private key from {}: {e}",
            t.key.display()
        )
    })?;
    // The ring provider, as the scripts' HTTP client uses (no C build
    // beyond ring's own).
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            format!(
                "tls: {} and {} do not make a certificate and key: {e}",
                t.cert.display(),
                t.key.display()
            )
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Rescans the folder and swaps in the new table.
pub(crate) fn reload(shared: &Shared) {
    let previous = shared.routes.load_full();
    match RouteTable::scan(&shared.config, &previous) {
        Ok(table) => {
            if table.failures.is_empty() {
                shared.reloads_ok.fetch_add(1, Ordering::Relaxed);
                tracing::info!(
                    routes = table.len(),
                    generation = table.generation,
                    "scripts reloaded"
                );
            } else {
                shared.reloads_failed.fetch_add(1, Ordering::Relaxed);
                for (file, why) in &table.failures {
                    tracing::error!(file = %file, error = %why, "script does not compile; its last good version serves");
                }
            }
            shared.routes.store(Arc::new(table));
        }
        Err(e) => {
            shared.reloads_failed.fetch_add(1, Ordering::Relaxed);
            tracing::error!(error = %e, "reload failed; the old scripts serve");
        }
    }
}

/// `/readyz`: 200 while every script has a version serving, else 503.
/// Scripts that fail to compile are listed either way: after a reload
/// their last good versions serve, and taking every replica out of its
/// load balancer for one bad edit would stop the service that still
/// works; a script with no good version (a broken one at start-up, say)
/// makes the server unready, so a rollout with it stalls.
pub(crate) fn readyz(shared: &Shared) -> Response<Full<Bytes>> {
    let table = shared.routes.load();
    let ready = table.unserved == 0;
    let body = serde_json::json!({
        "ready": ready,
        "routes": table.len(),
        "generation": table.generation,
        "errors": table.failures,
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    response::json(status, &body)
}

/// `/metrics`: every worker's counts, summed, in Prometheus' text format.
pub(crate) async fn metrics(shared: &Shared) -> Response<Full<Bytes>> {
    let mut total = Metrics::default();
    let mut replies = Vec::new();
    for tap in shared.taps.get().map(Vec::as_slice).unwrap_or(&[]) {
        let (tx, rx) = oneshot::channel();
        if tap.send(tx).is_ok() {
            replies.push(rx);
        }
    }
    // Workers that answer are the live ones: a worker whose thread ended
    // has dropped its tap, so `lunar_workers` shows a lost worker.
    let mut live = 0u64;
    for rx in replies {
        if let Ok(Ok(m)) = tokio::time::timeout(Duration::from_secs(5), rx).await {
            total.add(&m);
            live += 1;
        }
    }
    let table = shared.routes.load();
    let kv_backend = if shared.config.kv.redis_url.is_some() {
        "redis"
    } else {
        "memory"
    };
    let scrape = Scrape {
        metrics: total,
        server: ServerFigures {
            workers: live,
            routes: table.len() as u64,
            script_errors: table.failures.len() as u64,
            reloads_ok: shared.reloads_ok.load(Ordering::Relaxed),
            reloads_failed: shared.reloads_failed.load(Ordering::Relaxed),
            uptime_seconds: shared.started.elapsed().as_secs_f64(),
            resident_bytes: crate::metrics::resident_bytes(),
            kv_backend,
        },
    };
    let mut resp = Response::new(Full::new(Bytes::from(scrape.encode())));
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    resp
}

/// Sets up logging on stderr (`RUST_LOG` filters; default `info`), as
/// text or JSON lines. Only the first call in a process takes effect.
pub fn init_logging(format: crate::config::LogFormat) {
    static DONE: Mutex<bool> = Mutex::new(false);
    let Ok(mut done) = DONE.lock() else { return };
    if *done {
        return;
    }
    *done = true;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only on a terminal (a log file or pipe gets plain text).
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .with_target(false);
    let _ = match format {
        crate::config::LogFormat::Json => builder.json().try_init(),
        crate::config::LogFormat::Text => builder.try_init(),
    };
}
