//! Ctrl-C (SIGINT) stops the running chunk, as in lua.c: the first SIGINT
//! during a run makes the state raise "interrupted!" as a Lua error (which
//! `pcall` can catch, as it can the error lua.c's hook raises) as soon as
//! the VM looks at its interrupt flag; a second one during the same run
//! ends the process, for a script stuck where the VM does not look (a
//! blocking read), as lua.c's handler, reset to the default action by the
//! first signal, does. Outside runs SIGINT ends the process as its
//! default action does, except in the interactive loop with a line
//! editor, which reads Ctrl-C as a key (dropping the line typed): a stray
//! SIGINT between two chunks is ignored there.
//!
//! The signal handler only stores into atomics (signal-hook's flag
//! actions, run in the order they were registered): no thread waits for
//! the signals, which would cost every start of the command a thread.

use lunar::vm::InterruptHandle;
use signal_hook::consts::SIGINT;
use signal_hook::flag;
use signal_hook::low_level;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The message of the error a Ctrl-C raises.
const INTERRUPTED: &str = "interrupted!";

/// Routes the process's SIGINTs to the run in progress.
pub struct Interrupts {
    /// Clears a request the state has not seen yet.
    handle: InterruptHandle,
    /// A SIGINT now ends the process (the first action of the handler
    /// looks at it): outside runs unless the line editor is on, and after
    /// the first SIGINT of a run.
    die: Arc<AtomicBool>,
    /// The interactive loop with a line editor is on.
    in_repl: bool,
    /// The handler could be installed: runs arm the second Ctrl-C.
    installed: bool,
}

impl Interrupts {
    /// Starts routing SIGINT to the state that `handle` interrupts. When
    /// the handler cannot be installed, SIGINT keeps its default action.
    pub fn install(handle: InterruptHandle) -> Interrupts {
        let die = Arc::new(AtomicBool::new(true));
        let (raise, value) = handle.raise_error_flag(INTERRUPTED);
        // First the test that ends the process, so that the signal that
        // arms it (below, during runs) does not also trip it.
        let installed = flag::register_conditional_default(SIGINT, die.clone()).is_ok()
            && flag::register_usize(SIGINT, raise, value).is_ok();
        Interrupts {
            handle,
            die,
            in_repl: false,
            installed,
        }
    }

    /// Calls `f`, which runs a chunk, with Ctrl-C stopping it.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        // A SIGINT that came before the chunk (between two chunks of the
        // interactive loop) must not stop it.
        self.handle.clear();
        self.die.store(false, Ordering::SeqCst);
        // The first SIGINT of the run arms the second, which ends the
        // process. (If the action cannot be added, a second Ctrl-C only
        // asks again.)
        let arm = self
            .installed
            .then(|| flag::register(SIGINT, self.die.clone()).ok())
            .flatten();
        let r = f();
        if let Some(id) = arm {
            low_level::unregister(id);
        }
        self.die.store(!self.in_repl, Ordering::SeqCst);
        // A SIGINT that came as the chunk ended must not stop the next one.
        self.handle.clear();
        r
    }

    /// Marks the start (`true`) and end of the interactive loop with a
    /// line editor.
    pub fn set_in_repl(&mut self, on: bool) {
        self.in_repl = on;
        self.die.store(!on, Ordering::SeqCst);
    }
}
