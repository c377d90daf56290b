//! The playground (`playground = true`, off by default): a page at `/`
//! where a person edits a script, runs it in a sandboxed state, and sees
//! what it printed, its result or error, and the instructions it used.
//!
//! Each run gets a new state with the safe libraries and the host
//! modules, cut off from the server's: `kv` is a store of the run's own,
//! `http` may call no host, `require` finds none of the served scripts;
//! and small limits: one million instructions, 16 MiB, two seconds.

use crate::host_api::HostServices;
use crate::http_client::{HttpClient, HttpClientConfig};
use crate::kv::Kv;
use crate::response;
use crate::server::Shared;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use lunar::{Limits, Program, State, StdLib, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The largest script the playground runs.
const MAX_SOURCE: usize = 64 << 10;

/// The page.
pub(crate) fn page() -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from_static(PAGE.as_bytes())));
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

/// `POST /playground/run`: runs the body as a script; answers
/// `{"output":..., "result":..., "error":..., "instructions":...}`.
pub(crate) async fn run(_shared: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    if req.method() != hyper::Method::POST {
        return response::text(StatusCode::METHOD_NOT_ALLOWED, "POST a script\n");
    }
    let source = match Limited::new(req.into_body(), MAX_SOURCE).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return response::text(StatusCode::PAYLOAD_TOO_LARGE, "script over 64 KiB\n"),
    };
    response::json(StatusCode::OK, &run_script(&source).await)
}

/// Runs `source` in a fresh sandboxed state.
async fn run_script(source: &[u8]) -> serde_json::Value {
    let program = match Program::compile("playground", source) {
        Ok(p) => p,
        Err(e) => {
            return serde_json::json!({ "output": "", "error": e.to_string(), "instructions": 0 });
        }
    };
    let mut state = State::builder().libs(StdLib::SAFE).build();
    let output = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&output);
    let registered = state.register("print", move |cx, args: lunar::Variadic<Value>| {
        let mut line = String::new();
        for (i, v) in args.0.iter().enumerate() {
            if i > 0 {
                line.push('\t');
            }
            line.push_str(&show(cx, v));
        }
        line.push('\n');
        if let Ok(mut out) = sink.lock()
            && out.len() < 1 << 20
        {
            out.push_str(&line);
        }
        Ok(())
    });
    let services = HostServices {
        kv: Kv::memory_with_limit(1 << 20),
        http: HttpClient::new(HttpClientConfig::default()),
    };
    if let Err(e) = registered.and_then(|()| crate::host_api::install(&mut state, &services)) {
        return serde_json::json!({ "output": "", "error": e.to_string(), "instructions": 0 });
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    state.set_limits(Limits {
        instructions: Some(1_000_000),
        memory: Some(16 << 20),
        call_depth: Some(200),
        deadline: Some(deadline),
    });
    let run = state.run_async::<lunar::MultiValue>(&program);
    let result = match tokio::time::timeout_at(deadline.into(), run).await {
        Ok(r) => r,
        Err(_) => Err(lunar::Error::new(
            lunar::ErrorKind::Limit(lunar::Limit::Deadline),
            "lunar: deadline limit exceeded",
        )),
    };
    let instructions = state.instructions_used();
    let output = output.lock().map(|o| o.clone()).unwrap_or_default();
    match result {
        Ok(values) => {
            let mut cx = state.ctx();
            let shown: Vec<String> = values.iter().map(|v| show(&mut cx, v)).collect();
            serde_json::json!({ "output": output, "result": shown.join("\t"), "instructions": instructions })
        }
        Err(e) => {
            serde_json::json!({ "output": output, "error": e.message(), "instructions": instructions })
        }
    }
}

/// A value as Lua's `tostring` writes it: the VM's own conversion
/// (`%.14g` floats, `__tostring`, `table: 0x...`). Should `__tostring`
/// fail, the value's type name stands in.
fn show(cx: &mut lunar::Ctx<'_>, v: &Value) -> String {
    let Ok(raw) = cx.to_raw(v) else {
        return v.type_name().to_string();
    };
    match cx.vm().to_display(raw) {
        Ok(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        Err(_) => {
            cx.vm().take_error_value();
            v.type_name().to_string()
        }
    }
}

/// The page: an editor, a Run button, and the run's output.
const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lunar playground</title>
<style>
body { font: 15px system-ui, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; }
textarea { width: 100%; height: 16em; font: 14px monospace; }
pre { background: #f4f4f4; padding: .8em; min-height: 3em; white-space: pre-wrap; }
#error { color: #b00020; }
</style></head>
<body>
<h1>Lunar playground</h1>
<p>Lua 5.4 in a sandboxed state: safe libraries and <code>json</code>, one million instructions, 16 MiB, two seconds.</p>
<textarea id="source" spellcheck="false">local t = {}
for i = 1, 5 do t[i] = i * i end
print(json.encode(t))
return #t</textarea>
<p><button id="run">Run</button> <span id="instructions"></span></p>
<h2>Output</h2><pre id="output"></pre>
<h2>Result</h2><pre id="result"></pre><pre id="error"></pre>
<script>
document.getElementById("run").addEventListener("click", async () => {
  const source = document.getElementById("source").value;
  const r = await fetch("/playground/run", { method: "POST", body: source });
  const j = await r.json();
  document.getElementById("output").textContent = j.output || "";
  document.getElementById("result").textContent = j.result || "";
  document.getElementById("error").textContent = j.error || "";
  document.getElementById("instructions").textContent = j.instructions + " instructions";
});
</script>
</body></html>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_prints_and_stops_at_limits() {
        let r = run_script(b"print('a', 1, 2.0, nil) for i = 1, 10 do end return 1 + 1").await;
        assert_eq!(r["output"], "a\t1\t2.0\tnil\n");
        assert_eq!(r["result"], "2");
        assert!(r["instructions"].as_u64().unwrap() > 0);
        let r = run_script(b"while true do end").await;
        assert_eq!(r["error"], "lunar: instructions limit exceeded");
        let r = run_script(b"return io, os.execute, json.encode({1, 2})").await;
        assert_eq!(r["result"], "nil\tnil\t[1,2]");
        let r = run_script(b"kv.set('k', 'v') sleep(0.01) return kv.get('k')").await;
        assert_eq!(r["result"], "v");
        let r = run_script(b"x = = 1").await;
        assert!(
            r["error"].as_str().unwrap().starts_with("playground:1:"),
            "{r}"
        );
    }
}
