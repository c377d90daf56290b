//! Requests as Lua sees them and handlers' answers as HTTP responses.
//!
//! A handler gets one table:
//! `{method=, path=, query=, raw_query=, headers=, body=, remote_addr=,
//! id=}` with `req:json()` to decode the body. `query` maps each
//! parameter to its value (a list of values when it repeats); `headers`
//! maps lower-case names to values (repeated headers joined with ", ").
//!
//! Only `method`, `path` and `body` are set when the table is made; the
//! other fields are made on first read (most handlers read none of them,
//! and a request then makes no string for a header), through the
//! table's metatable, and stored in the table. So `req.headers` reads as
//! before, but `pairs(req)`, `next` and `rawget` see a lazy field only
//! once it was read (OpenResty makes headers a call,
//! `ngx.req.get_headers()`; here they stay a field). A request table
//! kept past its request (in an upvalue, read by a later request) keeps
//! the fields read in time; the others are then empty (`headers`,
//! `query`) or nil (`raw_query`, `remote_addr`, `id`): the request's
//! parts are dropped when it ends rather than copied for every request
//! in case one is kept ([`request_table`]).
//!
//! What a handler returns becomes the response:
//! - a string: 200, `text/plain; charset=utf-8`;
//! - a table with any of the fields `status`, `headers`, `body`: that
//!   response (status 200 by default; a table `body` is sent as JSON);
//! - any other table, a number or a boolean: 200, sent as JSON;
//! - nothing (`nil`): 204.
//!
//! An error value that is such a response table with a status of 400 or
//! more (`error({status = 403, body = "no"})`) is sent as it is, and
//! `{status = 400, error = "why"}` as `{"error": "why", ...}`: that is how
//! `req:json()` answers a malformed body. Any other error is a 500 whose
//! body gives only the request id; the message goes to the log.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderName};
use hyper::{Response, StatusCode};
use lunar::vm::{Gc, State as Vm, Table, Value as Raw};
use lunar::{State, Value};
use std::net::SocketAddr;

/// The content type of text answers.
const TEXT: &str = "text/plain; charset=utf-8";
/// The content type of JSON answers.
const JSON: &str = "application/json";

/// The request id's header (made once: a name given as a string is
/// parsed at every use).
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A response a handler gave, ready to send.
#[derive(Debug)]
pub struct Reply {
    status: StatusCode,
    headers: Vec<(HeaderName, hyper::header::HeaderValue)>,
    content_type: Option<&'static str>,
    body: Bytes,
}

impl Reply {
    /// The HTTP response, with the request id in `x-request-id`.
    pub fn into_response(self, id: &RequestId) -> Response<Full<Bytes>> {
        let mut resp = Response::new(Full::new(self.body));
        *resp.status_mut() = self.status;
        let h = resp.headers_mut();
        if let Some(ct) = self.content_type {
            h.insert(CONTENT_TYPE, hyper::header::HeaderValue::from_static(ct));
        }
        for (name, value) in self.headers {
            h.append(name, value);
        }
        if let Ok(v) = hyper::header::HeaderValue::from_bytes(id.as_bytes()) {
            h.insert(X_REQUEST_ID, v);
        }
        resp
    }
}

/// A plain-text response.
pub fn text(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::copy_from_slice(body.as_bytes())));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, hyper::header::HeaderValue::from_static(TEXT));
    resp
}

/// A JSON response.
pub fn json(status: StatusCode, body: &serde_json::Value) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, hyper::header::HeaderValue::from_static(JSON));
    resp
}

/// An error response: `{"error": reason, "request_id": id}`.
pub fn error(status: StatusCode, reason: &str, id: &str) -> Response<Full<Bytes>> {
    let mut resp = json(
        status,
        &serde_json::json!({ "error": reason, "request_id": id }),
    );
    if let Ok(v) = hyper::header::HeaderValue::from_str(id) {
        resp.headers_mut().insert(X_REQUEST_ID, v);
    }
    resp
}

/// The per-state pieces of request tables, made once when a state is
/// loaded: the metatable, the interned field names and the slot that
/// holds the current request's lazily built parts.
pub struct RequestMeta {
    /// `{__index = <native>}`: `req:json()` and the lazy fields.
    meta: Value,
    /// The field names, a list in the order of [`Field`].
    keys: Value,
    /// A userdata holding a [`Pending`]: the current request's headers
    /// and URI until its table builds `headers` and `query` from them.
    slot: Value,
    /// The buffer JSON answers are written in before they are copied
    /// out: one allocation per answer (its `Bytes`), not two.
    scratch: Vec<u8>,
}

impl RequestMeta {
    /// Makes a state's request metatable, its methods (`req:json()`)
    /// and the interned field names.
    pub fn new(state: &mut State) -> RequestMeta {
        let mut cx = state.ctx();
        // Nothing collects between these allocations (no safe point), and
        // the results are rooted before this returns.
        let vm = cx.vm();
        let keys = vm.new_table(FIELD_NAMES.len() + CACHES, 0);
        for (i, name) in FIELD_NAMES.iter().enumerate() {
            let v = vm.str_value(name.as_bytes());
            keys.set_int(vm.heap(), i as i64 + 1, v);
        }
        let methods = vm.new_table(0, 1);
        let json = vm.new_native(request_json, &[Raw::Table(keys)]);
        vm.set_field(methods, "json", json);
        let slot = vm.new_userdata(Box::new(Pending::default()));
        let index = vm.new_native(
            request_index,
            &[Raw::Table(methods), Raw::Table(keys), slot],
        );
        let meta = vm.new_table(0, 1);
        vm.set_field(meta, "__index", index);
        RequestMeta {
            meta: cx.from_raw(Raw::Table(meta)),
            keys: cx.from_raw(Raw::Table(keys)),
            slot: cx.from_raw(slot),
            scratch: Vec::new(),
        }
    }
}

