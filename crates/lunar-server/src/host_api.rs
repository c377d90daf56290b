//! The host modules of `lunar serve`: the globals `sleep`, `http`, `kv`
//! and `json` that scripts call, and JSON for the server's own use
//! ([`to_json`], [`from_json`]).
//!
//! # What scripts see
//!
//! `sleep`, `http` and `kv` wait without blocking a thread: the script is
//! suspended while the worker serves other requests. They work inside
//! `pcall` and coroutines; inside a function Lua calls where yielding is
//! not allowed (a `table.sort` comparator, a `__gc`) they fail with
//! "attempt to yield across a C-call boundary".
//!
//! - `sleep(seconds)`: waits `seconds` (a number ≥ 0, fractions
//!   allowed).
//! - `http.get(url [, opts])`, `http.post(url, body [, opts])`,
//!   `http.request{method=, url=, headers=, body=, timeout=}`
//!   (`method` defaults to `"GET"`, `body` to `""`). `opts` may hold
//!   `timeout` (seconds; the server's configured timeout by default) and
//!   `headers` (a table of name → string). The result is a table
//!   `{status = 200, headers = {["content-type"] = "..."}, body = "..."}`
//!   with header names in lower case (repeated fields joined with `", "`),
//!   or `nil, message` when the request fails on the network, times out
//!   or its response is too large. A URL whose host is not in the
//!   server's allowlist raises the error `http: host 'example.com' is not
//!   allowed`; a malformed URL, method or header raises an error too.
//!   Redirects are not followed. `https://` works (certificates checked
//!   against Mozilla's root certificates, built in); a certificate that
//!   does not verify is a failure like any other (`nil, message`).
//! - `kv.get(key)` → the value (a string) or `nil`;
//!   `kv.set(key, value [, ttl_seconds])` (a number value is stored as
//!   its text, as Redis stores it; `ttl_seconds` > 0);
//!   `kv.incr(key [, by])` → the new integer (`by` defaults to 1; a
//!   missing key counts as 0; a value that is not an integer raises
//!   `kv: ERR value is not an integer or out of range`, as Redis words
//!   it); `kv.expire(key, seconds)` → whether the key exists (0 or less
//!   deletes it); `kv.del(key)` → whether it existed. The store is the
//!   server's: in-process by default, Redis when configured, with the
//!   same behaviour. A backend failure raises `kv: <reason>`.
//! - `json.encode(value)` → a string; `json.decode(string)` → a value;
//!   `json.null`, the value JSON `null` decodes to (anywhere, object
//!   fields included) and that encodes as `null` (it is a light userdata,
//!   the host's `lunar::Value::NULL`). A table whose keys are exactly
//!   `1..n` (n ≥ 1) is an array; any other table is an object, with
//!   string keys, integer keys written as strings and other keys an
//!   error; so an empty table encodes as `{}`, and `[]` decodes to an
//!   empty table. Integers stay integers; floats are written so that they
//!   read back as floats (`1.0`); NaN and infinities, functions,
//!   userdata, strings that are not UTF-8, cycles and nesting deeper
//!   than 200 levels are errors. Metatables are not consulted. Errors
//!   read `json.encode: ...` and `json.decode: ... at line L column C`
//!   (columns count bytes).

mod json;

use crate::http_client::{HttpClient, HttpError, HttpResponse};
use crate::kv::{Kv, KvError};
use lunar::raw::{State as Vm, Value as Raw};
use lunar::{Ctx, Error, FromLua, IntoLua, IntoLuaMulti, LuaString, MultiValue, Table, Value};
use std::time::Duration;

/// What the host modules reach: the key-value store and the HTTP client
/// (both cheap to clone and shared by every worker).
#[derive(Clone)]
pub struct HostServices {
    /// The store behind `kv`.
    pub kv: Kv,
    /// The client behind `http`.
    pub http: HttpClient,
}

