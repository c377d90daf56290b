//! The per-state runtime prototype: a compiled [`Proto`] (shared, immutable,
//! possibly used by other states on other threads) plus its constants
//! converted to this state's values once (strings interned), and slots for
//! the runtime prototypes of its nested functions. Closures reference it.
//!
//! Loading is lazy: a state verifies and converts a main function when it
//! loads it, and each nested prototype the first time the parent's code
//! makes a closure of it (`State::load_child`, reached from CLOSURE when
//! the child's slot is still empty). Code that never runs costs neither
//! verification nor interning, and the check CLOSURE pays on every later
//! closure is the load of the slot it reads anyway. A filled slot means
//! "verified for this state": the flag lives in the state's own heap, not
//! in the shared `Proto`, so it cannot outlive the prototype it speaks for
//! (a `Proto` can be changed through `Arc::get_mut` once no state holds
//! it; no state's slot survives that).

use crate::error::Error;
use crate::gc::{Gc, Marker, Trace};
use crate::state::State;
use crate::string::LuaStr;
use crate::value::Value;
use lunar_compile::{Constant, Proto};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

/// A prototype ready to run in one state (heap object).
pub struct RtProto {
    /// The compiled prototype (kept alive by this `Arc`).
    pub(crate) p: Arc<Proto>,
    /// The constants as values of this state.
    pub(crate) k: Box<[Value]>,
    /// The nested functions' runtime prototypes (CLOSURE's Bx indexes
    /// them), each made (and its prototype verified) when the first
    /// closure of it is; `None` until then.
    pub(crate) children: Box<[Cell<Option<Gc<RtProto>>>]>,
    /// The long string constants of the chunk this function belongs to,
    /// shared by all of its functions.
    pub(crate) chunk: Gc<ChunkStrings>,
    /// `p.code`'s first instruction, so that entering a frame reaches the
    /// code with one load less (the code never changes and `p` keeps it).
    pub(crate) code: *const lunar_compile::Instruction,
    /// The stack slots a call needs above its arguments: the registers,
    /// room for a vararg function's copy of its parameters,
    /// `EXTRA_STACK` and one. At least the registers plus
    /// `STANDALONE_SLOTS` (a compile-time check in state.rs), so that a
    /// call within this room is within the stack limit too.
    pub(crate) call_room: u32,
    /// `p.num_params`, `p.max_stack_size` and `p.is_vararg`, read by every
    /// call, kept here for the same reason as `code`.
    pub(crate) num_params: u8,
    /// See `num_params`.
    pub(crate) max_stack: u8,
    /// See `num_params`.
    pub(crate) is_vararg: bool,
}

impl Trace for RtProto {
    fn trace(&self, marker: &mut Marker) {
        for v in self.k.iter() {
            marker.mark_value(*v);
        }
        for c in self.children.iter() {
            if let Some(c) = c.get() {
                marker.mark(c);
            }
        }
        marker.mark(self.chunk);
    }
    fn extra_size(&self) -> usize {
        self.k.len() * 16 + self.children.len() * 8
    }
}

/// The long strings among the constants of one chunk's functions converted
/// so far (heap object), by their bytes: equal long strings of a chunk
/// become one string object, as the reference's compiler anchors each
/// string of a chunk once (`string.format("%p")` tells them apart), even
/// when the functions holding them are converted at different times.
pub struct ChunkStrings {
    long: RefCell<HashMap<Box<[u8]>, LuaStr>>,
}

impl Trace for ChunkStrings {
    fn trace(&self, marker: &mut Marker) {
        for s in self.long.borrow().values() {
            marker.mark_value(Value::Str(*s));
        }
    }
}

impl State {
    /// Converts a compiled main function for this state, its nested
    /// functions left for their first closure. The caller has verified
    /// `p` itself.
    pub(crate) fn runtime_proto(&mut self, p: &Arc<Proto>) -> Gc<RtProto> {
        let chunk = self.heap.alloc(ChunkStrings {
            long: RefCell::new(HashMap::new()),
        });
        // `chunk` is reachable only from this Rust local until the runtime
        // prototype exists; no safe point happens in between.
        self.convert_proto(p, chunk)
    }

    /// The runtime prototype of `parent`'s nested function `idx`, made
    /// now: the prototype verified (against `parent`'s, for its upvalues)
    /// and converted, and kept in `parent`'s slot so that later closures
    /// find it there. A prototype that fails verification is a Lua error
    /// naming the problem, and its slot stays empty.
    #[cold]
    #[inline(never)]
    pub(crate) fn load_child(
        &mut self,
        parent: Gc<RtProto>,
        idx: usize,
    ) -> Result<Gc<RtProto>, Error> {
        let child = &parent.p.protos[idx];
        if let Err(e) = lunar_compile::verify::verify_function_only(child, Some(&parent.p)) {
            return Err(self.runtime_error(&format!("invalid prototype: {e}")));
        }
        let rp = self.convert_proto(child, parent.chunk);
        parent.children[idx].set(Some(rp));
        Ok(rp)
    }

    fn convert_proto(&mut self, p: &Arc<Proto>, chunk: Gc<ChunkStrings>) -> Gc<RtProto> {
        let k: Box<[Value]> = p
            .constants
            .iter()
            .map(|c| match c {
                Constant::Nil => Value::Nil,
                Constant::Bool(b) => Value::Bool(*b),
                Constant::Int(i) => Value::Int(*i),
                Constant::Float(f) => Value::Float(*f),
                Constant::Str(s) if s.len() <= crate::string::MAX_SHORT_LEN => {
                    Value::Str(self.heap.new_str(s))
                }
                Constant::Str(s) => {
                    let found = chunk.long.borrow().get(&**s).copied();
                    Value::Str(match found {
                        Some(l) => l,
                        None => {
                            let l = self.heap.new_str(s);
                            chunk.long.borrow_mut().insert(s.clone(), l);
                            l
                        }
                    })
                }
            })
            .collect();
        // Constants are reachable only from this Rust local (and `chunk`)
        // until the object exists; no safe point happens in between.
        self.heap.alloc(RtProto {
            p: p.clone(),
            k,
            children: (0..p.protos.len()).map(|_| Cell::new(None)).collect(),
            chunk,
            code: p.code.as_ptr(),
            call_room: (p.max_stack_size as usize
                + p.num_params as usize
                + crate::state::EXTRA_STACK
                + 1) as u32,
            num_params: p.num_params,
            max_stack: p.max_stack_size,
            is_vararg: p.is_vararg,
        })
    }
}
