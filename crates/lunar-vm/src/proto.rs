//! The per-state runtime prototype: a compiled [`Proto`] (shared, immutable,
//! possibly used by other states on other threads) plus its constants
//! converted to this state's values once (strings interned), and the
//! runtime prototypes of its nested functions. Closures reference it.

use crate::gc::{Gc, Marker, Trace};
use crate::state::State;
use crate::value::Value;
use lunar_compile::{Constant, Proto};
use std::sync::Arc;

/// A prototype ready to run in one state (heap object).
pub struct RtProto {
    /// The compiled prototype (kept alive by this `Arc`).
    pub(crate) p: Arc<Proto>,
    /// The constants as values of this state.
    pub(crate) k: Box<[Value]>,
    /// The nested functions' runtime prototypes (CLOSURE's Bx indexes them).
    pub(crate) children: Box<[Gc<RtProto>]>,
}

impl Trace for RtProto {
    fn trace(&self, marker: &mut Marker) {
        for v in self.k.iter() {
            marker.mark_value(*v);
        }
        for c in self.children.iter() {
            marker.mark(*c);
        }
    }
    fn extra_size(&self) -> usize {
        self.k.len() * 16 + self.children.len() * 8
    }
}

impl State {
    /// Converts a compiled prototype (and its nested ones) for this state.
    pub(crate) fn runtime_proto(&mut self, p: &Arc<Proto>) -> Gc<RtProto> {
        let k: Box<[Value]> = p
            .constants
            .iter()
            .map(|c| match c {
                Constant::Nil => Value::Nil,
                Constant::Bool(b) => Value::Bool(*b),
                Constant::Int(i) => Value::Int(*i),
                Constant::Float(f) => Value::Float(*f),
                Constant::Str(s) => Value::Str(self.new_str(s)),
            })
            .collect();
        // Constants are reachable only from this Rust local until the
        // object exists; no safe point happens in between.
        let children: Box<[Gc<RtProto>]> = p.protos.iter().map(|c| self.runtime_proto(c)).collect();
        self.heap.alloc(RtProto {
            p: p.clone(),
            k,
            children,
        })
    }
}