/// `req:json()`: the body (`req.body`) decoded as `json.decode` does. A
/// body that is not JSON raises `{status = 400, error = "malformed JSON
/// body: why"}`, which answers 400 unless the script catches it.
/// Upvalue: the field-name list.
fn request_json(vm: &mut Vm) -> Result<usize, lunar::vm::Error> {
    let req = vm.check_table(1)?;
    let key = match vm.upvalue(1) {
        Raw::Table(keys) => keys.get_int(Field::Body as i64 + 1),
        _ => Raw::Nil,
    };
    // As a script reads it (a script may have replaced it).
    let body = vm.index(Raw::Table(req), key)?;
    let Raw::Str(text) = body else {
        let why = format!(
            "bad argument #1 to 'decode' (string expected, got {})",
            body.type_name()
        );
        return Err(bad_body(vm, &why));
    };
    // Charged before anything is made (charging may collect; the body
    // is held by the request table, an argument).
    vm.charge(text.len() as u64 / 8 + 1)?;
    let mut cx = lunar::Ctx::new(vm);
    match crate::host_api::from_json(&mut cx, text.as_bytes()) {
        Ok(value) => {
            let raw = match cx.to_raw(&value) {
                Ok(raw) => raw,
                Err(e) => return Err(cx.raise(e)),
            };
            let vm = cx.vm();
            vm.push(raw);
            drop(value);
            // A safe point: the value is on the stack.
            vm.check_memory(0)?;
            Ok(1)
        }
        Err(e) => {
            let why = e.message();
            let why = why.strip_prefix("json.decode: ").unwrap_or(why).to_string();
            Err(bad_body(cx.vm(), &why))
        }
    }
}

/// The error `req:json()` raises for a body that is not JSON.
fn bad_body(vm: &mut Vm, why: &str) -> lunar::vm::Error {
    let t = vm.new_table(0, 2);
    vm.set_field(t, "status", Raw::Int(400));
    let msg = vm.str_value(format!("malformed JSON body: {why}").as_bytes());
    vm.set_field(t, "error", msg);
    vm.raise(Raw::Table(t))
}

/// What a request table builds on first access: the request's headers
/// and URI (for `query` and `raw_query`), moved out of the hyper request
/// (no copy), its peer's address and its id, for the table at address
/// `table` only. A state serves one request at a time, so one slot per
/// state is enough; it is emptied when the request ends
/// ([`end_request`]).
#[derive(Default)]
struct Pending {
    /// The address of the request table these parts belong to (0: none).
    table: usize,
    /// The parts (`None` between requests: storing a request's parts
    /// then drops nothing).
    parts: Option<LazyParts>,
}

/// The parts of one request that wait in its state's [`Pending`].
struct LazyParts {
    headers: hyper::HeaderMap,
    uri: hyper::Uri,
    remote: SocketAddr,
    id: RequestId,
}

/// The longest request id taken from a client's `x-request-id`.
pub const MAX_REQUEST_ID: usize = 128;

/// A request id, held inline (a request allocates nothing for it): the
/// client's `x-request-id` or one the worker made. Always visible ASCII.
#[derive(Clone, Copy)]
pub struct RequestId {
    len: u8,
    bytes: [u8; MAX_REQUEST_ID],
}

impl RequestId {
    /// `text` as an id when it is sensible: 1 to [`MAX_REQUEST_ID`]
    /// bytes of visible ASCII.
    pub fn new(text: &[u8]) -> Option<RequestId> {
        if text.is_empty() || text.len() > MAX_REQUEST_ID || !text.iter().all(u8::is_ascii_graphic)
        {
            return None;
        }
        let mut id = RequestId {
            len: text.len() as u8,
            bytes: [0; MAX_REQUEST_ID],
        };
        id.bytes[..text.len()].copy_from_slice(text);
        Some(id)
    }