/// Installs the globals `sleep`, `http`, `kv` and `json` in `state`.
/// `sleep`, `http` and `kv` wait, so a script calls them only inside an
/// asynchronous run (`State::call_async`, `State::run_async`).
///
/// ```
/// use lunar_server::host_api::{self, HostServices};
/// use lunar_server::{http_client::*, kv::Kv};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut state = lunar::State::new();
/// let services = HostServices { kv: Kv::memory(), http: HttpClient::new(HttpClientConfig::default()) };
/// host_api::install(&mut state, &services).unwrap();
/// let p = lunar::Program::compile("t.lua", r#"
///     kv.set("hits", 1)
///     sleep(0.001)
///     return json.encode({hits = kv.incr("hits"), ok = true})
/// "#).unwrap();
/// let body: String = state.run_async(&p).await.unwrap();
/// assert!(body == r#"{"hits":2,"ok":true}"# || body == r#"{"ok":true,"hits":2}"#);
/// # });
/// ```
pub fn install(state: &mut lunar::State, services: &HostServices) -> lunar::Result<()> {
    install_json(state.vm());
    let mut cx = state.ctx();
    let sleep = cx.create_async_function(|Seconds(d): Seconds| async move {
        tokio::time::sleep(d).await;
        Ok(())
    });
    cx.set_global("sleep", sleep)?;
    install_kv(&mut cx, &services.kv)?;
    install_http(&mut cx, &services.http)?;
    Ok(())
}

/// The JSON text of `value` (the rules of `json.encode`; errors read
/// `json.encode: ...`).
///
/// ```
/// let mut state = lunar::State::new();
/// let v: lunar::Value = state.exec("t.lua", "return {1, 2.0, 'x', {}}").unwrap();
/// let text = lunar_server::host_api::to_json(&mut state, &v).unwrap();
/// assert_eq!(text, br#"[1,2.0,"x",{}]"#);
/// ```
pub fn to_json(lua: &mut impl lunar::Lua, value: &Value) -> lunar::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    to_json_into(lua, value, &mut out)?;
    Ok(out)
}

/// Appends the JSON text of `value` to `out` (as [`to_json`], for a
/// caller that reuses its buffer). On an error `out` may hold part of
/// the text.
pub fn to_json_into(
    lua: &mut impl lunar::Lua,
    value: &Value,
    out: &mut Vec<u8>,
) -> lunar::Result<()> {
    let mut cx = lua.ctx();
    // Valid while `value` lives, which is for the whole walk.
    let raw = cx.to_raw(value)?;
    match json::encode(cx.vm(), raw, out, false) {
        Ok(()) => Ok(()),
        Err(json::EncodeError::Invalid(m)) => Err(Error::runtime(format!("json.encode: {m}"))),
        // Only charging fails with a VM error, and this walk charges
        // nothing.
        Err(json::EncodeError::Vm(_)) => Err(Error::runtime("json.encode: stopped by a limit")),
    }
}

/// Appends the JSON text of a VM value to `out`, for the server's own
/// responses (no rooted handle made); the error is `json.encode`'s
/// message. The value must stay reachable for the call (it is: a
/// handler's result is held by the caller).
pub(crate) fn raw_to_json(vm: &mut Vm, v: Raw, out: &mut Vec<u8>) -> Result<(), String> {
    match json::encode(vm, v, out, false) {
        Ok(()) => Ok(()),
        Err(json::EncodeError::Invalid(m)) => Err(format!("json.encode: {m}")),
        Err(json::EncodeError::Vm(_)) => Err("json.encode: stopped by a limit".to_string()),
    }
}

/// The Lua value of the JSON text `bytes` (the rules of `json.decode`;
/// errors read `json.decode: ... at line L column C`).
///
/// ```
/// let mut state = lunar::State::new();
/// let v = lunar_server::host_api::from_json(&mut state, br#"{"ids": [1, 2], "name": "x"}"#).unwrap();
/// state.set_global("v", v).unwrap();
/// assert_eq!(state.exec::<i64>("t.lua", "return v.ids[1] + v.ids[2]").unwrap(), 3);
/// let err = lunar_server::host_api::from_json(&mut state, b"[1,\n 2,]").unwrap_err();
/// assert_eq!(err.message(), "json.decode: unexpected character ']' at line 2 column 4");
/// ```
pub fn from_json(lua: &mut impl lunar::Lua, bytes: &[u8]) -> lunar::Result<Value> {
    let mut cx = lua.ctx();
    match json::decode(cx.vm(), bytes) {
        // Nothing can collect between the decoding and the rooting.
        Ok(raw) => Ok(cx.from_raw(raw)),
        Err(e) => Err(Error::runtime(format!("json.decode: {}", e.message(bytes)))),
    }
}

