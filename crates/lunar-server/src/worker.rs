//! A worker: one OS thread with its own single-threaded tokio runtime,
//! accepting connections from the shared listening socket and running
//! every request of those connections on its own states.
//!
//! States are kept per route: a state that ran a route's script holds
//! its handler, and after a request it goes back to the route's idle
//! list for the next one, so a request costs a call, not a new state.
//! The reset between two requests is cheap: globals a request created
//! are removed after it (the state's `_G` records new keys through a
//! `__newindex` metamethod set after the script's top level ran), so one
//! request's globals never reach the next. What the script's top level
//! made (its upvalues, module tables) lives as long as the state, as in
//! OpenResty's per-worker Lua VM; data shared between requests belongs
//! in `kv`. A state is dropped after a request that broke a limit or
//! timed out (its memory returns at once), and every state of a route is
//! dropped when the scripts are reloaded.
//!
//! Nothing here is shared with the other workers while a request runs:
//! the route table is read through `ArcSwap` (no lock), and the metrics
//! are this worker's own plain counters.

use crate::config::RequestLimits;
use crate::host_api::{self, HostServices};
use crate::metrics::Metrics;
use crate::response::{self, Reply, RequestId};
use crate::routes::{Route, RouteTable};
use crate::server::Shared;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body as _, Incoming};
use hyper::header::{CONTENT_LENGTH, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use lunar::{ErrorKind, Function, Limit, Program, State, Table, Value};
use std::cell::{Cell, RefCell};
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};
use std::task::Poll;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch};

/// A request for this worker's metrics (the reply channel).
pub(crate) type MetricsTap = mpsc::UnboundedSender<oneshot::Sender<Metrics>>;

/// A state that ran a route's script, ready for a request.
struct Loaded {
    state: State,
    handler: Function,
    /// Request tables' metatable (`req:json()`, the lazy fields), their
    /// field names and the slot of the current request's parts.
    request: response::RequestMeta,
    /// The globals the current request created (a list of keys).
    added_globals: Table,
    /// Removes them.
    remove_globals: Function,
}

/// The idle states of one route.
struct RoutePool {
    /// The route table generation the states were made from.
    generation: u64,
    /// Boxed: a state moves in and out of here every request, and the
    /// request's future holds it; as a pointer those moves copy 8 bytes
    /// (measured: fewer instructions per request than `Vec<Loaded>`).
    #[allow(clippy::vec_box)]
    idle: Vec<Box<Loaded>>,
}

/// One worker's own data (used from its thread only).
pub(crate) struct Worker {
    shared: Arc<Shared>,
    services: HostServices,
    /// By route slot (see `RouteTable::get_slot`): a pool holds the
    /// states of the route with that slot in its generation's table.
    pools: RefCell<Vec<RoutePool>>,
    metrics: RefCell<Metrics>,
    next_request: Cell<u64>,
    /// The start of this worker's request ids: the process's and the
    /// worker's numbers.
    id_prefix: String,
}