    /// An id the worker makes: `prefix` (visible ASCII, at most 96
    /// bytes) then `n` in lower-case hex.
    pub fn generated(prefix: &str, n: u64) -> RequestId {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut id = RequestId {
            len: 0,
            bytes: [0; MAX_REQUEST_ID],
        };
        let p = prefix.len().min(MAX_REQUEST_ID - 16);
        id.bytes[..p].copy_from_slice(&prefix.as_bytes()[..p]);
        let digits = ((64 - n.leading_zeros() as usize).div_ceil(4)).max(1);
        for i in 0..digits {
            id.bytes[p + digits - 1 - i] = HEX[((n >> (4 * i)) & 15) as usize];
        }
        id.len = (p + digits) as u8;
        id
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        // Visible ASCII only (checked or written above): always UTF-8.
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The id's bytes (its text, without the check that makes a `str`).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

/// The request table of [`new_request_table`], rooted (the tests' way
/// to make one; requests go through [`call_handler`]).
#[cfg(test)]
pub fn request_table(
    state: &mut State,
    rm: &RequestMeta,
    parts: hyper::http::request::Parts,
    body: &[u8],
    remote: SocketAddr,
    id: &RequestId,
) -> lunar::Result<Value> {
    let mut cx = state.ctx();
    let staged = stage_parts(&mut cx, &rm.slot, parts.headers, parts.uri, remote, id);
    let req = new_request_table(
        &mut cx,
        [&rm.meta, &rm.keys, &rm.slot],
        staged,
        &parts.method,
        body,
    )?;
    Ok(cx.from_raw(Raw::Table(req)))
}

/// What a request table is made of.
pub struct RequestParts<'a> {
    /// The request's head.
    pub parts: hyper::http::request::Parts,
    /// Its body.
    pub body: &'a [u8],
    /// The client's address.
    pub remote: SocketAddr,
    /// Its id.
    pub id: &'a RequestId,
}

/// Runs a request: `handler` called with the request table, as an
/// asynchronous run, and its result made the reply while the result is
/// still on the VM's stack. Neither the table nor the result is rooted
/// (see `State::call_async_raw`): `request_table`, `call_async` and
/// `reply_of` in one, with two rooted handles and two lists fewer.
/// `Err` is the run's error (for [`thrown_reply`]), `Ok(Err)` why the
/// result is not a reply.
///
/// The request's parts go to the state's slot at once, when this is
/// called: the future carries only references (it is moved a few times
/// before it runs, and the parts are large).
pub fn call_handler<'a>(
    state: &'a mut State,
    handler: &'a lunar::Function,
    rm: &'a mut RequestMeta,
    parts: RequestParts<'a>,
) -> impl Future<Output = lunar::Result<Result<Reply, String>>> + 'a {
    let RequestParts {
        parts,
        body,
        remote,
        id,
    } = parts;
    let hyper::http::request::Parts {
        method,
        uri,
        headers,
        ..
    } = parts;
    let RequestMeta {
        meta,
        keys,
        slot,
        scratch,
    } = rm;
    let staged = stage_parts(&mut state.ctx(), slot, headers, uri, remote, id);
    let handles = [&*meta, &*keys, &*slot];
    let keys = &*keys;
    state.call_async_raw(
        handler,
        move |cx| {
            let req = new_request_table(cx, handles, staged, &method, body)?;
            cx.vm().push(Raw::Table(req));
            Ok(())
        },
        move |cx, vals| {
            let v = vals.first().copied().unwrap_or(Raw::Nil);
            Ok(reply_of_raw(cx, keys, scratch, v))
        },
    )
}

/// Leaves a request's parts in the state's slot (`slot`), where its
/// table's lazy fields are made from; the previous request's parts (if
/// its end was skipped) go now. Fails when the slot is not the state's
/// [`Pending`] (it always is).
fn stage_parts(
    cx: &mut lunar::Ctx<'_>,
    slot: &Value,
    headers: hyper::HeaderMap,
    uri: hyper::Uri,
    remote: SocketAddr,
    id: &RequestId,
) -> lunar::Result<()> {
    if let Ok(Raw::UserData(slot)) = cx.to_raw(slot)
        && let Some(p) = slot.data.borrow_mut().downcast_mut::<Pending>()
    {
        // The table is named once it is made.
        *p = Pending {
            table: 0,
            parts: Some(LazyParts {
                headers,
                uri,
                remote,
                id: *id,
            }),
        };
        return Ok(());
    }
    Err(lunar::Error::runtime(
        "the request metatable is not a table",
    ))
}

/// Builds the request table a handler receives, from the parts
/// [`stage_parts`] left (`staged`: how that went) and the request's
/// method and body. It is made with the VM's own API (no rooted handle
/// per field: a request costs a few allocations of the heap) and not
/// rooted: the caller pushes it at once (or roots it). `handles`: the
/// request metatable, the field names, the slot.
///
/// `method`, `path` and `body` are set at once. `headers`, `query`,
/// `raw_query`, `remote_addr` and `id` are made on first access (most
/// handlers read none of them): the request's parts wait in the state's
/// slot, and the metatable's `__index` builds the field and stores it in
/// the table (so it is built once, and `pairs(req)` shows it from then
/// on, not before). A request table kept past its request (stored in an
/// upvalue, read by a later request) has the fields it read in time;
/// the others read as empty `headers` and `query` tables and no
/// `raw_query`, `remote_addr` or `id`: the parts are dropped when the
/// request ends, not copied for a table that may never be read again.
fn new_request_table(
    cx: &mut lunar::Ctx<'_>,
    handles: [&Value; 3],
    staged: lunar::Result<()>,
    method: &hyper::Method,
    body: &[u8],
) -> lunar::Result<Gc<Table>> {
    staged?;
    let (Raw::Table(meta), Raw::Table(keys), Raw::UserData(slot)) = (
        cx.to_raw(handles[0])?,
        cx.to_raw(handles[1])?,
        cx.to_raw(handles[2])?,
    ) else {
        return Err(lunar::Error::runtime(
            "the request metatable is not a table",
        ));
    };
    // The field names, interned once per state (`keys` holds them).
    let field = |f: Field| keys.get_int(f as i64 + 1);
    // No collection runs between these allocations (the VM collects only
    // at its safe points), so the raw values need no rooting until the
    // table is handed back.
    let vm = cx.vm();
    let req = vm.new_table(0, 8);
    let v = cached_str(vm, keys, Cache::Method, method.as_str().as_bytes());
    set(vm, req, field(Field::Method), v);
    let mut data = slot.data.borrow_mut();
    let Some(Pending {
        table,
        parts: Some(parts),
    }) = data.downcast_mut::<Pending>()
    else {
        return Err(lunar::Error::runtime("the request's parts are gone"));
    };
    let v = cached_str(vm, keys, Cache::Path, parts.uri.path().as_bytes());
    *table = req.addr();
    drop(data);
    set(vm, req, field(Field::Path), v);
    let v = if body.len() <= CACHED_BODY {
        cached_str(vm, keys, Cache::Body, body)
    } else {
        vm.str_value(body)
    };
    set(vm, req, field(Field::Body), v);
    req.set_metatable(Some(meta));
    Ok(req)
}