// ----- json -----

fn install_json(vm: &mut Vm) {
    let t = vm.new_table(0, 3);
    vm.set_field(t, "encode", Raw::LightFn(json_encode));
    vm.set_field(t, "decode", Raw::LightFn(json_decode));
    vm.set_field(t, "null", json::NULL);
    vm.set_global("json", Raw::Table(t));
}

/// `json.encode(value)`.
fn json_encode(vm: &mut Vm) -> Result<usize, lunar::vm::Error> {
    let v = vm.check_any(1)?;
    let mut out = Vec::with_capacity(128);
    match json::encode(vm, v, &mut out, true) {
        Ok(()) => {
            // A safe point: the value is still an argument on the stack.
            vm.check_memory(out.len())?;
            let s = vm.new_str_from_vec(out);
            vm.push(Raw::Str(s));
            Ok(1)
        }
        Err(json::EncodeError::Invalid(m)) => Err(vm.error_str(&format!("json.encode: {m}"))),
        Err(json::EncodeError::Vm(e)) => Err(e),
    }
}

/// `json.decode(string)`.
fn json_decode(vm: &mut Vm) -> Result<usize, lunar::vm::Error> {
    let s = vm.check_string(1)?;
    // Charged before anything is made: charging may collect, and the
    // values being decoded are anchored nowhere until pushed.
    vm.charge(s.len() as u64 / 8 + 1)?;
    match json::decode(vm, s.as_bytes()) {
        Ok(v) => {
            vm.push(v);
            vm.check_memory(0)?;
            Ok(1)
        }
        Err(e) => {
            let msg = format!("json.decode: {}", e.message(s.as_bytes()));
            Err(vm.error_str(&msg))
        }
    }
}

// ----- argument types -----

/// A string argument's bytes; a number is taken as its text (as
/// `tostring` writes it, as Redis stores it).
struct Bytes(Vec<u8>);

impl FromLua for Bytes {
    fn from_lua(value: Value, _: &mut Ctx<'_>) -> lunar::Result<Bytes> {
        match value {
            Value::String(s) => Ok(Bytes(s.as_bytes().to_vec())),
            Value::Integer(i) => Ok(Bytes(lunar::vm::api::number_to_bytes(Raw::Int(i)))),
            Value::Number(f) => Ok(Bytes(lunar::vm::api::number_to_bytes(Raw::Float(f)))),
            v => Err(Error::conversion(v.type_name(), "string", None)),
        }
    }
}

/// A result string made from bytes (a `Vec<u8>` would be a sequence).
struct ByteString(Vec<u8>);

impl IntoLua for ByteString {
    fn into_lua(self, cx: &mut Ctx<'_>) -> lunar::Result<Value> {
        Ok(Value::String(cx.create_string(self.0)))
    }
}

/// A number of seconds ≥ 0 as a duration.
struct Seconds(Duration);

impl FromLua for Seconds {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> lunar::Result<Seconds> {
        let f = f64::from_lua(value, cx)?;
        if f.is_nan() || f < 0.0 {
            return Err(bad_number("seconds must be a non-negative number"));
        }
        // Beyond what Duration holds: as good as forever.
        Ok(Seconds(
            Duration::try_from_secs_f64(f).unwrap_or(Duration::MAX),
        ))
    }
}

/// A time to live for `kv.set`: seconds > 0.
struct Ttl(Duration);

impl FromLua for Ttl {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> lunar::Result<Ttl> {
        let f = f64::from_lua(value, cx)?;
        if f.is_nan() || f <= 0.0 {
            return Err(bad_number("ttl must be a positive number of seconds"));
        }
        Ok(Ttl(Duration::try_from_secs_f64(f).unwrap_or(Duration::MAX)))
    }
}

/// A time to live for `kv.expire`: seconds, 0 or less meaning now.
struct ExpireIn(Duration);