/// Runs worker `id` until `shutdown` turns true and its connections are
/// drained (or the drain timeout passes). `ready` gets `Ok` once it
/// accepts, or why it could not start.
pub(crate) fn run(
    id: usize,
    shared: Arc<Shared>,
    listener: std::net::TcpListener,
    mut shutdown: watch::Receiver<bool>,
    mut taps: mpsc::UnboundedReceiver<oneshot::Sender<Metrics>>,
    ready: std::sync::mpsc::Sender<Result<(), String>>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            let _ = ready.send(Err(format!("worker {id}: cannot start a runtime: {e}")));
            return;
        }
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let services = match crate::server::make_services(&shared).await {
            Ok(s) => s,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                let _ = ready.send(Err(format!("worker {id}: {e}")));
                return;
            }
        };
        let worker = Rc::new(Worker {
            services,
            pools: RefCell::new(Vec::new()),
            metrics: RefCell::new(Metrics::default()),
            next_request: Cell::new(0),
            id_prefix: format!("{:08x}-{id:02x}-", shared.instance),
            shared,
        });
        let _ = ready.send(Ok(()));

        // Scrapes of /metrics (from whichever worker serves them).
        let w = Rc::clone(&worker);
        tokio::task::spawn_local(async move {
            while let Some(reply) = taps.recv().await {
                let _ = reply.send(w.metrics_snapshot());
            }
        });

        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let client_timeout = Duration::from_millis(worker.shared.config.client_timeout_ms);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let (stream, remote) = match accepted {
                        Ok(a) => a,
                        Err(e) => {
                            // Out of descriptors and the like: wait a
                            // little rather than spin.
                            tracing::warn!(worker = id, error = %e, "accept failed");
                            tokio::time::sleep(Duration::from_millis(10)).await;
                            continue;
                        }
                    };
                    let _ = stream.set_nodelay(true);
                    worker.metrics.borrow_mut().connections += 1;
                    let w = Rc::clone(&worker);
                    let service = hyper::service::service_fn(move |req| {
                        let w = Rc::clone(&w);
                        async move { Ok::<_, std::convert::Infallible>(w.handle(req, remote).await) }
                    });
                    let builder = connection_builder(client_timeout);
                    match worker.shared.tls.clone() {
                        None => {
                            let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
                            tokio::task::spawn_local(async move {
                                let _ = conn.await;
                            });
                        }
                        Some(acceptor) => {
                            // The handshake is part of the connection's
                            // task, bounded by the client timeout; the
                            // drain waits for it too.
                            let watcher = graceful.watcher();
                            tokio::task::spawn_local(async move {
                                let Ok(Ok(tls)) = tokio::time::timeout(client_timeout, acceptor.accept(stream)).await else {
                                    return;
                                };
                                let conn = watcher.watch(builder.serve_connection(TokioIo::new(tls), service));
                                let _ = conn.await;
                            });
                        }
                    }
                }
                _ = shutdown.changed() => break,
            }
        }
        drop(listener);
        let drain = Duration::from_millis(worker.shared.config.drain_timeout_ms);
        tokio::select! {
            _ = graceful.shutdown() => {}
            _ = tokio::time::sleep(drain) => {
                tracing::warn!(worker = id, "drain timeout: closing connections with requests in flight");
            }
        }
    });
}

/// How connections are served: HTTP/1.1 with keep-alive, and a client
/// that takes longer than `client_timeout` to send a request head is cut
/// off.
fn connection_builder(client_timeout: Duration) -> hyper::server::conn::http1::Builder {
    let mut b = hyper::server::conn::http1::Builder::new();
    b.timer(TokioTimer::new())
        .header_read_timeout(client_timeout);
    b
}

/// Counts a request in flight until dropped: also when hyper drops the
/// request's future before it finishes (a connection closed, the drain
/// timeout), so the gauge never leaks.
struct InFlight<'a>(&'a RefCell<Metrics>);

impl<'a> InFlight<'a> {
    fn start(metrics: &'a RefCell<Metrics>) -> InFlight<'a> {
        metrics.borrow_mut().in_flight += 1;
        InFlight(metrics)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        // No borrow of the metrics is held across an await, so none is
        // active when a future is dropped.
        if let Ok(mut m) = self.0.try_borrow_mut() {
            m.in_flight = m.in_flight.saturating_sub(1);
        }
    }
}

/// What went wrong with a request, as the client will see it.
struct Failure {
    status: StatusCode,
    /// The reason, for the client.
    reason: String,
    /// Whether the state must not serve again.
    discard: bool,
}

impl Failure {
    fn new(status: StatusCode, reason: impl Into<String>) -> Failure {
        Failure {
            status,
            reason: reason.into(),
            discard: true,
        }
    }
}

impl Worker {
    /// This worker's counts, with the idle states counted now.
    fn metrics_snapshot(&self) -> Metrics {
        let mut m = self.metrics.borrow().clone();
        m.states_idle = self
            .pools
            .borrow()
            .iter()
            .map(|p| p.idle.len() as u64)
            .sum();
        m
    }

    /// A request id: the client's `x-request-id` when it is sensible,
    /// else this process's, worker's and request's numbers.
    fn request_id(&self, req: &Request<Incoming>) -> RequestId {
        if let Some(v) = req.headers().get(&response::X_REQUEST_ID)
            && let Some(id) = RequestId::new(v.as_bytes())
        {
            return id;
        }
        let n = self.next_request.get();
        self.next_request.set(n + 1);
        RequestId::generated(&self.id_prefix, n)
    }