/// Ends the current request of a state: its parts not yet turned into
/// fields are dropped (a kept request table then finds them empty).
pub fn end_request(state: &mut State, rm: &RequestMeta) {
    let mut cx = state.ctx();
    if let Ok(Raw::UserData(slot)) = cx.to_raw(&rm.slot)
        && let Some(p) = slot.data.borrow_mut().downcast_mut::<Pending>()
    {
        *p = Pending::default();
    }
}

/// The request metatable's `__index(req, key)`: the lazy fields
/// (`headers`, `query`, `raw_query`, `remote_addr`, `id`) and otherwise
/// the methods (`json`). Upvalues: the methods table, the field-name
/// list, the slot.
fn request_index(vm: &mut Vm) -> Result<usize, lunar::vm::Error> {
    let (req, key) = (vm.arg(1), vm.arg(2));
    let (Raw::Table(methods), Raw::Table(keys)) = (vm.upvalue(1), vm.upvalue(2)) else {
        return Ok(0);
    };
    // A method (`req:json()`, the common case) first.
    let method = methods.get(key);
    let lazy = match (key, method) {
        (Raw::Str(k), Raw::Nil) => LAZY
            .into_iter()
            .find(|&f| matches!(keys.get_int(f as i64 + 1), Raw::Str(name) if name == k)),
        _ => None,
    };
    let (Some(lazy), Raw::Table(req), Raw::UserData(slot)) = (lazy, req, vm.upvalue(3)) else {
        vm.push(method);
        return Ok(1);
    };
    // Only the table the parts were kept for may build from them (a kept
    // table of an earlier request gets empty fields).
    let data = slot.data.borrow();
    let pending = data
        .downcast_ref::<Pending>()
        .filter(|p| p.table != 0 && p.table == req.addr())
        .and_then(|p| p.parts.as_ref());
    let query = pending.and_then(|p| p.uri.query());
    let value = match lazy {
        Field::Headers => {
            let t = match pending {
                Some(p) => headers_table(vm, &p.headers),
                None => vm.new_table(0, 0),
            };
            Raw::Table(t)
        }
        Field::Query => {
            let t = query_table(vm, query);
            if let Some(q) = query {
                let v = vm.str_value(q.as_bytes());
                set(vm, req, keys.get_int(Field::RawQuery as i64 + 1), v);
            }
            Raw::Table(t)
        }
        Field::RawQuery => match query {
            Some(q) => vm.str_value(q.as_bytes()),
            None => Raw::Nil,
        },
        Field::RemoteAddr => match pending.map(|p| p.remote) {
            Some(addr) => {
                // An address's text fits: at most 47 bytes for IPv6
                // with a scope and a port.
                let mut buf = [0u8; 64];
                let mut w = &mut buf[..];
                let n = match std::io::Write::write_fmt(&mut w, format_args!("{addr}")) {
                    Ok(()) => 64 - w.len(),
                    Err(_) => 0,
                };
                vm.str_value(&buf[..n])
            }
            None => Raw::Nil,
        },
        _ => match pending.map(|p| &p.id) {
            Some(id) => vm.str_value(id.as_bytes()),
            None => Raw::Nil,
        },
    };
    drop(data);
    if !matches!(value, Raw::Nil) {
        set(vm, req, key, value);
    }
    vm.push(value);
    // A safe point: the new values are held by the request table (an
    // argument) and the stack.
    vm.check_memory(0)?;
    Ok(1)
}

/// The request fields made on first access.
const LAZY: [Field; 5] = [
    Field::Headers,
    Field::Query,
    Field::RawQuery,
    Field::RemoteAddr,
    Field::Id,
];

