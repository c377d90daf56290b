//! Hot reload: a watcher on the served folder (notify, debounced) that
//! rescans and recompiles the scripts after changes settle, on its own
//! thread. A script that fails to compile keeps its last good version
//! (see `routes.rs`).

use crate::server::Shared;
use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer};
use std::sync::Arc;
use std::time::Duration;

/// How long changes must settle before a reload: an editor's save (write
/// to a temporary file, rename) is one reload, not three.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Starts watching `shared.config.dir`; the returned value keeps the
/// watcher alive.
pub(crate) fn watch(shared: Arc<Shared>) -> Result<Box<dyn std::any::Any + Send>, String> {
    let dir = shared.config.dir.clone();
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) if !events.is_empty() => crate::server::reload(&shared),
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
