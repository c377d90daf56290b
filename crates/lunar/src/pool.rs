//! [`Pool`]: states for many threads, one per thread, each reset after
//! every use so that no run sees what another left behind.
//!
//! Each thread keeps its own state for each pool in a thread-local slot:
//! once a thread has made its state, [`Pool::with`] takes no lock and
//! touches no atomic (the pool's id is a plain number, and the slot is
//! the thread's own). After each use the state is reset
//! ([`State::reset`]): globals, loaded modules, metatables and every
//! value the run made are gone, and the next user gets the state as the
//! pool's [`StateBuilder`] makes it.

use crate::convert::{FromLuaMulti, IntoLuaMulti};
use crate::error::Result;
use crate::program::Program;
use crate::state::{State, StateBuilder};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

/// Hands out states made by one [`StateBuilder`], one per thread, reset
/// after each use. `Send + Sync + Clone` (clones share the pool): make
/// one at start-up and give it to every worker.
///
/// ```
/// use lunar::{Pool, Program, State, StdLib};
///
/// let pool = Pool::new(State::builder().libs(StdLib::SAFE));
/// let program = Program::compile("count.lua", "hits = (hits or 0) + 1 return hits").unwrap();
/// let workers: Vec<_> = (0..4).map(|_| {
///     let (pool, program) = (pool.clone(), program.clone());
///     std::thread::spawn(move || {
///         (0..3).map(|_| pool.with(|state| state.run::<i64>(&program).unwrap())).collect::<Vec<_>>()
///     })
/// }).collect();
/// for w in workers {
///     // Every run starts from a fresh state: `hits` never survives.
///     assert_eq!(w.join().unwrap(), [1, 1, 1]);
/// }
/// ```
#[derive(Clone)]
pub struct Pool {
    shared: Arc<Shared>,
}

/// What the clones of a pool share.
struct Shared {
    /// The key of this pool's states in each thread's slots.
    id: u64,
    builder: StateBuilder,
}

/// Ids of pools (taken once per pool, never on the path of `with`).
static NEXT_POOL_ID: AtomicU64 = AtomicU64::new(1);

/// A thread's state for one pool.
struct Slot {
    pool: u64,
    /// Whether the pool still exists (dead pools' slots are dropped when
    /// a thread adds a slot).
    alive: Weak<Shared>,
    /// The state, ready for use; `None` while it is in use.
    state: Option<State>,
}

thread_local! {
    /// This thread's states, one per pool it used.
    static SLOTS: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
}

impl Default for Pool {
    /// A pool of states with the whole standard library.
    fn default() -> Pool {
        Pool::new(State::builder())
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("id", &self.shared.id)
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// A pool whose states `builder` makes (libraries, modules, limits).
    ///
    /// ```
    /// let pool = lunar::Pool::new(lunar::State::builder().libs(lunar::StdLib::SAFE));
    /// let has_io: bool = pool.with(|s| s.exec("t.lua", "return io ~= nil")).unwrap();
    /// assert!(!has_io);
    /// ```
    pub fn new(builder: StateBuilder) -> Pool {
        Pool {
            shared: Arc::new(Shared {
                id: NEXT_POOL_ID.fetch_add(1, Ordering::Relaxed),
                builder,
            }),
        }
    }

    /// Runs `f` on this thread's state, then resets the state. A nested
    /// `with` on the same pool and thread gets a state of its own. If `f`
    /// panics, the state is dropped and the thread's next use makes a new
    /// one.
    ///
    /// ```
    /// let pool = lunar::Pool::default();
    /// pool.with(|s| s.exec::<()>("t.lua", "x = 1")).unwrap();
    /// let x: Option<i64> = pool.with(|s| s.get_global("x")).unwrap();
    /// assert_eq!(x, None);
    /// ```
    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut state = self.take();
        let r = f(&mut state);
        self.give_back(state);
        r
    }

    /// Runs `program` with `args` on this thread's state (a shortcut for
    /// [`with`](Self::with) and [`State::run_with`]). The results must
    /// not hold handles ([`Table`](crate::Table)…): the state is reset
    /// before this returns, so convert them to Rust values.
    ///
    /// ```
    /// let pool = lunar::Pool::default();
    /// let p = lunar::Program::compile("t.lua", "local a, b = ... return a * b").unwrap();
    /// assert_eq!(pool.run_with::<_, i64>(&p, (6, 7)).unwrap(), 42);
    /// ```
    pub fn run_with<A: IntoLuaMulti, R: FromLuaMulti>(
        &self,
        program: &Program,
        args: A,
    ) -> Result<R> {
        // The state is reset after the run, so keeping the program's
        // runtime form in it (as `State::run_with` does) would be work
        // thrown away.
        self.with(|state| state.ctx().run_program(program, args, false))
    }

