//! `lunar serve`: every Lua script under a folder is an HTTP route, served
//! on every core.
//!
//! `DIR/api/users.lua` serves `/api/users`. A script returns its handler,
//! which gets a request table and returns a string, a table (sent as
//! JSON) or `{status=, headers=, body=}`:
//!
//! ```lua
//! -- DIR/api/hello.lua
//! return function(req)
//!   local name = req.query.name or "world"
//!   kv.incr("hits")
//!   return { greeting = "hello, " .. name }
//! end
//! ```
//!
//! The pieces: [`Config`] (TOML and flags), the route table (`routes`:
//! compiled scripts, shared read-only and swapped whole on reload), the
//! workers (`worker`: one thread and single-threaded runtime per core,
//! each with its own states), the host modules scripts call to wait on
//! I/O without blocking ([`host_api`]: `sleep`, `http`, `kv`, `json`),
//! metrics, hot reload and the playground.
//!
//! ```no_run
//! let config = lunar_server::Config { dir: "routes".into(), ..Default::default() };
//! let server = lunar_server::Server::start(config).unwrap();
//! println!("listening on {}", server.local_addr());
//! server.run_until_signal().unwrap();
//! ```

#![forbid(unsafe_code)]

mod config;
pub mod host_api;
pub mod http_client;
pub mod kv;
mod metrics;
mod playground;
mod profile;
mod reload;
mod response;
mod routes;
mod server;
mod worker;

pub use config::{
    Config, DEFAULT_LIMITS, DEFAULT_MAX_LIMITS, HttpSettings, KvSettings, LimitSettings, LogFormat,
    RequestLimits, TlsSettings, cpu_list_text, parse_cpu_list,
};
pub use server::{Server, init_logging};