/// `req.query`: each parameter's value, a list of values when it repeats.
fn query_table(vm: &mut Vm, q: Option<&str>) -> Gc<Table> {
    let query = vm.new_table(0, 0);
    let Some(q) = q else { return query };
    for (k, v) in form_urlencoded::parse(q.as_bytes()) {
        let key = vm.str_value(k.as_bytes());
        let value = vm.str_value(v.as_bytes());
        let entry = match query.get(key) {
            Raw::Nil => value,
            Raw::Table(list) => {
                let n = list.len();
                list.set_int(vm.heap(), n + 1, value);
                continue;
            }
            first => {
                let list = vm.new_table(2, 0);
                list.set_int(vm.heap(), 1, first);
                list.set_int(vm.heap(), 2, value);
                Raw::Table(list)
            }
        };
        // A string key: raw_set fails only for nil and NaN keys.
        let _ = vm.raw_set(query, key, entry);
    }
    query
}

/// `req.headers`: lower-case names to values, repeated headers joined
/// with ", ".
fn headers_table(vm: &mut Vm, headers: &hyper::HeaderMap) -> Gc<Table> {
    let t = vm.new_table(0, headers.keys_len());
    for name in headers.keys() {
        let mut all = headers.get_all(name).iter();
        let Some(first) = all.next() else { continue };
        let value = match all.next() {
            None => vm.str_value(first.as_bytes()),
            Some(second) => {
                let mut joined = first.as_bytes().to_vec();
                for v in std::iter::once(second).chain(all) {
                    joined.extend_from_slice(b", ");
                    joined.extend_from_slice(v.as_bytes());
                }
                vm.str_value(&joined)
            }
        };
        vm.set_field(t, name.as_str(), value);
    }
    t
}

/// The names of [`Field`]s, interned once per state (in
/// [`RequestMeta`]'s key list), so a request interns none of them.
const FIELD_NAMES: [&str; 9] = [
    "method",
    "path",
    "query",
    "raw_query",
    "headers",
    "body",
    "remote_addr",
    "id",
    "status",
];

/// The request table's fields, in the order of [`FIELD_NAMES`], then
/// the response table's fields that are not request fields.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Method,
    Path,
    Query,
    RawQuery,
    Headers,
    Body,
    RemoteAddr,
    Id,
    Status,
}

/// The strings a state keeps after the field names in its key list: the
/// last request's method, path and (short) body (a route's requests
/// repeat them; most have no body).
#[derive(Clone, Copy)]
enum Cache {
    Method,
    Path,
    Body,
}

/// How many [`Cache`] slots the key list has.
const CACHES: usize = 3;

/// The longest body kept in the [`Cache::Body`] slot: a short string (a
/// longer one is not interned, and would stay alive in an idle state).
const CACHED_BODY: usize = 40;

/// The string of `bytes`: the one in cache slot `c` of `keys` when it
/// has the same bytes (no hashing or interning), else a new one, cached.
fn cached_str(vm: &mut Vm, keys: Gc<Table>, c: Cache, bytes: &[u8]) -> Raw {
    let i = (FIELD_NAMES.len() + c as usize + 1) as i64;
    if let Raw::Str(s) = keys.get_int(i)
        && s.as_bytes() == bytes
    {
        return Raw::Str(s);
    }
    let v = vm.str_value(bytes);
    keys.set_int(vm.heap(), i, v);
    v
}

/// Sets a field whose key is an interned string (a string key cannot make
/// `raw_set` fail: only nil and NaN keys do). `set_str_fill` stores it in
/// one probe while the table has room, as a request table made with its
/// size has.
fn set(vm: &mut Vm, t: Gc<Table>, key: Raw, v: Raw) {
    match key {
        Raw::Str(k) => t.set_str_fill(vm.heap(), k, v),
        _ => {
            let _ = vm.raw_set(t, key, v);
        }
    }
}

/// [`reply_of_raw`] for a rooted value (the tests' way; requests go
/// through [`call_handler`]).
#[cfg(test)]
pub fn reply_of(state: &mut State, rm: &mut RequestMeta, value: &Value) -> Result<Reply, String> {
    let mut cx = state.ctx();
    // `value` holds the object for as long as this runs.
    let raw = cx.to_raw(value).map_err(|e| e.to_string())?;
    reply_of_raw(&mut cx, &rm.keys, &mut rm.scratch, raw)
}

/// The response for what a handler returned (a VM value, which the
/// caller keeps reachable while this runs: a handler's result still on
/// the stack); `Err` says why it cannot be one (for the log). `keys`: the
/// field names; `scratch`: the JSON buffer.
fn reply_of_raw(
    cx: &mut lunar::Ctx<'_>,
    keys: &Value,
    scratch: &mut Vec<u8>,
    raw: Raw,
) -> Result<Reply, String> {
    let keys = response_keys(cx, keys)?;
    let vm = cx.vm();
    match raw {
        Raw::Nil => Ok(Reply {
            status: StatusCode::NO_CONTENT,
            headers: Vec::new(),
            content_type: None,
            body: Bytes::new(),
        }),
        Raw::Str(s) => Ok(Reply {
            status: StatusCode::OK,
            headers: Vec::new(),
            content_type: Some(TEXT),
            body: Bytes::copy_from_slice(s.as_bytes()),
        }),
        Raw::Table(t) => {
            if is_response_table(&keys, t) {
                response_table(vm, &keys, t, scratch)
            } else {
                json_reply(vm, StatusCode::OK, raw, scratch)
            }
        }
        Raw::Int(_) | Raw::Float(_) | Raw::Bool(_) => json_reply(vm, StatusCode::OK, raw, scratch),
        _ => Err(format!("the handler returned a {} value", raw.type_name())),
    }
}