impl FromLua for ExpireIn {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> lunar::Result<ExpireIn> {
        let f = f64::from_lua(value, cx)?;
        if f.is_nan() {
            return Err(bad_number("seconds must be a number"));
        }
        Ok(ExpireIn(
            Duration::try_from_secs_f64(f.max(0.0)).unwrap_or(Duration::MAX),
        ))
    }
}

/// A conversion error for a number argument, worded by `detail` (Lua
/// sees `bad argument #n to 'f' (detail)`).
fn bad_number(detail: &str) -> Error {
    Error::conversion("number", "number", Some(detail))
}

// ----- kv -----

fn kv_error(e: KvError) -> Error {
    Error::runtime(format!("kv: {e}"))
}

fn install_kv(cx: &mut Ctx<'_>, kv: &Kv) -> lunar::Result<()> {
    let t = cx.create_table_with_capacity(0, 5);

    let store = kv.clone();
    let get = cx.create_async_function(move |Bytes(key): Bytes| {
        let kv = store.clone();
        async move {
            let v = kv.get(&key).await.map_err(kv_error)?;
            Ok(v.map(ByteString))
        }
    });
    t.raw_set(cx, "get", get)?;

    let store = kv.clone();
    let set = cx.create_async_function(
        move |(Bytes(key), Bytes(value), ttl): (Bytes, Bytes, Option<Ttl>)| {
            let kv = store.clone();
            async move {
                kv.set(&key, &value, ttl.map(|t| t.0))
                    .await
                    .map_err(kv_error)
            }
        },
    );
    t.raw_set(cx, "set", set)?;

    let store = kv.clone();
    let incr = cx.create_async_function(move |(Bytes(key), by): (Bytes, Option<i64>)| {
        let kv = store.clone();
        async move { kv.incr(&key, by.unwrap_or(1)).await.map_err(kv_error) }
    });
    t.raw_set(cx, "incr", incr)?;

    let store = kv.clone();
    let expire = cx.create_async_function(move |(Bytes(key), ExpireIn(ttl)): (Bytes, ExpireIn)| {
        let kv = store.clone();
        async move { kv.expire(&key, ttl).await.map_err(kv_error) }
    });
    t.raw_set(cx, "expire", expire)?;

    let store = kv.clone();
    let del = cx.create_async_function(move |Bytes(key): Bytes| {
        let kv = store.clone();
        async move { kv.del(&key).await.map_err(kv_error) }
    });
    t.raw_set(cx, "del", del)?;

    cx.set_global("kv", t)
}

// ----- http -----

/// The options of `http.get`/`http.post`.
#[derive(Default)]
struct RequestOpts {
    timeout: Option<Duration>,
    headers: Vec<(String, Vec<u8>)>,
}

impl FromLua for RequestOpts {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> lunar::Result<RequestOpts> {
        let t = Table::from_lua(value, cx)?;
        read_opts(cx, &t)
    }
}

fn read_opts(cx: &mut Ctx<'_>, t: &Table) -> lunar::Result<RequestOpts> {
    let timeout: Option<Value> = t.get(cx, "timeout")?;
    let timeout = match timeout {
        None | Some(Value::Nil) => None,
        Some(v) => Some(
            Seconds::from_lua(v, cx)
                .map_err(|e| field_error("timeout", &e))?
                .0,
        ),
    };
    let headers = match t.get::<_, Option<Table>>(cx, "headers") {
        Ok(None) => Vec::new(),
        Ok(Some(h)) => {
            let pairs: Vec<(String, Bytes)> =
                h.pairs(cx).map_err(|e| field_error("headers", &e))?;
            pairs.into_iter().map(|(n, Bytes(v))| (n, v)).collect()
        }
        Err(e) => return Err(field_error("headers", &e)),
    };
    Ok(RequestOpts { timeout, headers })
}

/// A conversion error inside an options table, naming the field.
fn field_error(field: &str, e: &Error) -> Error {
    Error::conversion(
        "table",
        "table",
        Some(&format!("field '{field}': {}", e.message())),
    )
}

/// The table of `http.request`.
struct RequestSpec {
    method: String,
    url: String,
    body: Vec<u8>,
    opts: RequestOpts,
}

