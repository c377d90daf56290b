//! The playground in a real browser: headless Chromium loads the page
//! from a server started in this process, a script is typed into the
//! editor, the Run button is clicked with the mouse, and the page must
//! show what the script printed, its result and its instruction count.
//!
//! Chromium is driven over the DevTools protocol through
//! `--remote-debugging-pipe`: commands go in on its descriptor 3 and
//! answers come out on descriptor 4, each a JSON message ended by a NUL
//! byte. A shell `exec` with redirections hands it our child's stdin and
//! stdout as those descriptors, so the client is the few functions below
//! on `serde_json` (no websocket, no CDP crate, no `unsafe`).
//!
//! Without a Chromium (`chromium`, `chromium-browser`, or the path in
//! `LUNAR_CHROMIUM`) the test says it skipped, unless
//! `LUNAR_REQUIRE_CHROMIUM=1` (CI sets it), which makes that a failure.
//! `LUNAR_BROWSER_SCREENSHOT=FILE.png` saves the page after the runs.

use lunar_server::{Config, Server};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long one DevTools command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// How long the page may take to show a run's answer.
const RUN_TIMEOUT: Duration = Duration::from_secs(20);

/// The Chromium to drive, if there is one.
fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LUNAR_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"]
        .iter()
        .flat_map(|name| std::env::split_paths(&paths).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// A temporary folder that removes itself.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("lunar-browser-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A headless Chromium and the pipe to its DevTools.
struct Browser {
    child: Child,
    commands: ChildStdin,
    /// Messages from the browser (answers and events), one per item.
    messages: Receiver<Value>,
    next_id: u64,
    /// Exceptions the page threw (`Runtime.exceptionThrown`), as text.
    page_errors: Vec<String>,
    /// Where Chromium's own log goes (shown when a step fails).
    log: PathBuf,
}

impl Browser {
    /// Starts `chromium` headless with a fresh profile in `profile`.
    fn start(chromium: &Path, profile: &Path) -> Browser {
        let log = profile.join("chromium.log");
        let log_file = std::fs::File::create(&log).unwrap();
        // The shell gives Chromium our pipe ends as descriptors 3 (its
        // commands) and 4 (its answers), and stdin/stdout elsewhere.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>&2"#)
            .arg(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--remote-debugging-pipe",
                "--window-size=1000,900",
            ])
            .arg(format!(
                "--user-data-dir={}",
                profile.join("user-data").display()
            ))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
        let commands = child.stdin.take().unwrap();
        let answers = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut answers = BufReader::new(answers);
            let mut message = Vec::new();
            loop {
                message.clear();
                match answers.read_until(0, &mut message) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if message.last() == Some(&0) {
                    message.pop();
                }
                let Ok(value) = serde_json::from_slice::<Value>(&message) else {
                    continue;
                };
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Browser {
            child,
            commands,
            messages,
            next_id: 0,
            page_errors: Vec::new(),
            log,
        }
    }

    /// Chromium's log so far, for a failure message.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let start = log.len().saturating_sub(3000);
        let start = (start..=log.len())
            .find(|&i| log.is_char_boundary(i))
            .unwrap_or(log.len());
        log[start..].to_string()
    }

    /// Sends a DevTools command (to a page when `session` is given) and
    /// waits for its result.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        if let Err(e) = self
            .commands
            .write_all(&bytes)
            .and_then(|()| self.commands.flush())
        {
            panic!(
                "cannot send {method} to Chromium ({e}); its log:\n{}",
                self.log_tail()
            );
        }
        let deadline = Instant::now() + COMMAND_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.messages.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "Chromium did not answer {method} in time; its log:\n{}",
                        self.log_tail()
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "Chromium closed the pipe during {method}; its log:\n{}",
                        self.log_tail()
                    )
                }
            };
            if message["id"] == json!(id) {
                if let Some(error) = message.get("error") {
                    panic!("{method} failed: {error}");
                }
                return message["result"].clone();
            }
            if message["method"] == "Runtime.exceptionThrown" {
                let details = &message["params"]["exceptionDetails"];
                let text = details["exception"]["description"]
                    .as_str()
                    .or(details["text"].as_str())
                    .unwrap_or("an exception");
                self.page_errors.push(text.to_string());
            }
        }
    }

    /// Evaluates `expression` in the page and returns its value (awaiting
    /// it when it is a promise); a thrown exception fails the test.
    fn eval(&mut self, session: &str, expression: &str) -> Value {
        let result = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(e) = result.get("exceptionDetails") {
            panic!("evaluating `{expression}` threw: {e}");
        }
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is true in the page.
    fn wait_for(&mut self, session: &str, expression: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.eval(session, expression) != json!(true) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for `{expression}`"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A left click with the mouse at the middle of the element `id`.
    fn click(&mut self, session: &str, id: &str) {
        let rect = self.eval(
            session,
            &format!(
                "(() => {{ const r = document.getElementById('{id}').getBoundingClientRect(); \
                 return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
            ),
        );
        let (x, y) = (rect[0].as_f64().unwrap(), rect[1].as_f64().unwrap());
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                Some(session),
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": 1 }),
            );
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ask nicely, then make sure: a browser must not outlive the test.
        let _ = self
            .commands
            .write_all(b"{\"id\":999999,\"method\":\"Browser.close\"}\0");
        let _ = self.commands.flush();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the page shows after a run.
#[derive(Debug)]
struct Shown {
    output: String,
    result: String,
    error: String,
    instructions: String,
}

/// Replaces the editor's text by typing `source`, clicks Run, and waits
/// for the page to show the answer.
fn run_in_page(browser: &mut Browser, session: &str, source: &str) -> Shown {
    // Clear what a previous run left, so the wait below sees this run.
    browser.eval(
        session,
        "document.getElementById('instructions').textContent = ''",
    );
    browser.click(session, "source");
    browser.eval(session, "document.getElementById('source').select()");
    browser.call(Some(session), "Input.insertText", json!({ "text": source }));
    let typed = browser.eval(session, "document.getElementById('source').value");
    assert_eq!(
        typed,
        json!(source),
        "the editor does not hold what was typed"
    );
    browser.click(session, "run");
    browser.wait_for(
        session,
        "document.getElementById('instructions').textContent !== ''",
        RUN_TIMEOUT,
    );
    let shown = browser.eval(
        session,
        "['output', 'result', 'error', 'instructions'].map(id => document.getElementById(id).textContent)",
    );
    let field = |i: usize| shown[i].as_str().unwrap_or_default().to_string();
    Shown {
        output: field(0),
        result: field(1),
        error: field(2),
        instructions: field(3),
    }
}

/// The number in "N instructions".
fn instruction_count(shown: &Shown) -> u64 {
    let n = shown
        .instructions
        .strip_suffix(" instructions")
        .unwrap_or_else(|| panic!("not an instruction count: {shown:?}"));
    n.parse()
        .unwrap_or_else(|_| panic!("not an instruction count: {shown:?}"))
}

/// Decodes standard base64 (the screenshot DevTools sends).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &d)| n | (d as u32) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes_what_devtools_sends() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGVsbG8h"), b"hello!");
    assert_eq!(base64_decode("aGk="), b"hi");
    assert_eq!(base64_decode("/+8="), [0xff, 0xef]);
}

#[test]
fn the_playground_runs_a_typed_script_in_chromium() {
    let Some(chromium) = find_chromium() else {
        if std::env::var_os("LUNAR_REQUIRE_CHROMIUM").is_some_and(|v| v == "1") {
            panic!(
                "LUNAR_REQUIRE_CHROMIUM=1 but no chromium was found (install Debian's `chromium`)"
            );
        }
        println!("skipped: no chromium found (install Debian's `chromium`, or set LUNAR_CHROMIUM)");
        return;
    };
    let scripts = TempDir::new("scripts");
    let server = Server::start(Config {
        dir: scripts.0.clone(),
        listen: "127.0.0.1:0".into(),
        workers: 1,
        reload: false,
        playground: true,
        ..Config::default()
    })
    .unwrap();
    let url = format!("http://{}/", server.local_addr());

    let profile = TempDir::new("profile");
    let mut browser = Browser::start(&chromium, &profile.0);
    let target = browser.call(None, "Target.createTarget", json!({ "url": "about:blank" }));
    let target_id = target["targetId"].as_str().unwrap().to_string();
    let attached = browser.call(
        None,
        "Target.attachToTarget",
        json!({ "targetId": target_id, "flatten": true }),
    );
    let session = attached["sessionId"].as_str().unwrap().to_string();
    browser.call(Some(&session), "Runtime.enable", json!({}));
    browser.call(Some(&session), "Page.enable", json!({}));
    browser.call(Some(&session), "Page.navigate", json!({ "url": url }));
    browser.wait_for(
        &session,
        "document.readyState === 'complete' && document.getElementById('run') !== null",
        RUN_TIMEOUT,
    );
    assert_eq!(
        browser.eval(&session, "document.title"),
        json!("Lunar playground")
    );

    // A script that prints and returns.
    let shown = run_in_page(
        &mut browser,
        &session,
        "local squares = {}\nfor i = 1, 4 do squares[i] = i * i end\nprint('squares', table.concat(squares, ','))\nprint(#squares)\nreturn 'done', 6 * 7",
    );
    assert_eq!(shown.output, "squares\t1,4,9,16\n4\n", "{shown:?}");
    assert_eq!(shown.result, "done\t42", "{shown:?}");
    assert_eq!(shown.error, "", "{shown:?}");
    let small = instruction_count(&shown);
    assert!(small > 0, "{shown:?}");

    // A longer loop costs more instructions: the count is the run's own.
    let shown = run_in_page(
        &mut browser,
        &session,
        "local n = 0\nfor i = 1, 1000 do n = n + i end\nreturn n",
    );
    assert_eq!(shown.result, "500500", "{shown:?}");
    assert_eq!(shown.output, "", "{shown:?}");
    assert!(
        instruction_count(&shown) > small + 1000,
        "{shown:?} vs {small}"
    );

    // An error shows in the error box, and the result is cleared.
    let shown = run_in_page(&mut browser, &session, "print('before')\nerror('boom')");
    assert_eq!(shown.output, "before\n", "{shown:?}");
    assert_eq!(shown.result, "", "{shown:?}");
    assert!(shown.error.contains("boom"), "{shown:?}");

    // A script that never ends is stopped by the playground's limit.
    let shown = run_in_page(&mut browser, &session, "while true do end");
    assert!(
        shown.error.contains("instructions limit exceeded"),
        "{shown:?}"
    );
    assert!(instruction_count(&shown) >= 1_000_000, "{shown:?}");

    if let Some(path) = std::env::var_os("LUNAR_BROWSER_SCREENSHOT") {
        let shot = browser.call(
            Some(&session),
            "Page.captureScreenshot",
            json!({ "format": "png" }),
        );
        std::fs::write(&path, base64_decode(shot["data"].as_str().unwrap())).unwrap();
    }
    // Drain the events that came after the last answer.
    browser.eval(&session, "0");
    assert!(
        browser.page_errors.is_empty(),
        "the page threw: {:?}",
        browser.page_errors
    );

    drop(browser);
    server.shutdown();
    server.wait();
}
