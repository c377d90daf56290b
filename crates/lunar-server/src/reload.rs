//! Hot reload: a watcher on the served folder (notify, debounced) that
//! rescans and recompiles the scripts after changes settle, on its own
//! thread. A script that fails to compile keeps its last good version
//! (see `routes.rs`).
//!
//! The watcher also reports files being opened and read, which the scan
//! itself does; so a batch of events reloads only when the folder's
//! fingerprint (each script's path, size and modification time) changed.
//! Without that check every reload would trigger the next one, and each
//! would drop the workers' states.

use crate::server::Shared;
use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// How long changes must settle before a reload: an editor's save (write
/// to a temporary file, rename) is one reload, not three.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// What a reload would see: every `.lua` file's path, size and
/// modification time, sorted.
type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// Starts watching `shared.config.dir`; the returned value keeps the
/// watcher alive.
pub(crate) fn watch(shared: Arc<Shared>) -> Result<Box<dyn std::any::Any + Send>, String> {
    let dir = shared.config.dir.clone();
    let seen = Mutex::new(fingerprint(&dir));
    let watched = dir.clone();
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) if !events.is_empty() => {
            let now = fingerprint(&watched);
            let Ok(mut seen) = seen.lock() else { return };
            if *seen != now {
                *seen = now;
                crate::server::reload(&shared);
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "watching the scripts failed"),
    };
    let mut debouncer = new_debouncer(DEBOUNCE, handler)
        .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
    debouncer
        .watcher()
        .watch(&dir, RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
    Ok(Box::new(debouncer))
}

/// The fingerprint of the scripts under `dir`, the files a scan reads
/// (metadata only: nothing is opened, so taking it makes no event).
fn fingerprint(dir: &Path) -> Fingerprint {
    let mut files = Vec::new();
    // An unreadable folder fingerprints as what could be read of it; the
    // reload then reports the error.
    let _ = crate::routes::collect_scripts(dir, dir, &mut files);
    let mut out: Fingerprint = files
        .into_iter()
        .map(|rel| {
            let meta = std::fs::metadata(dir.join(&rel)).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let modified = meta.and_then(|m| m.modified().ok());
            (rel, len, modified)
        })
        .collect();
    out.sort();
    out
}