/// The response for an error value that asks for one (a response table
/// with a status of 400 or more), else `None`.
pub fn thrown_reply(state: &mut State, rm: &mut RequestMeta, e: &lunar::Error) -> Option<Reply> {
    if !matches!(e.kind(), lunar::ErrorKind::Runtime) {
        return None;
    }
    let value @ Value::Table(_) = e.value()? else {
        return None;
    };
    let mut cx = state.ctx();
    let Raw::Table(t) = cx.to_raw(value).ok()? else {
        return None;
    };
    let keys = response_keys(&mut cx, &rm.keys).ok()?;
    let vm = cx.vm();
    let Raw::Int(status) = t.get(keys.status) else {
        return None;
    };
    if !(400..=599).contains(&status) {
        return None;
    }
    let mut reply = response_table(vm, &keys, t, &mut rm.scratch).ok()?;
    if reply.body.is_empty()
        && let Raw::Str(why) = vm.get_field(t, "error")
    {
        let body = serde_json::json!({ "error": String::from_utf8_lossy(why.as_bytes()) });
        reply.body = Bytes::from(body.to_string());
        reply.content_type = Some(JSON);
    }
    Some(reply)
}

/// The interned names of a response table's fields (from the state's
/// key list: no string is interned per request).
struct ResponseKeys {
    status: Raw,
    body: Raw,
    headers: Raw,
}

/// The response field names of `rm`'s state.
fn response_keys(cx: &mut lunar::Ctx<'_>, keys: &Value) -> Result<ResponseKeys, String> {
    let Raw::Table(keys) = cx.to_raw(keys).map_err(|e| e.to_string())? else {
        return Err("the request keys are not a table".to_string());
    };
    let field = |f: Field| keys.get_int(f as i64 + 1);
    Ok(ResponseKeys {
        status: field(Field::Status),
        body: field(Field::Body),
        headers: field(Field::Headers),
    })
}

/// Whether a returned table is a response (has `status`, `headers` or
/// `body`) rather than data to send as JSON.
fn is_response_table(keys: &ResponseKeys, t: Gc<Table>) -> bool {
    [keys.status, keys.body, keys.headers]
        .into_iter()
        .any(|field| !matches!(get_field(t, field), Raw::Nil))
}

/// `t[key]` for one of the interned field names: a string lookup,
/// without `Table::get`'s dispatch on the key's type.
fn get_field(t: Gc<Table>, key: Raw) -> Raw {
    match key {
        Raw::Str(k) => t.get_str(k),
        other => t.get(other),
    }
}

/// The response a `{status=, headers=, body=}` table describes.
fn response_table(
    vm: &mut Vm,
    keys: &ResponseKeys,
    t: Gc<Table>,
    scratch: &mut Vec<u8>,
) -> Result<Reply, String> {
    let status = match t.get(keys.status) {
        Raw::Nil => StatusCode::OK,
        v => {
            let n = vm.to_integer(v).ok_or_else(|| {
                format!("status must be an integer, got a {} value", v.type_name())
            })?;
            u16::try_from(n)
                .ok()
                .and_then(|n| StatusCode::from_u16(n).ok())
                .ok_or_else(|| format!("status {n} is not an HTTP status"))?
        }
    };
    let mut reply = match t.get(keys.body) {
        Raw::Nil => Reply {
            status,
            headers: Vec::new(),
            content_type: None,
            body: Bytes::new(),
        },
        Raw::Str(s) => Reply {
            status,
            headers: Vec::new(),
            content_type: Some(TEXT),
            body: Bytes::copy_from_slice(s.as_bytes()),
        },
        v => json_reply(vm, status, v, scratch)?,
    };
    match t.get(keys.headers) {
        Raw::Nil => {}
        Raw::Table(h) => {
            let mut key = Raw::Nil;
            while let Some((name, value)) =
                h.next(key).map_err(|_| "headers: bad key".to_string())?
            {
                key = name;
                let Raw::Str(name) = name else {
                    return Err(format!("headers: a {} key", name.type_name()));
                };
                let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
                let header = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("'{name}' is not a header name"))?;
                let values: Vec<Raw> = match value {
                    Raw::Table(list) => (1..=list.len()).map(|i| list.get(Raw::Int(i))).collect(),
                    v => vec![v],
                };
                for v in values {
                    let bytes = match v {
                        Raw::Str(s) => s.as_bytes().to_vec(),
                        Raw::Int(n) => n.to_string().into_bytes(),
                        Raw::Float(x) => x.to_string().into_bytes(),
                        other => {
                            return Err(format!("header '{name}': a {} value", other.type_name()));
                        }
                    };
                    let value = hyper::header::HeaderValue::from_bytes(&bytes)
                        .ok()
                        .ok_or_else(|| format!("header '{name}': not a valid header value"))?;
                    if header == CONTENT_TYPE {
                        reply.content_type = None;
                    }
                    reply.headers.push((header.clone(), value));
                }
            }
        }
        other => {
            return Err(format!(
                "headers must be a table, got a {} value",
                other.type_name()
            ));
        }
    }
    Ok(reply)
}