    /// This thread's state as a guard that gives it back (reset) when
    /// dropped.
    ///
    /// ```
    /// let pool = lunar::Pool::default();
    /// {
    ///     let mut state = pool.get();
    ///     state.set_global("x", 1).unwrap();
    ///     assert_eq!(state.get_global::<i64>("x").unwrap(), 1);
    /// }
    /// assert_eq!(pool.get().get_global::<Option<i64>>("x").unwrap(), None);
    /// ```
    pub fn get(&self) -> PooledState<'_> {
        PooledState {
            pool: self,
            state: Some(self.take()),
        }
    }

    /// This thread's ready state, or a new one.
    fn take(&self) -> State {
        let id = self.shared.id;
        let cached = SLOTS
            .try_with(|slots| {
                let mut slots = slots.borrow_mut();
                slots
                    .iter_mut()
                    .find(|s| s.pool == id)
                    .and_then(|s| s.state.take())
            })
            .ok()
            .flatten();
        cached.unwrap_or_else(|| self.shared.builder.clone().build())
    }

    /// Resets `state` and keeps it as this thread's ready state (unless
    /// the thread already has one, from a nested use, or is exiting).
    fn give_back(&self, mut state: State) {
        state.reset();
        let id = self.shared.id;
        let mut state = Some(state);
        // What is not kept is dropped after the slots are released: the
        // drop runs the `Drop` of userdata, which may use a pool again.
        let mut dead = Vec::new();
        let _ = SLOTS.try_with(|slots| {
            let mut slots = slots.borrow_mut();
            if let Some(slot) = slots.iter_mut().find(|s| s.pool == id) {
                if slot.state.is_none() {
                    slot.state = state.take();
                }
                return;
            }
            // A new slot (once per thread and pool): forget the slots of
            // pools that no longer exist.
            let (live, gone): (Vec<Slot>, Vec<Slot>) = std::mem::take(&mut *slots)
                .into_iter()
                .partition(|s| s.alive.strong_count() > 0);
            *slots = live;
            dead = gone;
            slots.push(Slot {
                pool: id,
                alive: Arc::downgrade(&self.shared),
                state: state.take(),
            });
        });
        drop(dead);
        drop(state);
    }
}

/// A state lent by [`Pool::get`]: use it as a [`State`]; dropping it
/// resets it and gives it back to the thread's slot.
///
/// ```
/// let pool = lunar::Pool::default();
/// let mut state = pool.get();
/// let n: i64 = state.exec("t.lua", "return 1 + 1").unwrap();
/// assert_eq!(n, 2);
/// ```
pub struct PooledState<'p> {
    pool: &'p Pool,
    state: Option<State>,
}

impl std::ops::Deref for PooledState<'_> {
    type Target = State;
    fn deref(&self) -> &State {
        self.state
            .as_ref()
            .expect("a pooled state is present until dropped")
    }
}

impl std::ops::DerefMut for PooledState<'_> {
    fn deref_mut(&mut self) -> &mut State {
        self.state
            .as_mut()
            .expect("a pooled state is present until dropped")
    }
}

impl Drop for PooledState<'_> {
    fn drop(&mut self) {
        if let Some(state) = self.state.take() {
            self.pool.give_back(state);
        }
    }
}

impl std::fmt::Debug for PooledState<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PooledState")
            .field("pool", self.pool)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_pool_leaves_no_slot_behind() {
        let count = || SLOTS.with(|s| s.borrow().len());
        let before = count();
        let a = Pool::default();
        a.with(|_| ());
        assert_eq!(count(), before + 1);
        drop(a);
        let b = Pool::default();
        b.with(|_| ());
        // a's slot went when b's was added.
        assert_eq!(count(), before + 1);
    }

    #[test]
    fn nested_use_gets_its_own_state() {
        let pool = Pool::default();
        pool.with(|outer| {
            outer.set_global("mark", 1).unwrap();
            pool.with(|inner| {
                assert_eq!(inner.get_global::<Option<i64>>("mark").unwrap(), None);
            });
            assert_eq!(outer.get_global::<i64>("mark").unwrap(), 1);
        });
    }

    #[test]
    fn the_thread_keeps_one_state_per_pool() {
        let pool = Pool::default();
        let first = pool.with(|s| s.vm().id());
        let second = pool.with(|s| s.vm().id());
        // Reset makes a new VM, but the state (the slot) is the same:
        // one state held per thread and pool.
        assert_ne!(first, second);
        let held = SLOTS.with(|s| {
            s.borrow()
                .iter()
                .filter(|s| s.pool == pool.shared.id && s.state.is_some())
                .count()
        });
        assert_eq!(held, 1);
    }
}
