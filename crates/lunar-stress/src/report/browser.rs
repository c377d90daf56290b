//! Headless Chromium, for the report's screenshot and for the test that
//! checks every chart renders: finding the binary, running it with a
//! throw-away profile and a time limit, and reading what it printed.

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The width of the screenshot, CSS pixels (the page's layout width).
const SHOT_WIDTH: u32 = 1280;
/// The tallest screenshot taken; a longer page is cut there.
const MAX_SHOT_HEIGHT: u32 = 16_000;
/// How long one Chromium run may take.
const TIMEOUT: Duration = Duration::from_secs(90);

/// The Chromium binary: `$LUNAR_CHROMIUM` when set, else the first of
/// `chromium`, `chromium-browser`, `google-chrome`,
/// `google-chrome-stable` found on `PATH`; `None` when there is none.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LUNAR_CHROMIUM") {
        let p = PathBuf::from(p);
        return is_executable(&p).then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if is_executable(&candidate) {
                return Some(candidate);
            }
        }
    }
    None
}

fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Loads `html` in headless Chromium (`--dump-dom
/// --virtual-time-budget=5000`, so that load handlers have run) and
/// returns the DOM it serialised.
pub fn dump_dom(html: &Path) -> Result<String, String> {
    let url = file_url(html)?;
    let out = run_chromium(
        &[
            "--dump-dom".to_string(),
            "--virtual-time-budget=5000".to_string(),
            url,
        ],
        TIMEOUT,
    )?;
    String::from_utf8(out).map_err(|_| "Chromium printed a DOM that is not UTF-8".to_string())
}

/// A PNG of the rendered report (`chromium --headless --screenshot
/// --window-size=1280,H --hide-scrollbars`), for the README. H is the
/// page's full height, measured first by loading a copy of the page
/// with a small script (at most 16000 pixels).
pub fn screenshot(html: &Path, png: &Path) -> Result<(), String> {
    let height = page_height(html)?.clamp(200, MAX_SHOT_HEIGHT);
    if let Some(parent) = png.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let png_abs = std::path::absolute(png).map_err(|e| format!("{}: {e}", png.display()))?;
    // A stale file must not pass for a new screenshot.
    let _ = std::fs::remove_file(&png_abs);
    run_chromium(
        &[
            "--hide-scrollbars".to_string(),
            format!("--window-size={SHOT_WIDTH},{height}"),
            format!("--screenshot={}", png_abs.display()),
            file_url(html)?,
        ],
        TIMEOUT,
    )?;
    let bytes = std::fs::read(&png_abs)
        .map_err(|e| format!("Chromium wrote no screenshot at {}: {e}", png_abs.display()))?;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(format!("{} is not a PNG", png_abs.display()));
    }
    Ok(())
}

/// The page's height at the screenshot's width: a copy of the page with
/// a script that writes `scrollHeight` into an element, read back from
/// the dumped DOM.
fn page_height(html: &Path) -> Result<u32, String> {
    let page = std::fs::read_to_string(html)
        .map_err(|e| format!("cannot read {}: {e}", html.display()))?;
    let script = "<pre id=\"lunar-height\"></pre><script>addEventListener('load', function () {\
        document.getElementById('lunar-height').textContent = \
        'height=' + Math.ceil(document.documentElement.getBoundingClientRect().height) + ';';\
        });</script>";
    let copy = match page.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &page[..i], &page[i..]),
        None => format!("{page}{script}"),
    };
    let dir = TempDir::new("measure")?;
    let copy_path = dir.path().join("measure.html");
    std::fs::write(&copy_path, copy).map_err(|e| format!("cannot write the copy: {e}"))?;
    let out = run_chromium(
        &[
            format!("--window-size={SHOT_WIDTH},200"),
            "--dump-dom".to_string(),
            "--virtual-time-budget=5000".to_string(),
            file_url(&copy_path)?,
        ],
        TIMEOUT,
    )?;
    let dom = String::from_utf8_lossy(&out);
    // The script's own source holds `height=` too: look in the element.
    let marker = "<pre id=\"lunar-height\">height=";
    let start = dom
        .find(marker)
        .ok_or("Chromium did not run the measuring script")?
        + marker.len();
    let end = dom[start..]
        .find(';')
        .ok_or("the measured height is cut short")?;
    dom[start..start + end]
        .parse::<u32>()
        .map_err(|e| format!("the measured height does not parse: {e}"))
}

