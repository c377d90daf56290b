//! Handles that keep a value alive for the host: [`Root`].
//!
//! A `Value` holding a table, a string or a function is a plain pointer
//! into its state's heap, valid only while the object is reachable from
//! Lua (see `gc`). A host that keeps a value between calls roots it: the
//! state traces every root whose handle still exists, and forgets a root
//! once its last handle is dropped (noticed at the next collection, so
//! dropping a handle needs no access to the state).

use crate::gc::Marker;
use crate::state::State;
use crate::value::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The slot a [`Root`] shares with its state.
struct Slot {
    /// The id of the state whose heap holds the value.
    owner: u64,
    /// The value (never changed after the root is made).
    value: Value,
}

// SAFETY: the value inside a slot is only ever given out by
// `State::rooted`, which checks that the asking state is the owner; only
// that state, on the thread that has it, dereferences the pointers inside
// (the slot itself never does). Moving or sharing the handle between
// threads moves only the pointer bits, which are never changed after the
// slot is made.
unsafe impl Send for Slot {}
// SAFETY: as above: `&Slot` gives read access to immutable bits only.
unsafe impl Sync for Slot {}

/// A value kept alive on behalf of the host, whatever Lua does with it.
/// `Clone`, `Send` and `Sync`; the value is read back with
/// [`State::rooted`] on the state that made it.
///
/// ```
/// let mut st = lunar_vm::State::new();
/// let t = st.new_table(0, 0);
/// let root = st.root(lunar_vm::Value::Table(t));
/// st.collect_garbage(); // the table is unreachable from Lua, but rooted
/// assert!(st.rooted(&root).is_some());
/// let other = lunar_vm::State::new();
/// assert!(other.rooted(&root).is_none()); // another state's value
/// ```
#[derive(Clone)]
pub struct Root {
    slot: Arc<Slot>,
}

impl Root {
    /// The id of the state that owns the value.
    pub fn owner(&self) -> u64 {
        self.slot.owner
    }

    /// Whether two roots hold the same value (the same object, for
    /// objects) of the same state.
    pub fn same(&self, other: &Root) -> bool {
        self.slot.owner == other.slot.owner && self.slot.value.raw_eq(&other.slot.value)
    }
}

impl std::fmt::Debug for Root {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Root")
            .field("owner", &self.slot.owner)
            .field("type", &self.slot.value.type_name())
            .finish()
    }
}

/// A state's roots.
#[derive(Default)]
pub(crate) struct Roots {
    slots: Vec<Arc<Slot>>,
    /// When `slots` reaches this length, the dropped roots are forgotten
    /// before a new one is added (so a host loop that makes and drops
    /// handles without ever collecting keeps the list bounded).
    prune_at: usize,
}

impl Roots {
    /// Adds a root, first forgetting dropped ones when the list has
    /// doubled since the last time (amortised O(1)).
    fn push(&mut self, slot: Arc<Slot>) {
        if self.slots.len() >= self.prune_at {
            self.slots.retain(|s| Arc::strong_count(s) > 1);
            self.prune_at = (self.slots.len() * 2).max(64);
        }
        self.slots.push(slot);
    }

    /// Marks the values whose handles still exist and forgets the others.
    pub(crate) fn trace(&mut self, marker: &mut Marker) {
        self.slots.retain(|s| Arc::strong_count(s) > 1);
        self.prune_at = (self.slots.len() * 2).max(64);
        for s in &self.slots {
            marker.mark_value(s.value);
        }
    }

    /// How many roots are held (handles dropped since the last collection
    /// included).
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }
}

/// Ids of states, so that a handle never reads a value of another state
/// (made once per state, never on the run path).
static NEXT_STATE_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh state id.
pub(crate) fn new_state_id() -> u64 {
    NEXT_STATE_ID.fetch_add(1, Ordering::Relaxed)
}

impl State {
    /// This state's id (unique in the process).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Roots `v`: the returned handle keeps it alive until the handle and
    /// all its clones are dropped.
    pub fn root(&mut self, v: Value) -> Root {
        let slot = Arc::new(Slot {
            owner: self.id,
            value: v,
        });
        if v.is_collectable() {
            self.roots.push(slot.clone());
        }
        Root { slot }
    }

    /// The value of a root made by this state; `None` for another state's.
    pub fn rooted(&self, r: &Root) -> Option<Value> {
        (r.slot.owner == self.id).then_some(r.slot.value)
    }

    /// The number of roots the state holds (for tests and leak checks).
    pub fn root_count(&self) -> usize {
        self.roots.len()
    }
}
