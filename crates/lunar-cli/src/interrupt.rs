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
//! A thread of its own receives the signals (signal-hook's iterator), so
//! that nothing but a write to a pipe happens in the signal handler.

use lunar::vm::InterruptHandle;
use signal_hook::consts::SIGINT;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// The message of the error a Ctrl-C raises.
const INTERRUPTED: &str = "interrupted!";

/// Routes the process's SIGINTs to the run in progress.
pub struct Interrupts {
    shared: Arc<Shared>,
}

/// The stack size of the thread that receives the signals.
const SIGNAL_THREAD_STACK: usize = 64 << 10;

/// What the signal thread and the interpreter share.
struct Shared {
    /// Raises the error in the interpreter's state.
    handle: InterruptHandle,
    /// A chunk is running.
    running: AtomicBool,
    /// The interactive loop with a line editor is on: SIGINT outside runs
    /// is ignored.
    in_repl: AtomicBool,
    /// SIGINTs seen during the current run.
    hits: AtomicU32,
}

impl Interrupts {
    /// Starts routing SIGINT to the state that `handle` interrupts. When
    /// the handler cannot be installed, SIGINT keeps its default action.
    pub fn install(handle: InterruptHandle) -> Interrupts {
        let shared = Arc::new(Shared {
            handle,
            running: AtomicBool::new(false),
            in_repl: AtomicBool::new(false),
            hits: AtomicU32::new(0),
        });
        listen(&shared);
        Interrupts { shared }
    }

    /// Calls `f`, which runs a chunk, with Ctrl-C stopping it.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        let s = &self.shared;
        s.hits.store(0, Ordering::SeqCst);
        s.running.store(true, Ordering::SeqCst);
        let r = f();
        s.running.store(false, Ordering::SeqCst);
        // A SIGINT that came as the chunk ended must not stop the next one.
        s.handle.clear();
        r
    }

    /// Marks the start (`true`) and end of the interactive loop with a
    /// line editor.
    pub fn set_in_repl(&self, on: bool) {
        self.shared.in_repl.store(on, Ordering::SeqCst);
    }
}

/// Installs the SIGINT handler and starts the thread that receives the
/// signals. The handler is installed here, so that it is in place before
/// any chunk runs; the thread only waits, on a small stack, and nobody
/// waits for it to start (its start-up overlaps the opening of the
/// state).
#[cfg(unix)]
fn listen(shared: &Arc<Shared>) {
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT]) else {
        return; // SIGINT keeps its default action
    };
    let s = shared.clone();
    // A thread that cannot start (the system is out of threads) leaves
    // Ctrl-C without effect; the run goes on.
    let _ = std::thread::Builder::new()
        .stack_size(SIGNAL_THREAD_STACK)
        .spawn(move || {
            for _ in signals.forever() {
                s.on_sigint();
            }
        });
}

/// Elsewhere Ctrl-C keeps the platform's default action.
#[cfg(not(unix))]
fn listen(_shared: &Arc<Shared>) {}

impl Shared {
    /// What a SIGINT does.
    fn on_sigint(&self) {
        if !self.running.load(Ordering::SeqCst) {
            if self.in_repl.load(Ordering::SeqCst) {
                return;
            }
            die_of_interrupt();
        }
        if self.hits.fetch_add(1, Ordering::SeqCst) >= 1 {
            die_of_interrupt();
        }
        self.handle.raise_error(INTERRUPTED);
    }
}

/// Ends the process as SIGINT's default action does, so that the parent
/// sees it killed by the signal (a shell shows status 130).
fn die_of_interrupt() -> ! {
    let _ = signal_hook::low_level::emulate_default_handler(SIGINT);
    // Not reached unless the signal could not be raised.
    signal_hook::low_level::exit(128 + SIGINT)
}
