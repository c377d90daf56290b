//! Requests as Lua sees them and handlers' answers as HTTP responses.
//!
//! A handler gets one table:
//! `{method=, path=, query=, headers=, body=, remote_addr=, id=}` with
//! `req:json()` to decode the body. `query` maps each parameter to its
//! value (a list of values when it repeats); `headers` maps lower-case
//! names to values (repeated headers joined with ", ").
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

/// The content type of text answers.
const TEXT: &str = "text/plain; charset=utf-8";
/// The content type of JSON answers.
const JSON: &str = "application/json";

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
    pub fn into_response(self, id: &str) -> Response<Full<Bytes>> {
        let mut resp = Response::new(Full::new(self.body));
        *resp.status_mut() = self.status;
        let h = resp.headers_mut();
        if let Some(ct) = self.content_type {
            h.insert(CONTENT_TYPE, hyper::header::HeaderValue::from_static(ct));
        }
        for (name, value) in self.headers {
            h.append(name, value);
        }
        if let Ok(v) = hyper::header::HeaderValue::from_str(id) {
            h.insert("x-request-id", v);
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
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// Builds the request table a handler receives. It is made with the
/// VM's own API (no rooted handle per field: a request costs a few
/// allocations of the heap) and rooted once at the end.
pub fn request_table(
    state: &mut State,
    meta: &Value,
    keys: &Value,
    parts: &hyper::http::request::Parts,
    body: &[u8],
    remote: &str,
    id: &str,
) -> lunar::Result<Value> {
    let mut cx = state.ctx();
    let (Raw::Table(meta), Raw::Table(keys)) = (cx.to_raw(meta)?, cx.to_raw(keys)?) else {
        return Err(lunar::Error::runtime(
            "the request metatable is not a table",
        ));
    };
    // The field names, interned once per state (`keys` holds them).
    let field = |f: Field| keys.get(Raw::Int(f as i64 + 1));
    // No collection runs between these allocations (the VM collects only
    // at its safe points), so the raw values need no rooting until the
    // table is handed back.
    let vm = cx.vm();
    let req = vm.new_table(0, 8);
    let v = vm.str_value(parts.method.as_str().as_bytes());
    set(vm, req, field(Field::Method), v);
    let v = vm.str_value(parts.uri.path().as_bytes());
    set(vm, req, field(Field::Path), v);
    let query = vm.new_table(0, 0);
    if let Some(q) = parts.uri.query() {
        let v = vm.str_value(q.as_bytes());
        set(vm, req, field(Field::RawQuery), v);
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
    }
    set(vm, req, field(Field::Query), Raw::Table(query));
    let headers = vm.new_table(0, parts.headers.keys_len());
    for name in parts.headers.keys() {
        let mut all = parts.headers.get_all(name).iter();
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
        vm.set_field(headers, name.as_str(), value);
    }
    set(vm, req, field(Field::Headers), Raw::Table(headers));
    let v = vm.str_value(body);
    set(vm, req, field(Field::Body), v);
    let v = vm.str_value(remote.as_bytes());
    set(vm, req, field(Field::RemoteAddr), v);
    let v = vm.str_value(id.as_bytes());
    set(vm, req, field(Field::Id), v);
    req.set_metatable(Some(meta));
    Ok(cx.from_raw(Raw::Table(req)))
}

/// The request table's fields, in the order of the key list a state
/// makes once (see `worker.rs`, the request metatable's chunk).
#[derive(Clone, Copy)]
enum Field {
    Method,
    Path,
    Query,
    RawQuery,
    Headers,
    Body,
    RemoteAddr,
    Id,
}

/// Sets a field whose key is an interned string (a string key cannot make
/// `raw_set` fail: only nil and NaN keys do).
fn set(vm: &mut Vm, t: Gc<Table>, key: Raw, v: Raw) {
    let _ = vm.raw_set(t, key, v);
}

/// The response for what a handler returned; `Err` says why it cannot
/// be one (for the log).
pub fn reply_of(state: &mut State, value: &Value) -> Result<Reply, String> {
    let mut cx = state.ctx();
    // `value` holds the object for as long as this runs.
    let raw = cx.to_raw(value).map_err(|e| e.to_string())?;
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
            if is_response_table(vm, t) {
                response_table(vm, t)
            } else {
                json_reply(vm, StatusCode::OK, raw)
            }
        }
        Raw::Int(_) | Raw::Float(_) | Raw::Bool(_) => json_reply(vm, StatusCode::OK, raw),
        _ => Err(format!(
            "the handler returned a {} value",
            value.type_name()
        )),
    }
}

/// The response for an error value that asks for one (a response table
/// with a status of 400 or more), else `None`.
pub fn thrown_reply(state: &mut State, e: &lunar::Error) -> Option<Reply> {
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
    let vm = cx.vm();
    let Raw::Int(status) = vm.get_field(t, "status") else {
        return None;
    };
    if !(400..=599).contains(&status) {
        return None;
    }
    let mut reply = response_table(vm, t).ok()?;
    if reply.body.is_empty()
        && let Raw::Str(why) = vm.get_field(t, "error")
    {
        let body = serde_json::json!({ "error": String::from_utf8_lossy(why.as_bytes()) });
        reply.body = Bytes::from(body.to_string());
        reply.content_type = Some(JSON);
    }
    Some(reply)
}

/// Whether a returned table is a response (has `status`, `headers` or
/// `body`) rather than data to send as JSON.
fn is_response_table(vm: &mut Vm, t: Gc<Table>) -> bool {
    ["status", "body", "headers"]
        .iter()
        .any(|field| !matches!(vm.get_field(t, field), Raw::Nil))
}

/// The response a `{status=, headers=, body=}` table describes.
fn response_table(vm: &mut Vm, t: Gc<Table>) -> Result<Reply, String> {
    let status = match vm.get_field(t, "status") {
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
    let mut reply = match vm.get_field(t, "body") {
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
        v => json_reply(vm, status, v)?,
    };
    match vm.get_field(t, "headers") {
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

/// A JSON response of `value`.
fn json_reply(vm: &mut Vm, status: StatusCode, value: Raw) -> Result<Reply, String> {
    let mut body = Vec::with_capacity(128);
    crate::host_api::raw_to_json(vm, value, &mut body)?;
    Ok(Reply {
        status,
        headers: Vec::new(),
        content_type: Some(JSON),
        body: Bytes::from(body),
    })
}