    /// Answers one request.
    async fn handle(
        self: Rc<Self>,
        req: Request<Incoming>,
        remote: SocketAddr,
    ) -> Response<Full<Bytes>> {
        let arrival = Instant::now();
        match req.uri().path() {
            "/healthz" => return response::text(StatusCode::OK, "ok\n"),
            "/readyz" => return crate::server::readyz(&self.shared),
            "/metrics" => return crate::server::metrics(&self.shared).await,
            "/" if self.shared.config.playground => {
                return crate::playground::page();
            }
            "/playground/run" if self.shared.config.playground => {
                return crate::playground::run(&self.shared, req).await;
            }
            crate::profile::PATH if self.shared.config.profiling => {
                return crate::profile::profile(req.uri().query()).await;
            }
            "/_bench/ok" | "/_bench/echo" if self.shared.config.bench_routes => {
                return self.bench_route(req, arrival).await;
            }
            _ => {}
        }
        let id = self.request_id(&req);
        let table = self.shared.routes.load_full();
        let Some((slot, route)) = table.get_slot(req.uri().path()) else {
            let resp =
                response::error(StatusCode::NOT_FOUND, "no route for this path", id.as_str());
            self.metrics
                .borrow_mut()
                .record("", 404, arrival.elapsed().as_secs_f64(), 0);
            return resp;
        };
        let in_flight = InFlight::start(&self.metrics);
        let (resp, instructions) = match self
            .run_route(route, slot, &table, req, remote, &id, arrival)
            .await
        {
            Ok((reply, instructions)) => (reply.into_response(&id), instructions),
            Err(f) => (response::error(f.status, &f.reason, id.as_str()), 0),
        };
        drop(in_flight);
        let mut m = self.metrics.borrow_mut();
        m.record(
            &route.path,
            resp.status().as_u16(),
            arrival.elapsed().as_secs_f64(),
            instructions,
        );
        resp
    }

    /// The benchmark baseline: `/_bench/ok` answers `{"ok":true}` and
    /// `/_bench/echo` parses the JSON body and writes it back, with
    /// serde_json, through the same request path as a script's route
    /// (request id, body limits, metrics) but no Lua.
    async fn bench_route(&self, req: Request<Incoming>, arrival: Instant) -> Response<Full<Bytes>> {
        let id = self.request_id(&req);
        let path = if req.uri().path() == "/_bench/ok" {
            "/_bench/ok"
        } else {
            "/_bench/echo"
        };
        let (parts, body) = req.into_parts();
        let resp = match self.read_body(&parts, body).await {
            Err(f) => response::error(f.status, &f.reason, id.as_str()),
            Ok(_) if path == "/_bench/ok" => {
                response::json(StatusCode::OK, &serde_json::json!({ "ok": true }))
            }
            Ok(body) => match serde_json::from_slice::<serde_json::Value>(&body) {
                Ok(v) => response::json(StatusCode::OK, &v),
                Err(e) => response::error(
                    StatusCode::BAD_REQUEST,
                    &format!("malformed JSON body: {e}"),
                    id.as_str(),
                ),
            },
        };
        let mut resp = resp;
        if let Ok(v) = HeaderValue::from_bytes(id.as_bytes()) {
            resp.headers_mut().insert(response::X_REQUEST_ID, v);
        }
        self.metrics.borrow_mut().record(
            path,
            resp.status().as_u16(),
            arrival.elapsed().as_secs_f64(),
            0,
        );
        resp
    }