impl FromLua for RequestSpec {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> lunar::Result<RequestSpec> {
        let t = Table::from_lua(value, cx)?;
        let method = match t.get::<_, Option<String>>(cx, "method") {
            Ok(m) => m.unwrap_or_else(|| "GET".to_string()),
            Err(e) => return Err(field_error("method", &e)),
        };
        let url = match t.get::<_, Option<String>>(cx, "url") {
            Ok(Some(u)) => u,
            Ok(None) => {
                return Err(field_error(
                    "url",
                    &Error::runtime("string expected, got nil"),
                ));
            }
            Err(e) => return Err(field_error("url", &e)),
        };
        let body = match t.get::<_, Option<Bytes>>(cx, "body") {
            Ok(b) => b.map(|b| b.0).unwrap_or_default(),
            Err(e) => return Err(field_error("body", &e)),
        };
        let opts = read_opts(cx, &t)?;
        Ok(RequestSpec {
            method,
            url,
            body,
            opts,
        })
    }
}

/// What an `http` function returns: the response table, or `nil` and
/// the message of an I/O failure.
struct HttpResult(Result<HttpResponse, HttpError>);

impl IntoLuaMulti for HttpResult {
    fn into_lua_multi(self, cx: &mut Ctx<'_>) -> lunar::Result<MultiValue> {
        let resp = match self.0 {
            Ok(r) => r,
            Err(e) => {
                let msg = cx.create_string(e.to_string());
                return Ok(MultiValue(vec![Value::Nil, Value::String(msg)]));
            }
        };
        // Repeated fields joined as one (RFC 9110 §5.3), in order.
        let mut fields: Vec<(String, Vec<u8>)> = Vec::with_capacity(resp.headers.len());
        for (name, value) in resp.headers {
            match fields.iter_mut().find(|(n, _)| *n == name) {
                Some((_, v)) => {
                    v.extend_from_slice(b", ");
                    v.extend_from_slice(&value);
                }
                None => fields.push((name, value)),
            }
        }
        let headers = cx.create_table_with_capacity(0, fields.len());
        for (name, value) in fields {
            let v: LuaString = cx.create_string(value);
            headers.raw_set(cx, name, v)?;
        }
        let t = cx.create_table_with_capacity(0, 3);
        t.raw_set(cx, "status", resp.status as i64)?;
        t.raw_set(cx, "headers", headers)?;
        let body = cx.create_string(resp.body);
        t.raw_set(cx, "body", body)?;
        Ok(MultiValue(vec![Value::Table(t)]))
    }
}

/// Sends a request for a script: refusals (a host not allowed, a bad
/// URL) are raised; I/O failures come back as `nil, message`.
async fn send(
    http: HttpClient,
    method: String,
    url: String,
    opts: RequestOpts,
    body: Vec<u8>,
) -> lunar::Result<HttpResult> {
    match http
        .request(&method, &url, opts.headers, body, opts.timeout)
        .await
    {
        Err(e) if e.is_refusal() => Err(Error::runtime(e.to_string())),
        r => Ok(HttpResult(r)),
    }
}

fn install_http(cx: &mut Ctx<'_>, http: &HttpClient) -> lunar::Result<()> {
    let t = cx.create_table_with_capacity(0, 3);

    let client = http.clone();
    let get = cx.create_async_function(move |(url, opts): (String, Option<RequestOpts>)| {
        send(
            client.clone(),
            "GET".into(),
            url,
            opts.unwrap_or_default(),
            Vec::new(),
        )
    });
    t.raw_set(cx, "get", get)?;

    let client = http.clone();
    let post = cx.create_async_function(
        move |(url, Bytes(body), opts): (String, Bytes, Option<RequestOpts>)| {
            send(
                client.clone(),
                "POST".into(),
                url,
                opts.unwrap_or_default(),
                body,
            )
        },
    );
    t.raw_set(cx, "post", post)?;

    let client = http.clone();
    let request = cx.create_async_function(move |spec: RequestSpec| {
        send(client.clone(), spec.method, spec.url, spec.opts, spec.body)
    });
    t.raw_set(cx, "request", request)?;

    cx.set_global("http", t)
}

#[cfg(test)]
mod tests;
