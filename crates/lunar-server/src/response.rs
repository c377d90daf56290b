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
use lunar::{State, Table, Value};
use std::net::SocketAddr;

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

/// Builds the request table a handler receives.
pub fn request_table(
    state: &mut State,
    meta: &Table,
    parts: &hyper::http::request::Parts,
    body: &[u8],
    remote: SocketAddr,
    id: &str,
) -> lunar::Result<Table> {
    let mut cx = state.ctx();
    let req = cx.create_table_with_capacity(0, 8);
    req.raw_set(&mut cx, "method", parts.method.as_str())?;
    req.raw_set(&mut cx, "path", parts.uri.path())?;
    let query = cx.create_table();
    if let Some(q) = parts.uri.query() {
        req.raw_set(&mut cx, "raw_query", q)?;
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            let key = k.as_ref();
            match query.raw_get::<_, Value>(&mut cx, key)? {
                Value::Nil => query.raw_set(&mut cx, key, v.as_ref())?,
                Value::Table(list) => list.push(&mut cx, v.as_ref())?,
                first => {
                    let list = cx.create_table_with_capacity(2, 0);
                    list.push(&mut cx, first)?;
                    list.push(&mut cx, v.as_ref())?;
                    query.raw_set(&mut cx, key, list)?;
                }
            }
        }
    }
    req.raw_set(&mut cx, "query", query)?;
    let headers = cx.create_table_with_capacity(0, parts.headers.keys_len());
    for name in parts.headers.keys() {
        let mut all = parts.headers.get_all(name).iter();
        let Some(first) = all.next() else { continue };
        match all.next() {
            None => headers.raw_set(&mut cx, name.as_str(), first.as_bytes())?,
            Some(second) => {
                let mut joined = first.as_bytes().to_vec();
                for v in std::iter::once(second).chain(all) {
                    joined.extend_from_slice(b", ");
                    joined.extend_from_slice(v.as_bytes());
                }
                headers.raw_set(&mut cx, name.as_str(), joined.as_slice())?;
            }
        }
    }
    req.raw_set(&mut cx, "headers", headers)?;
    req.raw_set(&mut cx, "body", body)?;
    req.raw_set(&mut cx, "remote_addr", remote.to_string())?;
    req.raw_set(&mut cx, "id", id)?;
    req.set_metatable(&mut cx, Some(meta))?;
    Ok(req)
}

/// The response for what a handler returned; `Err` says why it cannot
/// be one (for the log).
pub fn reply_of(state: &mut State, value: Value) -> Result<Reply, String> {
    match value {
        Value::Nil => Ok(Reply {
            status: StatusCode::NO_CONTENT,
            headers: Vec::new(),
            content_type: None,
            body: Bytes::new(),
        }),
        Value::String(s) => Ok(Reply {
            status: StatusCode::OK,
            headers: Vec::new(),
            content_type: Some(TEXT),
            body: Bytes::copy_from_slice(s.as_bytes()),
        }),
        Value::Table(t) => {
            if is_response_table(state, &t)? {
                response_table(state, &t)
            } else {
                json_reply(state, StatusCode::OK, &Value::Table(t))
            }
        }
        v @ (Value::Integer(_) | Value::Number(_) | Value::Boolean(_)) => {
            json_reply(state, StatusCode::OK, &v)
        }
        other => Err(format!(
            "the handler returned a {} value",
            other.type_name()
        )),
    }
}

/// The response for an error value that asks for one (a response table
/// with a status of 400 or more), else `None`.
pub fn thrown_reply(state: &mut State, e: &lunar::Error) -> Option<Reply> {
    if !matches!(e.kind(), lunar::ErrorKind::Runtime) {
        return None;
    }
    let Some(Value::Table(t)) = e.value() else {
        return None;
    };
    let status = t.raw_get::<_, Value>(state, "status").ok()?.as_integer()?;
    if !(400..=599).contains(&status) {
        return None;
    }
    let mut reply = response_table(state, t).ok()?;
    if reply.body.is_empty()
        && let Ok(Value::String(why)) = t.raw_get::<_, Value>(state, "error")
    {
        let body = serde_json::json!({ "error": why.to_string_lossy() });
        reply.body = Bytes::from(body.to_string());
        reply.content_type = Some(JSON);
    }
    Some(reply)
}

/// Whether a returned table is a response (has `status`, `headers` or
/// `body`) rather than data to send as JSON.
fn is_response_table(state: &mut State, t: &Table) -> Result<bool, String> {
    for field in ["status", "body", "headers"] {
        let v: Value = t.raw_get(state, field).map_err(|e| e.to_string())?;
        if !v.is_nil() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The response a `{status=, headers=, body=}` table describes.
fn response_table(state: &mut State, t: &Table) -> Result<Reply, String> {
    let status = match t
        .raw_get::<_, Value>(state, "status")
        .map_err(|e| e.to_string())?
    {
        Value::Nil => StatusCode::OK,
        v => {
            let n = v.as_integer().ok_or_else(|| {
                format!("status must be an integer, got a {} value", v.type_name())
            })?;
            u16::try_from(n)
                .ok()
                .and_then(|n| StatusCode::from_u16(n).ok())
                .ok_or_else(|| format!("status {n} is not an HTTP status"))?
        }
    };
    let mut reply = match t
        .raw_get::<_, Value>(state, "body")
        .map_err(|e| e.to_string())?
    {
        Value::Nil => Reply {
            status,
            headers: Vec::new(),
            content_type: None,
            body: Bytes::new(),
        },
        Value::String(s) => Reply {
            status,
            headers: Vec::new(),
            content_type: Some(TEXT),
            body: Bytes::copy_from_slice(s.as_bytes()),
        },
        v => json_reply(state, status, &v)?,
    };
    match t
        .raw_get::<_, Value>(state, "headers")
        .map_err(|e| e.to_string())?
    {
        Value::Nil => {}
        Value::Table(h) => {
            let pairs: Vec<(String, Value)> =
                h.pairs(state).map_err(|e| format!("headers: {e}"))?;
            for (name, value) in pairs {
                let header = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("'{name}' is not a header name"))?;
                let values = match value {
                    Value::Table(list) => list
                        .sequence_values::<Value>(state)
                        .map_err(|e| e.to_string())?,
                    v => vec![v],
                };
                for v in values {
                    let bytes = match &v {
                        Value::String(s) => s.as_bytes().to_vec(),
                        Value::Integer(n) => n.to_string().into_bytes(),
                        Value::Number(x) => x.to_string().into_bytes(),
                        other => {
                            return Err(format!("header '{name}': a {} value", other.type_name()));
                        }
                    };
                    let value = crate::worker::header_value(&bytes)
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
fn json_reply(state: &mut State, status: StatusCode, value: &Value) -> Result<Reply, String> {
    let body = crate::host_api::to_json(state, value).map_err(|e| e.message().to_string())?;
    Ok(Reply {
        status,
        headers: Vec::new(),
        content_type: Some(JSON),
        body: Bytes::from(body),
    })
}