/// A JSON response of `value`, written in `scratch` (a state's buffer,
/// kept between requests) and copied into the body: one allocation,
/// where a fresh `Vec` turned into `Bytes` costs two (the vector and the
/// shared header `Bytes` puts on one whose capacity is not its length).
fn json_reply(
    vm: &mut Vm,
    status: StatusCode,
    value: Raw,
    scratch: &mut Vec<u8>,
) -> Result<Reply, String> {
    /// A buffer grown past this by one large answer is not kept (an idle
    /// state would hold it).
    const KEEP: usize = 64 << 10;
    scratch.clear();
    let body =
        crate::host_api::raw_to_json(vm, value, scratch).map(|()| Bytes::copy_from_slice(scratch));
    if scratch.capacity() > KEEP {
        *scratch = Vec::new();
    }
    let body = body?;
    Ok(Reply {
        status,
        headers: Vec::new(),
        content_type: Some(JSON),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state with the request metatable.
    fn state() -> (State, RequestMeta) {
        let mut state = State::new();
        let rm = RequestMeta::new(&mut state);
        (state, rm)
    }

    /// The request table of a GET of `uri` with `headers` (its id is
    /// the last header's value, or `id-1`; its peer is port 9's).
    fn request(state: &mut State, rm: &RequestMeta, uri: &str, headers: &[(&str, &str)]) -> Value {
        request_with_body(state, rm, uri, headers, br#"{"decoded":"{}"}"#)
    }

    /// [`request`] with a body.
    fn request_with_body(
        state: &mut State,
        rm: &RequestMeta,
        uri: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Value {
        let mut b = hyper::Request::builder().method("GET").uri(uri);
        for (n, v) in headers {
            b = b.header(*n, *v);
        }
        let (parts, ()) = b.body(()).unwrap().into_parts();
        let id = RequestId::new(headers.last().map_or(b"id-1", |(_, v)| v.as_bytes())).unwrap();
        request_table(state, rm, parts, body, "127.0.0.1:9".parse().unwrap(), &id).unwrap()
    }

    /// Runs `source` (a function of the request) on `req`.
    fn call<R: lunar::FromLuaMulti>(state: &mut State, source: &str, req: Value) -> R {
        let f: lunar::Function = state.exec("t.lua", source).unwrap();
        state.call(&f, req).unwrap()
    }

    #[test]
    fn lazy_fields_hold_the_request_values() {
        let (mut state, rm) = state();
        let req = request(
            &mut state,
            &rm,
            "/p?a=1&a=2&b=x%20y",
            &[("X-Multi", "one"), ("x-multi", "two"), ("Host", "h")],
        );
        // Before any access, `pairs` sees only the eager fields.
        let before: String = call(
            &mut state,
            "return function(req) local n = {} for k in pairs(req) do n[#n+1] = k end table.sort(n) return table.concat(n, ',') end",
            req.clone(),
        );
        assert_eq!(before, "body,method,path");
        let got: String = call(
            &mut state,
            "return function(req) \
               local h, q = req.headers, req.query \
               assert(req.headers == h and req.query == q, 'built once') \
               return table.concat({h['x-multi'], h.host, tostring(h['X-Multi']), q.a[1], q.a[2], #q.a, q.b, req.raw_query, \
                 req.method, req.path, req.body, req.remote_addr, req.id, req:json().decoded, tostring(req.nothing)}, '|') end",
            req.clone(),
        );
        assert_eq!(
            got,
            "one, two|h|nil|1|2|2|x y|a=1&a=2&b=x%20y|GET|/p|{\"decoded\":\"{}\"}|127.0.0.1:9|h|{}|nil"
        );
        // Once read, they are plain fields.
        let raw: bool = call(
            &mut state,
            "return function(req) return rawget(req, 'headers') ~= nil and rawget(req, 'query') ~= nil end",
            req,
        );
        assert!(raw);
    }

    #[test]
    fn raw_query_alone_and_no_query() {
        let (mut state, rm) = state();
        let req = request(&mut state, &rm, "/p?k=v", &[]);
        let got: (String, bool) = call(
            &mut state,
            "return function(req) return req.raw_query, rawget(req, 'query') == nil end",
            req,
        );
        assert_eq!(got, ("k=v".to_string(), true));
        end_request(&mut state, &rm);
        let req = request(&mut state, &rm, "/p", &[]);
        let got: (bool, bool, i64) = call(
            &mut state,
            "return function(req) return req.raw_query == nil, next(req.query) == nil, #req.headers end",
            req,
        );
        assert_eq!(got, (true, true, 0));
    }

    #[test]
    fn a_kept_request_table_after_its_request() {
        let (mut state, rm) = state();
        let first = request(&mut state, &rm, "/p?q=1", &[("x-a", "first")]);
        // Kept twice: one copy read its headers during the request.
        call::<()>(
            &mut state,
            "return function(req) kept = req; seen = req.headers; seen_id = req.id end",
            first,
        );
        end_request(&mut state, &rm);
        let second = request(&mut state, &rm, "/p?q=2", &[("x-a", "second")]);
        let got: String = call(
            &mut state,
            "return function(req) \
               return table.concat({seen['x-a'], tostring(next(kept.query)), tostring(kept.raw_query), kept.method, \
                 tostring(kept.headers['x-a']), kept.id, tostring(kept.remote_addr), req.headers['x-a'], req.query.q, \
                 req.id, req.remote_addr}, '|') end",
            second,
        );
        // The headers and id read in time are kept; the query and the
        // address never read are empty or nil (the parts went when the
        // request ended), and the new request's table reads its own
        // parts, not the kept one's.
        assert_eq!(
            got,
            "first|nil|nil|GET|first|first|nil|second|2|second|127.0.0.1:9"
        );
        end_request(&mut state, &rm);
    }

    #[test]
    fn json_of_the_body() {
        let (mut state, rm) = state();
        let req = request_with_body(&mut state, &rm, "/p", &[], b"{\"ids\": [1, 2]}");
        let got: i64 = call(
            &mut state,
            "return function(req) local v = req:json() return v.ids[1] + v.ids[2] end",
            req,
        );
        assert_eq!(got, 3);
        let req = request_with_body(&mut state, &rm, "/p", &[], b"[1,\n 2,]");
        let got: (i64, String) = call(
            &mut state,
            "return function(req) local ok, e = pcall(req.json, req) assert(not ok) return e.status, e.error end",
            req.clone(),
        );
        assert_eq!(
            got,
            (
                400,
                "malformed JSON body: unexpected character ']' at line 2 column 4".into()
            )
        );
        // Uncaught, it is the 400 answer.
        let f: lunar::Function = state
            .exec("t.lua", "return function(req) return req:json() end")
            .unwrap();
        let e = state.call::<_, Value>(&f, req.clone()).unwrap_err();
        let mut rm = rm;
        let r = thrown_reply(&mut state, &mut rm, &e).unwrap();
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body
                .starts_with(b"{\"error\":\"malformed JSON body: unexpected")
        );
        // A body the script replaced is the one decoded.
        let got: String = call(
            &mut state,
            "return function(req) req.body = '[\"x\"]' local a = req:json()[1] req.body = nil \
               local ok, e = pcall(req.json, req) return a .. '|' .. e.error end",
            req,
        );
        assert_eq!(
            got,
            "x|malformed JSON body: bad argument #1 to 'decode' (string expected, got nil)"
        );
    }

    #[test]
    fn method_and_path_change_between_requests() {
        let (mut state, rm) = state();
        let mut seen = Vec::new();
        for (method, uri) in [
            ("GET", "/a"),
            ("GET", "/a"),
            ("POST", "/a"),
            ("POST", "/b/c"),
        ] {
            let (parts, ()) = hyper::Request::builder()
                .method(method)
                .uri(uri)
                .body(())
                .unwrap()
                .into_parts();
            let id = RequestId::generated("t-", 1);
            let req = request_table(
                &mut state,
                &rm,
                parts,
                b"",
                "[::1]:80".parse().unwrap(),
                &id,
            )
            .unwrap();
            let got: String = call(
                &mut state,
                "return function(req) return req.method .. ' ' .. req.path .. ' ' .. req.remote_addr end",
                req,
            );
            end_request(&mut state, &rm);
            seen.push(got);
        }
        assert_eq!(
            seen,
            [
                "GET /a [::1]:80",
                "GET /a [::1]:80",
                "POST /a [::1]:80",
                "POST /b/c [::1]:80"
            ]
        );
    }

    #[test]
    fn request_ids() {
        let id = |prefix, n| RequestId::generated(prefix, n).as_str().to_string();
        assert_eq!(id("0000abcd-01-", 0), "0000abcd-01-0");
        assert_eq!(id("p-", 0x1f), "p-1f");
        assert_eq!(id("p-", u64::MAX), "p-ffffffffffffffff");
        assert_eq!(id("p-", 1 << 60), "p-1000000000000000");
        let taken = |text: &[u8]| RequestId::new(text).map(|id| id.as_str().to_string());
        assert_eq!(taken(b"abc-123").as_deref(), Some("abc-123"));
        assert_eq!(taken(&[b'x'; 128]).map(|s| s.len()), Some(128));
        for bad in [&b""[..], &[b'x'; 129], b"a b", b"caf\xc3\xa9", b"a\n"] {
            assert!(taken(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn replies_use_the_interned_field_names() {
        let (mut state, mut rm) = state();
        let v: Value = state
            .exec(
                "t.lua",
                "return {status = 201, body = 'made', headers = {['x-n'] = 3}}",
            )
            .unwrap();
        let r = reply_of(&mut state, &mut rm, &v).unwrap();
        assert_eq!(r.status, StatusCode::CREATED);
        assert_eq!(&r.body[..], b"made");
        assert_eq!(r.headers.len(), 1);
        assert_eq!(r.content_type, Some(TEXT));
        let v: Value = state.exec("t.lua", "return {ok = true}").unwrap();
        let r = reply_of(&mut state, &mut rm, &v).unwrap();
        assert_eq!(
            (r.status, &r.body[..]),
            (StatusCode::OK, &b"{\"ok\":true}"[..])
        );
        let e = state
            .exec::<()>("t.lua", "error({status = 400, error = 'bad'})")
            .unwrap_err();
        let r = thrown_reply(&mut state, &mut rm, &e).unwrap();
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(&r.body[..], b"{\"error\":\"bad\"}");
    }
}
