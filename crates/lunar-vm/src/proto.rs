//! The per-state runtime prototype: a compiled [`Proto`] (shared, immutable,
//! possibly used by other states on other threads) plus its constants
//! converted to this state's values once (strings interned), and the
//! runtime prototypes of its nested functions. Closures reference it.

use crate::gc::{Gc, Marker, Trace};
use crate::state::State;
use crate::string::LuaStr;
use crate::value::Value;
use lunar_compile::{Constant, Proto};
use std::collections::HashMap;
use std::sync::Arc;

/// A prototype ready to run in one state (heap object).
pub struct RtProto {
    /// The compiled prototype (kept alive by this `Arc`).
    pub(crate) p: Arc<Proto>,
    /// The constants as values of this state.
    pub(crate) k: Box<[Value]>,
    /// The nested functions' runtime prototypes (CLOSURE's Bx indexes them).
    pub(crate) children: Box<[Gc<RtProto>]>,
    /// `p.code`'s first instruction, so that entering a frame reaches the
    /// code with one load less (the code never changes and `p` keeps it).
    pub(crate) code: *const lunar_compile::Instruction,
    /// `p.num_params`, `p.max_stack_size` and `p.is_vararg`, read by every
    /// call, kept here for the same reason.
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
            marker.mark(*c);
        }
    }
    fn extra_size(&self) -> usize {
        self.k.len() * 16 + self.children.len() * 8
    }
}

impl State {
    /// Converts a compiled prototype (and its nested ones) for this state.
    /// Equal long strings among the constants of the whole chunk become
    /// one string object, as the reference's compiler anchors each string
    /// of a chunk once (`string.format("%p")` tells them apart).
    pub(crate) fn runtime_proto(&mut self, p: &Arc<Proto>) -> Gc<RtProto> {
        let mut long = HashMap::new();
        self.runtime_proto_in(p, &mut long)
    }

    fn runtime_proto_in<'a>(
        &mut self,
        p: &'a Arc<Proto>,
        long: &mut HashMap<&'a [u8], LuaStr>,
    ) -> Gc<RtProto> {
        let k: Box<[Value]> = p
            .constants
            .iter()
            .map(|c| match c {
                Constant::Nil => Value::Nil,
                Constant::Bool(b) => Value::Bool(*b),
                Constant::Int(i) => Value::Int(*i),
                Constant::Float(f) => Value::Float(*f),
                Constant::Str(s) => match long.get(&**s) {
                    Some(l) => Value::Str(*l),
                    None => {
                        let l = self.new_str(s);
                        if !l.is_short() {
                            long.insert(&**s, l);
                        }
                        Value::Str(l)
                    }
                },
            })
            .collect();
        // Constants are reachable only from this Rust local (and `long`)
        // until the objects exist; no safe point happens in between.
        let children: Box<[Gc<RtProto>]> = p
            .protos
            .iter()
            .map(|c| self.runtime_proto_in(c, long))
            .collect();
        self.heap.alloc(RtProto {
            p: p.clone(),
            k,
            children,
            code: p.code.as_ptr(),
            num_params: p.num_params,
            max_stack: p.max_stack_size,
            is_vararg: p.is_vararg,
        })
    }
}