/// A `file://` URL for `path` (made absolute, bytes outside the
/// unreserved set percent-encoded).
fn file_url(path: &Path) -> Result<String, String> {
    use std::os::unix::ffi::OsStrExt;
    let abs = std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut url = "file://".to_string();
    for &b in abs.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(url)
}

/// A directory under the system's temporary directory, removed (with
/// what it holds) when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> Result<TempDir, String> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "lunar-report-{what}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs headless Chromium with `args` after the common flags, a fresh
/// profile and a time limit; returns its standard output.
///
/// `--no-sandbox`: the pages are our own files, and Chromium refuses to
/// start sandboxed as root (containers, CI). It runs in its own process
/// group so that on a timeout the whole browser, helpers included, is
/// killed and nothing else.
fn run_chromium(args: &[String], timeout: Duration) -> Result<Vec<u8>, String> {
    let chromium = find_chromium().ok_or("chromium is not installed")?;
    run_browser(&chromium, args, timeout)
}

/// [`run_chromium`] with the binary given.
fn run_browser(chromium: &Path, args: &[String], timeout: Duration) -> Result<Vec<u8>, String> {
    let dir = TempDir::new("chromium")?;
    let stdout_path = dir.path().join("stdout");
    let stderr_path = dir.path().join("stderr");
    let stdout = std::fs::File::create(&stdout_path).map_err(|e| e.to_string())?;
    let stderr = std::fs::File::create(&stderr_path).map_err(|e| e.to_string())?;
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-crash-reporter",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", chromium.display()))?;
    let group = Pid::from_raw(child.id() as i32);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                // The leader is not reaped yet, so the group is still
                // the browser's.
                let _ = killpg(group, Signal::SIGKILL);
                let _ = child.wait();
                return Err(format!(
                    "Chromium did not finish within {} s",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("cannot wait for Chromium: {e}")),
        }
    };
    // No group kill after a normal exit: the browser takes its helpers
    // down with it, and once it is reaped its group id may be reused.
    if !status.success() {
        let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        let tail: Vec<&str> = err.lines().rev().take(5).collect();
        return Err(format!(
            "Chromium failed ({status}): {}",
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        ));
    }
    std::fs::read(&stdout_path).map_err(|e| format!("cannot read Chromium's output: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in browser: a shell script in a fresh directory.
    fn fake_browser(dir: &TempDir, body: &str) -> PathBuf {
        let path = dir.path().join("fake-chromium");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn a_browser_that_hangs_is_killed_with_its_children() {
        let dir = TempDir::new("fake-hang").unwrap();
        let pid_file = dir.path().join("child.pid");
        // The script starts a child (as Chromium starts helpers) and
        // hangs; both must be gone after the timeout.
        let bin = fake_browser(
            &dir,
            &format!("sleep 60 & echo $! > {}\nwait", pid_file.display()),
        );
        let started = Instant::now();
        let err = run_browser(&bin, &[], Duration::from_millis(500)).unwrap_err();
        assert!(err.contains("did not finish"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
        let child: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // Killed, and reaped by init once orphaned: poll until the pid
        // no longer names a live `sleep`.
        let gone = (0..100).any(|_| {
            let alive = std::fs::read_to_string(format!("/proc/{child}/stat"))
                .is_ok_and(|stat| !stat.contains(") Z "));
            if alive {
                std::thread::sleep(Duration::from_millis(20));
            }
            !alive
        });
        assert!(gone, "the browser's child {child} survived");
    }

    #[test]
    fn a_browser_that_fails_reports_its_stderr() {
        let dir = TempDir::new("fake-fail").unwrap();
        let bin = fake_browser(&dir, "echo 'no display' >&2; exit 3");
        let err = run_browser(&bin, &[], Duration::from_secs(10)).unwrap_err();
        assert!(err.contains("no display"), "{err}");
    }

    #[test]
    fn the_output_is_what_the_browser_printed() {
        let dir = TempDir::new("fake-ok").unwrap();
        // The page's URL comes last, after the common flags.
        let bin = fake_browser(&dir, "for a; do last=$a; done; echo \"<html>$last</html>\"");
        let out = run_browser(
            &bin,
            &["file:///x.html".to_string()],
            Duration::from_secs(10),
        );
        assert_eq!(out.unwrap(), b"<html>file:///x.html</html>\n");
    }

    #[test]
    fn file_urls_are_absolute_and_encoded() {
        let url = file_url(Path::new("/tmp/a b/r\u{e9}port.html")).unwrap();
        assert_eq!(url, "file:///tmp/a%20b/r%C3%A9port.html");
        assert!(
            file_url(Path::new("x.html"))
                .unwrap()
                .starts_with("file:///")
        );
    }
}