    /// Reads the body, runs the route's handler and converts its answer.
    async fn run_route(
        &self,
        route: &Arc<Route>,
        slot: usize,
        table: &RouteTable,
        req: Request<Incoming>,
        remote: SocketAddr,
        id_buf: &RequestId,
        arrival: Instant,
    ) -> Result<(Reply, u64), Failure> {
        // The id's text, for the failure paths (made there: most requests
        // need none).
        let id = || id_buf.as_str();
        let limits = route.limits;
        let (parts, body) = req.into_parts();
        let body = self.read_body(&parts, body).await?;

        let checkout_start = Instant::now();
        let (mut loaded, reused) = match self.checkout(slot, table.generation) {
            Some(l) => (l, true),
            // Boxed: the rare path's large future stays out of every
            // request's future (which is moved as a whole).
            None => (
                Box::new(Box::pin(self.load(route, table, limits, id())).await?),
                false,
            ),
        };
        loaded.state.set_limits(limits.vm_limits(arrival));
        let mut reuse_time = reused.then(|| checkout_start.elapsed());
        // The request table goes in and the reply comes out as the VM's
        // own values (made while the handler's result is on its stack).
        let Loaded {
            state,
            handler,
            request: meta,
            ..
        } = &mut *loaded;
        let request = response::RequestParts {
            parts,
            body: &body,
            remote,
            id: id_buf,
        };
        let result = {
            let mut call = std::pin::pin!(response::call_handler(state, handler, meta, request));
            // Most handlers finish without waiting: the first poll gives
            // their result, and no timer is made for them (a script that
            // never waits is held to the deadline by the VM, which looks
            // at the clock as it runs). One that waits goes on under the
            // deadline's timer (which polls it first, as here).
            let first = std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx))).await;
            match first {
                Poll::Ready(r) => r,
                Poll::Pending => {
                    match tokio::time::timeout_at((arrival + limits.deadline).into(), call).await {
                        Ok(r) => r,
                        Err(_) => {
                            // The run was waiting (on I/O) when the deadline
                            // came: its future is dropped, and the state with
                            // it.
                            self.metrics.borrow_mut().limit_hit(Limit::Deadline);
                            return Err(Failure::new(
                                StatusCode::GATEWAY_TIMEOUT,
                                "deadline limit exceeded",
                            ));
                        }
                    }
                }
            }
        };
        let instructions = loaded.state.instructions_used();
        // The request's parts not made into fields go (a request table
        // the script kept no longer builds from them).
        response::end_request(&mut loaded.state, &loaded.request);
        let outcome = match result {
            Ok(reply) => reply.map_err(|why| {
                tracing::error!(request_id = id(), route = %route.path, error = %why, "bad handler result");
                Failure {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    reason: "internal server error".to_string(),
                    discard: false,
                }
            }),
            Err(e) => match response::thrown_reply(&mut loaded.state, &mut loaded.request, &e) {
                Some(reply) => Ok(reply),
                None => Err(self.script_failure(route, id(), &e)),
            },
        };
        match &outcome {
            Err(f) if f.discard => {}
            _ => {
                let reset_start = Instant::now();
                // The reset: remove the globals this request created.
                let added = loaded.added_globals.raw_len(&mut loaded.state).unwrap_or(0);
                let clean = added == 0
                    || loaded
                        .state
                        .call::<_, ()>(&loaded.remove_globals, ())
                        .is_ok();
                if clean {
                    self.checkin(slot, table.generation, loaded);
                } else {
                    reuse_time = None;
                }
                if let Some(t) = reuse_time {
                    // What reusing a state cost this request: the
                    // checkout with its limits, the reset, the checkin.
                    let mut m = self.metrics.borrow_mut();
                    m.state_reuses += 1;
                    m.state_reuse_seconds += (t + reset_start.elapsed()).as_secs_f64();
                }
            }
        }
        outcome.map(|r| (r, instructions))
    }

    /// Reads a request body of at most the configured size, within the
    /// client timeout.
    async fn read_body(
        &self,
        parts: &hyper::http::request::Parts,
        body: Incoming,
    ) -> Result<Bytes, Failure> {
        let config = &self.shared.config;
        let max = config.max_body_bytes;
        if let Some(n) = parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
            && n > max as u64
        {
            return Err(Failure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body over the limit of {max} bytes"),
            ));
        }
        if body.is_end_stream() {
            // No body (a GET): nothing to wait for.
            return Ok(Bytes::new());
        }
        let timeout = Duration::from_millis(config.client_timeout_ms);
        match tokio::time::timeout(timeout, Limited::new(body, max).collect()).await {
            Err(_) => Err(Failure::new(
                StatusCode::REQUEST_TIMEOUT,
                "request body not received in time",
            )),
            Ok(Err(e))
                if e.downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some() =>
            {
                Err(Failure::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("request body over the limit of {max} bytes"),
                ))
            }
            Ok(Err(e)) => Err(Failure::new(
                StatusCode::BAD_REQUEST,
                format!("cannot read the request body: {e}"),
            )),
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
        }
    }

    /// An idle state of the route in `slot` from the current generation.
    fn checkout(&self, slot: usize, generation: u64) -> Option<Box<Loaded>> {
        let mut pools = self.pools.borrow_mut();
        let pool = pools.get_mut(slot)?;
        if pool.generation != generation {
            // The scripts were reloaded: the old states go.
            pool.idle.clear();
            pool.generation = generation;
            return None;
        }
        pool.idle.pop()
    }

    /// Returns a state to its route's idle list (or drops it when the
    /// list is full or the scripts were reloaded since).
    fn checkin(&self, slot: usize, generation: u64, loaded: Box<Loaded>) {
        let mut pools = self.pools.borrow_mut();
        if pools.len() <= slot {
            // A new pool's generation 0 is older than every table's.
            pools.resize_with(slot + 1, || RoutePool {
                generation: 0,
                idle: Vec::new(),
            });
        }
        self.put_back(&mut pools[slot], generation, loaded);
    }

    /// Adds a state to `pool` (see `checkin`).
    fn put_back(&self, pool: &mut RoutePool, generation: u64, loaded: Box<Loaded>) {
        if pool.generation != generation {
            if pool.generation > generation {
                return;
            }
            pool.idle.clear();
            pool.generation = generation;
        }
        if pool.idle.len() < self.shared.config.idle_states {
            pool.idle.push(loaded);
        }
    }

    /// Makes a state for `route`: the libraries, the host modules, and
    /// the script run once for its handler.
    async fn load(
        &self,
        route: &Route,
        table: &RouteTable,
        limits: RequestLimits,
        id: &str,
    ) -> Result<Loaded, Failure> {
        self.metrics.borrow_mut().states_created += 1;
        let mut state = table.builder.clone().build();
        let fail = |e: &lunar::Error| self.script_failure(route, id, e);
        host_api::install(&mut state, &self.services).map_err(|e| fail(&e))?;
        state.set_limits(limits.vm_limits(Instant::now()));
        let request = response::RequestMeta::new(&mut state);
        let value: Value = state
            .run_async(&route.program)
            .await
            .map_err(|e| fail(&e))?;
        match value {
            Value::Function(handler) => {
                let (added_globals, remove_globals): (Table, Function) =
                    state.run(globals_guard_program()).map_err(|e| fail(&e))?;
                Ok(Loaded {
                    state,
                    handler,
                    request,
                    added_globals,
                    remove_globals,
                })
            }
            other => {
                tracing::error!(
                    request_id = id,
                    route = %route.path,
                    "{}: the script must return its handler function, not a {} value",
                    route.file,
                    other.type_name()
                );
                Err(Failure::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal server error",
                ))
            }
        }
    }

    /// The response for an error a script raised (or a limit it broke),
    /// logged with the request id. The client sees the limit's name or
    /// "internal server error", never the script's message.
    fn script_failure(&self, route: &Route, id: &str, e: &lunar::Error) -> Failure {
        if let ErrorKind::Limit(limit) = e.kind() {
            self.metrics.borrow_mut().limit_hit(*limit);
            let status = match limit {
                Limit::Deadline => StatusCode::GATEWAY_TIMEOUT,
                Limit::Instructions | Limit::Memory | Limit::Interrupt => {
                    StatusCode::SERVICE_UNAVAILABLE
                }
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            tracing::warn!(request_id = id, route = %route.path, limit = limit.name(), "request stopped by a limit");
            let reason = match limit {
                Limit::Interrupt => "server shutting down".to_string(),
                _ => format!("{} limit exceeded", limit.name()),
            };
            return Failure::new(status, reason);
        }
        let trace = e.traceback_text().unwrap_or("");
        tracing::error!(request_id = id, route = %route.path, error = %e.message(), traceback = trace, "script error");
        Failure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            reason: "internal server error".to_string(),
            // A Lua error unwinds cleanly: the state can serve again.
            discard: !matches!(e.kind(), ErrorKind::Runtime),
        }
    }
}

/// The chunk run after a script's top level: from then on, the state's
/// `_G` records the keys of globals created, and the function it returns
/// removes them (run after each request that created any).
fn globals_guard_program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let source = r#"
            local rawset, G = rawset, _G
            local added = {}
            setmetatable(G, { __newindex = function(t, k, v)
                rawset(t, k, v)
                added[#added + 1] = k
            end })
            return added, function()
                for i = #added, 1, -1 do
                    rawset(G, added[i], nil)
                    added[i] = nil
                end
            end
        "#;
        Program::compile("=(lunar serve)", source).expect("the globals guard chunk compiles")
    })
}
