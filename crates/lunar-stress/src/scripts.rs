//! The suite's scripts and server configurations: the routes each test
//! loads, written into a folder under the report's, so that a reader can
//! serve the same folder by hand.

/// A file to write: a path relative to a folder, and its text.
pub type File = (String, String);

fn file(name: &str, text: &str) -> File {
    (name.to_string(), text.to_string())
}

/// The trivial route of tests 1, 2 and 4: a one-line JSON answer.
pub const OK: &str = "-- The light route: a one-line JSON answer.
return function(req)
  return { ok = true }
end
";

/// A CPU-bound route: fib(22) by plain recursion (57,313 calls).
pub const CPU: &str = "-- A CPU-bound route: fib(22) by plain recursion.
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end
return function(req)
  return { fib = fib(22) }
end
";

/// The routes of tests 1 and 2.
pub fn throughput_routes() -> Vec<File> {
    vec![file("ok.lua", OK)]
}

/// The routes of test 4; `sleep_ms` is how long `/sleep` waits, and
/// `upstream` the address `/upstream` calls.
pub fn mixed_routes(sleep_ms: u64, upstream: std::net::SocketAddr) -> Vec<File> {
    vec![
        file("ok.lua", OK),
        file("cpu.lua", CPU),
        file(
            "sleep.lua",
            &format!(
                "-- Waits without holding the worker.
return function(req)
  sleep({})
  return {{ slept = true }}
end
",
                sleep_ms as f64 / 1000.0
            ),
        ),
        file(
            "upstream.lua",
            &format!(
                "-- Calls a slow upstream over HTTP.
return function(req)
  local r, err = http.get(\"http://{upstream}/\")
  if not r then error(err) end
  return {{ upstream = r.body }}
end
"
            ),
        ),
    ]
}

/// The configuration of test 4: the upstream's host allowed.
pub fn mixed_config() -> String {
    "[http]\nallow_hosts = [\"127.0.0.1\"]\ntimeout_ms = 5000\n".to_string()
}

/// What the soak's `/flaky` route serves; `version` changes with each good
/// save so that a reader of the log can tell the versions apart.
pub fn flaky(version: u64) -> String {
    format!(
        "-- Saved again and again during the soak, sometimes broken.
return function(req)
  return {{ version = {version} }}
end
"
    )
}

/// A broken save of `/flaky`: a syntax error the reload must reject while
/// the previous version keeps serving.
pub const FLAKY_BROKEN: &str = "-- A syntax error saved while the server runs.
return function(req
  return { version = 
";

/// One kind of soak request: route, method, body, expected status and
/// what it exercises.
#[derive(Debug, Clone)]
pub struct SoakKind {
    /// Path.
    pub route: &'static str,
    /// What it exercises.
    pub kind: &'static str,
    /// The status it must get.
    pub status: u16,
    /// A POST body, if any.
    pub body: Option<&'static str>,
    /// Share of the soak's rate (before scaling).
    pub weight: f64,
}

/// The soak's mix of requests.
pub fn soak_kinds() -> Vec<SoakKind> {
    let k = |route, kind, status, body, weight| SoakKind {
        route,
        kind,
        status,
        body,
        weight,
    };
    vec![
        k("/ok", "ok", 200, None, 0.50),
        k("/flaky", "reloaded (sometimes broken)", 200, None, 0.15),
        k("/error", "script error", 500, None, 0.10),
        k("/table-error", "non-string error value", 500, None, 0.05),
        k(
            "/echo",
            "malformed JSON body",
            400,
            Some("{\"a\": [1, 2,"),
            0.10,
        ),
        k("/recurse", "unbounded recursion", 500, None, 0.005),
        k(
            "/loop",
            "infinite loop (instruction limit)",
            503,
            None,
            0.005,
        ),
        k("/spin", "infinite loop (deadline)", 504, None, 0.002),
        k("/bomb", "memory bomb (memory limit)", 503, None, 0.005),
        k("/yield", "yield at the top level", 500, None, 0.02),
    ]
}

/// The soak's routes.
pub fn soak_routes() -> Vec<File> {
    vec![
        file("ok.lua", OK),
        file("flaky.lua", &flaky(0)),
        file(
            "error.lua",
            "return function(req)\n  error(\"a script error, on purpose\")\nend\n",
        ),
        file(
            "table-error.lua",
            "return function(req)\n  error({ code = 42 })\nend\n",
        ),
        file(
            "echo.lua",
            "return function(req)\n  return { body = req:json() }\nend\n",
        ),
        file(
            "recurse.lua",
            "local function down(n) return 1 + down(n + 1) end\nreturn function(req)\n  return down(1)\nend\n",
        ),
        file(
            "loop.lua",
            "return function(req)\n  local n = 0\n  while true do n = n + 1 end\nend\n",
        ),
        file(
            "spin.lua",
            "return function(req)\n  local n = 0\n  while true do n = n + 1 end\nend\n",
        ),
        file(
            "bomb.lua",
            "return function(req)\n  local t = {}\n  for i = 1, math.huge do t[i] = string.rep(\"x\", 1000) .. i end\nend\n",
        ),
        file(
            "yield.lua",
            "return function(req)\n  coroutine.yield(1)\nend\n",
        ),
        file(
            "slow.lua",
            "return function(req)\n  sleep(0.05)\n  return { ok = true }\nend\n",
        ),
    ]
}

/// The soak's configuration: tight limits on the faulty routes so that
/// each fault costs the worker little.
pub fn soak_config() -> String {
    "drain_timeout_ms = 5000
[routes.\"/loop\"]
instructions = 2_000_000
[routes.\"/spin\"]
deadline_ms = 50
instructions = 10_000_000_000
[routes.\"/bomb\"]
memory = 4_194_304
"
    .to_string()
}

/// `n` scripts for the cold-start test, each a small but real handler
/// (a helper, a table, string work), served as `/r0` ... `/r{n-1}`.
pub fn cold_start_routes(n: usize) -> Vec<File> {
    (0..n)
        .map(|i| (format!("r{i}.lua"), cold_script(i as i64)))
        .collect()
}

/// The script of `/r{n}` (also written again by the reload check with a
/// new number).
pub fn cold_script(n: i64) -> String {
    format!(
        "-- Route {n}: a small handler with helpers, as real routes have.
local names = {{ \"alpha\", \"beta\", \"gamma\", \"delta\" }}

local function greet(name)
  return string.format(\"hello, %s (%d)\", name, #name)
end

local function pick(q)
  local i = tonumber(q) or 1
  return names[(i - 1) % #names + 1]
end

return function(req)
  local name = pick(req.query.i)
  return {{ n = {n}, greeting = greet(name), upper = name:upper() }}
end
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every script the suite serves compiles.
    #[test]
    fn every_script_compiles() {
        let upstream = std::net::SocketAddr::from(([127, 0, 0, 1], 9));
        let mut all = throughput_routes();
        all.extend(mixed_routes(100, upstream));
        all.extend(soak_routes());
        all.extend(cold_start_routes(3));
        all.push(file("flaky1.lua", &flaky(1)));
        for (name, text) in &all {
            if let Err(e) = lunar::Program::compile(name, text) {
                panic!("{name} does not compile: {e}");
            }
        }
        assert!(lunar::Program::compile("broken", FLAKY_BROKEN).is_err());
    }

    #[test]
    fn every_soak_kind_has_a_script() {
        let routes = soak_routes();
        for k in soak_kinds() {
            let name = format!("{}.lua", &k.route[1..]);
            assert!(routes.iter().any(|(n, _)| *n == name), "{name}");
        }
    }
}
