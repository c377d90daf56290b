//! Lua tables: an array part and a hash part over `Value` keys (§2.1, §3.4.7
//! for the border that `#` returns), sized as the reference sizes them.
//!
//! # Layout
//! The array part holds the keys `1..=n` where `n` is its size; the hash
//! part is open addressing with linear probing over a power-of-two node
//! array. The parts are sized as the reference (`ltable.c`) sizes them, so
//! that the length operator finds the same border in a table with holes:
//! the array part has the reference's size and may hold nils; integer keys
//! outside it live in the hash part; and when a new key finds the hash part
//! "full", counting nodes as the reference does (`used` against
//! `hash_nodes`), the table is rehashed with the array size chosen by
//! `compute_sizes`. (The node storage is larger than the reference's node
//! count: open addressing needs free slots; it is kept at most 3/4 full.
//! A node is 24 bytes, as the reference's: see `Node`.)
//!
//! # Removal and `next`
//! Assigning nil to an existing key keeps the key in its slot, so that
//! `next` goes on from a key the traversal has just cleared, and so that
//! the slot goes on chaining probes. A collection turns the key of such an
//! empty entry into a *dead key* (`Key::Dead`) when it is an object: the
//! object may then be freed, and the dead key keeps only its address, which
//! `next` compares (as the reference's dead keys do). Dead keys are never
//! revived; they go at the next rehash.
//!
//! # Interior mutability
//! Methods take `&self` (tables are shared through `Gc<Table>` handles);
//! the parts live in an `UnsafeCell`. Every access goes through
//! `Table::with`, which hands a `&mut Parts` to a closure: no method calls
//! out to Lua or to another table's method while it holds it, and no
//! reference into the parts escapes a method.
//!
//! # The metamethod cache
//! A table used as a metatable caches which events it is known NOT to
//! have a field for (a bit per `TagMethod`), as the reference's `flags`
//! byte. See [`Table::fast_metamethod`]. The cache is cleared whenever a
//! key is added to the table (a new key, or a removed key given a value
//! again), so it is always safe.
//!
//! ```
//! use lunar_vm::gc::Heap;
//! use lunar_vm::{Table, Value};
//! let mut heap = Heap::new();
//! let t = heap.alloc(Table::new(0, 0));
//! for i in 1..=3 {
//!     t.set_int(&mut heap, i, Value::Int(i * 10));
//! }
//! let x = heap.new_str(b"x");
//! t.set_str(&mut heap, x, Value::Bool(true));
//! assert_eq!(t.len(), 3);
//! assert!(t.get(Value::Float(2.0)).raw_eq(&Value::Int(20)));
//! // An equal short string is the same (interned) key.
//! assert!(t.get_str(heap.new_str(b"x")).truthy());
//! // The fast path of an assignment to an existing field.
//! assert!(t.replace_int(1, Value::Nil));
//! assert_eq!(t.len(), 3); // a border: t[3] is present, t[4] is not
//! ```

use crate::gc::{Gc, Heap, Marker, Trace, header_of};
use crate::number::float_to_int_exact;
use crate::string::LuaStr;
use crate::value::{TAG_NIL, Value};
use lunar_compile::TagMethod;
use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::ptr::NonNull;

/// Why a key cannot be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// The key is nil ("index is nil").
    Nil,
    /// The key is NaN ("index is NaN").
    NaN,
}

impl KeyError {
    /// The reference's message ("table index is nil"/"table index is NaN").
    pub fn message(self) -> &'static str {
        match self {
            KeyError::Nil => "table index is nil",
            KeyError::NaN => "table index is NaN",
        }
    }
}

/// The key of a hash slot.
#[derive(Clone, Copy)]
enum Key {
    /// A free slot (ends a probe sequence).
    Empty,
    /// A key (its value may be nil: a removed entry).
    Live(Value),
    /// The key of a removed entry whose object the collector may have
    /// freed: only its address remains, for `next`.
    Dead(usize),
}

/// A hash slot in 24 bytes (the reference's node size): the key's and the
/// value's tags share a word, then the key's payload word and the value's.
/// (A `Key` and a `Value` side by side took 32 bytes: each has a tag word
/// of its own. Small records, `{x = 1, y = 2, z = 3}`, are mostly hash
/// storage, so the node's size is most of their memory.)
///
/// The tags are `Value` tag words (`repr(C, u64)`: small variant numbers,
/// so they fit in 32 bits) and a payload is a `Value`'s second word as it
/// was, initialised or not (a nil's payload is not; a boolean's is one
/// byte). Invariant: a live key's (`ktag`, `kpay`) and the (`vtag`,
/// `vpay`) pair are always the two words of one valid `Value`: they are
/// written only by `set_key`/`set_val` from a `Value` (or as `EMPTY_NODE`,
/// whose value is nil), so `join` may put them back together.
#[derive(Clone, Copy)]
#[repr(C)]
struct Node {
    /// The key: a `Value` tag (a live key), `KEY_EMPTY` or `KEY_DEAD`.
    ktag: u32,
    /// The value's tag.
    vtag: u32,
    /// The key's payload (a dead key's: its address).
    kpay: MaybeUninit<u64>,
    /// The value's payload.
    vpay: MaybeUninit<u64>,
}

/// `Node::ktag` of a free slot: nil's tag, which no key has.
const KEY_EMPTY: u32 = TAG_NIL as u32;
/// `Node::ktag` of a dead key: not a `Value` tag (those are variant
/// numbers, below a dozen).
const KEY_DEAD: u32 = u32::MAX;

/// The two words of a `Value` (its `repr(C, u64)` layout), the payload
/// kept as it is, initialised or not.
#[derive(Clone, Copy)]
#[repr(C)]
struct RawValue {
    tag: u64,
    pay: MaybeUninit<u64>,
}

const _: () = assert!(
    std::mem::size_of::<RawValue>() == std::mem::size_of::<Value>()
        && std::mem::align_of::<RawValue>() == std::mem::align_of::<Value>()
        && std::mem::size_of::<Node>() == 24
);

/// A value's tag (narrowed to 32 bits) and payload word.
#[inline(always)]
fn split(v: Value) -> (u32, MaybeUninit<u64>) {
    // SAFETY: `Value` is `repr(C, u64)`: an initialised tag word, then the
    // payload word, 16 bytes, as `RawValue` (same size and alignment,
    // checked above), whose payload may hold uninitialised bytes.
    let r = unsafe { std::mem::transmute::<Value, RawValue>(v) };
    debug_assert!(r.tag < KEY_DEAD as u64);
    (r.tag as u32, r.pay)
}

/// The value `split` took apart.
///
/// # Safety
/// `tag` and `pay` are what `split` returned for one value.
#[inline(always)]
unsafe fn join(tag: u32, pay: MaybeUninit<u64>) -> Value {
    // SAFETY: the two words of a valid `Value`, unchanged (caller): the
    // tag word (a variant number, which fits in 32 bits) and its payload,
    // initialised wherever that variant's payload is.
    unsafe {
        std::mem::transmute::<RawValue, Value>(RawValue {
            tag: tag as u64,
            pay,
        })
    }
}

const EMPTY_NODE: Node = Node {
    ktag: KEY_EMPTY,
    vtag: TAG_NIL as u32,
    kpay: MaybeUninit::uninit(),
    vpay: MaybeUninit::uninit(),
};

/// `Parts::storage`: the parts own their hash storage.
const OWNED: u8 = 0;
/// `Parts::storage`: the hash storage is a library image's.
const SHARED: u8 = 1;
/// `Parts::storage`: the hash storage lies in one of the heap's blocks.
const IN_BLOCK: u8 = 2;

/// Weak mode bits (from `__mode`).
const WEAK_KEYS: u8 = 1;
const WEAK_VALUES: u8 = 2;

/// The array part's keys are `1..=2^MAX_ARRAY_BITS` at most (the
/// reference's MAXABITS for a 32-bit int).
const MAX_ARRAY_BITS: usize = 31;

/// Bytes of one array slot and of one hash node, for the heap's count.
const VALUE_SIZE: usize = std::mem::size_of::<Value>();
const NODE_SIZE: usize = std::mem::size_of::<Node>();

/// Minimum hash storage once a hash part exists: two slots hold one key
/// under the 3/4 load bound. Small objects (`{k = v}`) are common, and
/// their node storage is what a traversal of many of them misses in the
/// cache: 2 slots are 48 bytes (a `Node` is 24).
const MIN_NODES: usize = 2;

struct Parts {
    /// The array part: keys `1..=arr.len()`.
    arr: Box<[Value]>,
    /// The hint the reference keeps to find a border quickly (its
    /// `alimit`): `arr.len()`, or, when that is a power of two, a position
    /// in its upper half. Reads past it move it (`get_int`).
    alimit: u32,
    /// Hash storage: `node_len()` nodes, owned (see `set_nodes`). A thin
    /// pointer and a log instead of a `Box<[Node]>`, and 32-bit counts,
    /// keep a table's box at 64 bytes.
    node_ptr: NonNull<Node>,
    /// Occupied slots (live, removed or dead keys): the nodes the reference
    /// has handed out since the last rehash.
    used: u32,
    /// The hash storage's size: none when 0, `1 << node_log` nodes else
    /// (never one node: `MIN_NODES` is 2).
    node_log: u8,
    /// The reference's node count: none when 0, `1 << (hlog - 1)` else.
    hlog: u8,
    /// The weak mode found by the last traversal (valid during a
    /// collection only).
    weak: u8,
    /// Who owns the hash storage: `OWNED` (these parts), `SHARED` (a
    /// library image, `crate::image`: read in place, copied before the
    /// first write by `nodes_mut`, never freed here) or `IN_BLOCK` (a
    /// block of the heap: written in place, freed with the heap).
    storage: u8,
    /// Bit `e` set: no field named after event `e` (see module docs).
    absent: u32,
    meta: Option<Gc<Table>>,
}

/// A Lua table (heap object). All methods are raw (no metamethods).
pub struct Table {
    p: UnsafeCell<Parts>,
}

// Hash storage placed in a heap block keeps the block's alignment.
const _: () = assert!(
    std::mem::align_of::<Node>() <= crate::string::BLOCK_PART_ALIGN
        && NODE_SIZE.is_multiple_of(crate::string::BLOCK_PART_ALIGN)
);

// A table's box (heap header and parts) fills one 64-byte allocation
// class: programs that make many small tables touch less memory than
// with the 88-byte box (96-byte class) this layout replaced.
const _: () = assert!(std::mem::size_of::<crate::gc::GcBox<Table>>() == 64);

impl Trace for Table {
    fn trace(&self, marker: &mut Marker) {
        let meta = self.metatable();
        let mut mode = 0;
        if let Some(mt) = meta {
            marker.mark(mt);
            if let Some(key) = marker.mode_key
                && let Value::Str(s) = mt.get_str(key)
            {
                for &c in s.as_bytes() {
                    match c {
                        b'k' => mode |= WEAK_KEYS,
                        b'v' => mode |= WEAK_VALUES,
                        _ => {}
                    }
                }
            }
        }
        self.with(|p| {
            p.weak = mode;
            p.trace(marker, mode)
        });
        if mode != 0 {
            marker.add_weak(self);
        }
    }
    fn extra_size(&self) -> usize {
        self.with(|p| p.storage_bytes())
    }
}

/// The murmur3 finaliser: spreads the bits of integer-like keys.
#[inline]
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^= x >> 33;
    x
}

/// The hash of a normalised key.
#[inline]
fn hash_value(k: &Value) -> u64 {
    match *k {
        Value::Int(i) => mix(i as u64),
        Value::Str(s) => s.hash(),
        Value::Float(f) => mix(f.to_bits() ^ 0x7ff0_dead_beef_0001),
        Value::Bool(b) => mix(b as u64 ^ 0xb001),
        Value::LightFn(f) => mix(f as usize as u64 ^ 0x1f),
        Value::LightUserData(u) => mix(u as u64 ^ 0x1d),
        Value::Nil => 0,
        _ => mix(object_addr(k) as u64),
    }
}

/// The address of a value's object (0 for values without one).
#[inline]
fn object_addr(v: &Value) -> usize {
    header_of(*v).map_or(0, |h| h.as_ptr() as usize)
}

#[inline]
fn hash_key(k: &Key) -> u64 {
    match k {
        Key::Live(v) => hash_value(v),
        Key::Dead(a) => mix(*a as u64),
        Key::Empty => 0,
    }
}

/// Whether two normalised keys are the same key.
#[inline]
fn key_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Int(_), _) | (_, Value::Int(_)) => false,
        _ => a.raw_eq(b),
    }
}

/// Float keys with integral values become integers.
#[inline]
fn norm_key(k: Value) -> Value {
    if let Value::Float(f) = k
        && let Some(i) = float_to_int_exact(f)
    {
        return Value::Int(i);
    }
    k
}

/// The power-of-two slot count for `n` keys at a load of at most 3/4: the
/// smallest `p` with `4n <= 3p`, the bound `set_hash` grows at (so a table
/// made for 3 keys, as `{a = 1, b = 2, c = 3}`, gets the 4 slots that one
/// filled key by key ends with, not 8). It is more than `n`, so a probe
/// sequence always meets a free slot.
fn hash_size_for(n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let need = (4 * n).div_ceil(3);
    need.next_power_of_two().max(MIN_NODES)
}

/// The `hlog` of a hash part for `n` keys: the reference rounds `n` up to a
/// power of two.
fn nodes_log(n: usize) -> u8 {
    if n == 0 {
        return 0;
    }
    (usize::BITS - (n - 1).leading_zeros()) as u8 + 1
}

/// The bucket of `compute_sizes`'s count an integer key falls in (keys k
/// with 2^(b-1) < k <= 2^b are in bucket b), or `None` for a key that
/// cannot live in the array part.
#[inline]
fn array_bucket(k: &Value) -> Option<usize> {
    match *k {
        Value::Int(i) if (i as u64).wrapping_sub(1) < 1 << MAX_ARRAY_BITS => {
            Some((u64::BITS - (i as u64 - 1).leading_zeros()) as usize)
        }
        _ => None,
    }
}

/// The array size the reference picks: the largest power of two `n` such
/// that more than `n/2` of the keys `1..=n` are present, given `nums[b]`,
/// the count of keys in bucket `b`, and `ints`, the count of all of them.
/// Also returns how many keys the array gets.
fn compute_sizes(nums: &[usize; MAX_ARRAY_BITS + 1], ints: usize) -> (usize, usize) {
    let (mut size, mut in_array) = (0, 0);
    let mut a = 0;
    let mut two_to_b = 1usize;
    let mut b = 0;
    while b <= MAX_ARRAY_BITS && ints > two_to_b / 2 {
        a += nums[b];
        if a > two_to_b / 2 {
            size = two_to_b;
            in_array = a;
        }
        b += 1;
        two_to_b *= 2;
    }
    (size, in_array)
}

fn is_pow2(n: usize) -> bool {
    n & n.wrapping_sub(1) == 0
}

/// A border in `arr` between `i` and `j`, given that `i` is 0 or
/// `arr[i-1]` is present, and `arr[j-1]` is nil.
fn binary_search(arr: &[Value], mut i: usize, mut j: usize) -> usize {
    while j - i > 1 {
        let m = (i + j) / 2;
        if arr[m - 1].is_nil() {
            j = m;
        } else {
            i = m;
        }
    }
    i
}

impl Drop for Parts {
    fn drop(&mut self) {
        // Only owned storage is freed here (see `Parts::storage`).
        if self.storage == OWNED {
            drop(self.set_nodes(Box::new([])));
        }
    }
}

impl Parts {
    /// The number of hash slots (0 or a power of two, at least 2).
    #[inline(always)]
    fn node_len(&self) -> usize {
        (1usize << self.node_log) & !1
    }

    /// The hash slots.
    #[inline(always)]
    fn nodes(&self) -> &[Node] {
        // SAFETY: `node_ptr` and `node_len()` describe the live storage
        // (see `Parts::storage`): the allocation `set_nodes` took over, a
        // part of one of the heap's blocks, or a library image's storage
        // (the image outlives every state made from it); or a dangling
        // pointer and 0.
        unsafe { std::slice::from_raw_parts(self.node_ptr.as_ptr(), self.node_len()) }
    }

    /// The hash slots, writable (a shared storage is copied first).
    #[inline(always)]
    fn nodes_mut(&mut self) -> &mut [Node] {
        if self.storage == SHARED {
            self.unshare();
        }
        // SAFETY: as in `nodes`; `&mut self` makes the access unique, and
        // the storage is this state's (owned or in its heap's block).
        unsafe { std::slice::from_raw_parts_mut(self.node_ptr.as_ptr(), self.node_len()) }
    }

    /// Replaces a library image's hash storage with a copy this table
    /// owns, before its first write. (The copy is not charged to the
    /// heap here, having no heap at hand: the next sweep counts it.)
    #[cold]
    #[inline(never)]
    fn unshare(&mut self) {
        let copy = Box::<[Node]>::from(self.nodes());
        self.storage = OWNED;
        // SAFETY: a boxed slice's pointer is never null; the parts own
        // the copy from here (freed by `set_nodes`/`Drop`), and the image's
        // storage is left alone.
        self.node_ptr = unsafe { NonNull::new_unchecked(Box::into_raw(copy) as *mut Node) };
    }

    /// Makes `new` (empty or a power of two, at least `MIN_NODES`, long)
    /// the hash storage and hands back the old one (a copy of it when
    /// the parts did not own it: the image's or a block's storage is not
    /// theirs to free, and resizes move the old entries from what they
    /// get back).
    fn set_nodes(&mut self, new: Box<[Node]>) -> Box<[Node]> {
        let n = new.len();
        // A hard check: the log below must describe the length exactly,
        // or the storage would be freed with a wrong layout (resizes are
        // rare, so it costs nothing measurable).
        assert!(n == 0 || (n.is_power_of_two() && n >= MIN_NODES));
        let old = if self.storage == OWNED {
            // SAFETY: `node_ptr` and `node_len()` are the current storage,
            // made by `Box::into_raw` of a boxed slice of that length (or
            // dangling with length 0, which is what an empty boxed slice
            // holds), and owned by these parts until now.
            unsafe {
                Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                    self.node_ptr.as_ptr(),
                    self.node_len(),
                ))
            }
        } else {
            Box::<[Node]>::from(self.nodes())
        };
        self.storage = OWNED;
        self.node_log = if n == 0 { 0 } else { n.trailing_zeros() as u8 };
        // SAFETY: a boxed slice's pointer is never null.
        self.node_ptr = unsafe { NonNull::new_unchecked(Box::into_raw(new) as *mut Node) };
        old
    }

    fn storage_bytes(&self) -> usize {
        let nodes = if self.storage == SHARED {
            0
        } else {
            self.node_len()
        };
        self.arr.len() * VALUE_SIZE + nodes * NODE_SIZE
    }

    fn hash_nodes(&self) -> usize {
        if self.hlog == 0 {
            0
        } else {
            1 << (self.hlog - 1)
        }
    }

    #[inline]
    fn get_int(&mut self, i: i64) -> Value {
        let u = (i as u64).wrapping_sub(1);
        if u < self.alimit as u64 {
            return self.arr[u as usize];
        }
        if u < self.arr.len() as u64 {
            // Past the hint, inside the array part: the hint moves here, as
            // the reference's does ('#t' is probably here now).
            self.alimit = i as u32;
            return self.arr[u as usize];
        }
        self.get_int_hash(i)
    }

    #[inline]
    fn get_int_hash(&self, i: i64) -> Value {
        if self.used == 0 {
            return Value::Nil;
        }
        let mask = self.node_len() - 1;
        let mut h = mix(i as u64) as usize & mask;
        loop {
            let n = &self.nodes()[h];
            // SAFETY: an integer's payload is a whole word.
            if unsafe { n.holds_word(Value::Int(i)) } {
                return n.val();
            }
            if n.is_free() {
                return Value::Nil;
            }
            h = (h + 1) & mask;
        }
    }

    /// `node_len() - 1` for a non-empty hash part (0 for none).
    #[inline(always)]
    fn node_mask(&self) -> usize {
        (1usize << self.node_log) - 1
    }

    /// Whether slot `n` holds string key `s` (interned short strings
    /// compare by address; the length is read only on a mismatch).
    #[inline(always)]
    fn holds_str(n: &Node, s: LuaStr) -> bool {
        // SAFETY: a string's payload is a whole word (its address).
        let same = unsafe { n.holds_word(Value::Str(s)) };
        same || (!s.is_short() && matches!(n.key(), Key::Live(Value::Str(k)) if k == s))
    }

    /// The value of string key `s`. The first probe is inline (it finds
    /// the key or its absence most of the time); the rest of the probe
    /// sequence is out of line, so that the dispatch loop's fast path of
    /// GETFIELD and SELF stays short and keeps its registers.
    #[inline]
    fn get_str(&self, s: LuaStr) -> Value {
        if self.used == 0 {
            return Value::Nil;
        }
        let h = s.hash() as usize & self.node_mask();
        debug_assert!(h < self.node_len());
        // SAFETY: `used > 0`, so the node array is a non-empty power of
        // two long and `h` is masked by its length minus one.
        let n = unsafe { self.nodes().get_unchecked(h) };
        if Self::holds_str(n, s) {
            return n.val();
        }
        if n.is_free() {
            return Value::Nil;
        }
        self.get_str_probe(s, h)
    }

    /// `get_str` from the slot after `h` on. A long key leaves at once
    /// for its own function (a tail call), so that an interned key's
    /// probes run in a function that saves no registers.
    #[inline(never)]
    fn get_str_probe(&self, s: LuaStr, h: usize) -> Value {
        if !s.is_short() {
            return self.long_get_str_probe(s, h);
        }
        match self.short_str_slot_after(s, h) {
            // SAFETY: the slot was masked by the node count.
            Some(i) => unsafe { self.nodes().get_unchecked(i) }.val(),
            None => Value::Nil,
        }
    }

    /// `get_str_probe` for a long (uninterned) key.
    #[cold]
    #[inline(never)]
    fn long_get_str_probe(&self, s: LuaStr, h: usize) -> Value {
        match self.long_str_slot_after(s, h) {
            Some(i) => self.nodes()[i].val(),
            None => Value::Nil,
        }
    }

    /// The slot of string key `s` past slot `h` of its probe sequence, if
    /// any (the out-of-line part of `replace_str`). An interned key's
    /// probes compare addresses in a loop that calls nothing; a long
    /// key's take the general loop, which may compare contents.
    #[inline(always)]
    fn str_slot_after(&self, s: LuaStr, h: usize) -> Option<usize> {
        if !s.is_short() {
            return self.long_str_slot_after(s, h);
        }
        self.short_str_slot_after(s, h)
    }

    /// `str_slot_after` for an interned (short) key: address compares.
    #[inline(always)]
    fn short_str_slot_after(&self, s: LuaStr, mut h: usize) -> Option<usize> {
        let mask = self.node_mask();
        loop {
            h = (h + 1) & mask;
            debug_assert!(h < self.node_len());
            // SAFETY: as in `get_str`.
            let n = unsafe { self.nodes().get_unchecked(h) };
            // SAFETY: a string's payload is a whole word (its address).
            if unsafe { n.holds_word(Value::Str(s)) } {
                return Some(h);
            }
            if n.is_free() {
                return None;
            }
        }
    }

    /// `str_slot_after` for a long (uninterned) key.
    #[cold]
    #[inline(never)]
    fn long_str_slot_after(&self, s: LuaStr, mut h: usize) -> Option<usize> {
        let mask = self.node_mask();
        loop {
            h = (h + 1) & mask;
            debug_assert!(h < self.node_len());
            // SAFETY: as in `get_str`.
            let n = unsafe { self.nodes().get_unchecked(h) };
            if Self::holds_str(n, s) {
                return Some(h);
            }
            if n.is_free() {
                return None;
            }
        }
    }

    /// [`Table::replace_str`]: overwrites the value of the present string
    /// key `s` (a non-nil value) and returns true; false otherwise. The
    /// first probe inline, as in `get_str`.
    #[inline]
    fn replace_str(&mut self, s: LuaStr, v: Value) -> bool {
        if self.used == 0 {
            return false;
        }
        let h = s.hash() as usize & self.node_mask();
        debug_assert!(h < self.node_len());
        // SAFETY: as in `get_str`.
        let n = unsafe { self.nodes_mut().get_unchecked_mut(h) };
        if Self::holds_str(n, s) {
            return Self::replace_val(n, v);
        }
        if n.is_free() {
            return false;
        }
        self.replace_str_probe(s, h, v)
    }

    /// `replace_str` from the slot after `h` on.
    #[inline(never)]
    fn replace_str_probe(&mut self, s: LuaStr, h: usize, v: Value) -> bool {
        match self.str_slot_after(s, h) {
            Some(i) => Self::replace_val(&mut self.nodes_mut()[i], v),
            None => false,
        }
    }

    /// Overwrites a present key's value (not a removed one's: that would
    /// bring the key back, which `set` does); reports whether it did.
    #[inline(always)]
    fn replace_val(n: &mut Node, v: Value) -> bool {
        if n.val_is_nil() {
            return false;
        }
        n.set_val(v);
        true
    }

    /// The slot holding the normalised, non-nil key `k`, if any.
    #[inline]
    fn find_slot(&self, k: &Value, h: u64) -> Option<usize> {
        if self.used == 0 {
            return None;
        }
        let mask = self.node_len() - 1;
        let mut i = h as usize & mask;
        loop {
            match self.nodes()[i].key() {
                // The searched key on the left: comparing two distinct
                // strings reads the left one's length (is it long?), and
                // the searched key is the one in the cache.
                Key::Live(nk) if key_eq(k, &nk) => return Some(i),
                Key::Empty => return None,
                _ => {}
            }
            i = (i + 1) & mask;
        }
    }

    /// Like `find_slot`, but a dead key matches the object it was (for
    /// `next` going on from a key cleared during the traversal).
    fn find_slot_for_next(&self, k: &Value, h: u64) -> Option<usize> {
        if self.node_len() == 0 {
            return None;
        }
        let addr = object_addr(k);
        let mask = self.node_len() - 1;
        let mut i = h as usize & mask;
        // A key removed, made dead by a collection and then set again has
        // a dead slot and a live one in the same probe chain: the live one
        // wins, else `next` would go from the dead slot to the live one and
        // back forever.
        let mut dead = None;
        for _ in 0..self.node_len() {
            match self.nodes()[i].key() {
                Key::Live(nk) if key_eq(&nk, k) => return Some(i),
                Key::Dead(a) if addr != 0 && a == addr && dead.is_none() => dead = Some(i),
                Key::Empty => break,
                _ => {}
            }
            i = (i + 1) & mask;
        }
        dead
    }

    fn get_generic(&self, k: &Value) -> Value {
        match self.find_slot(k, hash_value(k)) {
            Some(i) => self.nodes()[i].val(),
            None => Value::Nil,
        }
    }

    #[inline]
    fn set_int(&mut self, heap: &mut Heap, i: i64, v: Value) {
        let u = (i as u64).wrapping_sub(1);
        if u < self.alimit as u64 {
            self.arr[u as usize] = v;
            return;
        }
        if u < self.arr.len() as u64 {
            self.alimit = i as u32; // the hint moves, as in get_int
            self.arr[u as usize] = v;
            return;
        }
        let k = Value::Int(i);
        self.set_hash(heap, k, mix(i as u64), v);
    }

    /// Overwrites the value of key `k` if it is present with a non-nil
    /// value; reports whether it did.
    #[inline]
    fn replace_slot(&mut self, k: &Value, h: u64, v: Value) -> bool {
        if let Some(i) = self.find_slot(k, h) {
            let n = &mut self.nodes_mut()[i];
            if !n.val_is_nil() {
                n.set_val(v);
                return true;
            }
        }
        false
    }

    /// `t[k] = v` for a normalised key that is not in the array part.
    fn set_hash(&mut self, heap: &mut Heap, k: Value, h: u64, v: Value) {
        if let Some(i) = self.find_slot(&k, h) {
            let n = &mut self.nodes_mut()[i];
            // A removed key coming back to life may be a metamethod cached
            // as absent.
            let revived = !v.is_nil() && n.val_is_nil();
            n.set_val(v);
            if revived {
                self.absent = 0;
            }
            return;
        }
        if v.is_nil() {
            return; // assigning nil to an absent key changes nothing
        }
        self.absent = 0;
        if self.used as usize >= self.hash_nodes() {
            // No free node left in the reference's terms: rehash, which may
            // give the key a place in the array part.
            self.rehash(heap, &k);
            if let Value::Int(i) = k {
                let u = (i as u64).wrapping_sub(1);
                if u < self.arr.len() as u64 {
                    self.arr[u as usize] = v;
                    return;
                }
            }
        }
        if (self.used as usize + 1) * 4 > self.node_len() * 3 {
            self.grow_nodes(heap);
        }
        self.insert_new(Key::Live(k), h, v);
    }

    /// Puts a key known to be absent into a free slot.
    fn insert_new(&mut self, k: Key, h: u64, v: Value) {
        self.place(Node::new(k, v), h);
    }

    /// Puts a slot's contents, whose key is absent and hashes to `h`, into
    /// the first free slot of its probe sequence: a rehash moves slots
    /// whole, without taking their keys and values apart.
    #[inline(always)]
    fn place(&mut self, node: Node, h: u64) {
        let mask = self.node_len() - 1;
        let nodes = self.nodes_mut();
        let mut i = h as usize & mask;
        loop {
            let n = &mut nodes[i];
            if n.is_free() {
                *n = node;
                self.used += 1;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// Doubles the hash storage, keeping every key, dead ones included: it
    /// changes nothing the program can see, the reference's node count
    /// included. Charges the heap for the growth.
    fn grow_nodes(&mut self, heap: &mut Heap) {
        let size = (2 * self.node_len()).max(MIN_NODES);
        heap.charge(((size - self.node_len()) * NODE_SIZE) as isize);
        self.grow_nodes_to(size);
    }

    /// Rebuilds the hash storage with `size` slots (no charge).
    fn grow_nodes_to(&mut self, size: usize) {
        let old = self.set_nodes(vec![EMPTY_NODE; size].into_boxed_slice());
        self.used = 0;
        for n in old.iter() {
            if !n.is_free() {
                self.place(*n, hash_key(&n.key()));
            }
        }
    }

    /// Resizes the table for its keys and the new key `extra`, as the
    /// reference does when a new key finds its hash part full.
    fn rehash(&mut self, heap: &mut Heap, extra: &Value) {
        let mut nums = [0usize; MAX_ARRAY_BITS + 1];
        let mut ints = 0;
        let (mut b, mut lo) = (0, 0);
        while lo < self.arr.len() {
            let hi = (1usize << b).min(self.arr.len());
            let c = self.arr[lo..hi].iter().filter(|v| !v.is_nil()).count();
            nums[b] += c;
            ints += c;
            lo = hi;
            b += 1;
        }
        let in_use = ints; // values in the array part
        let mut live = 0; // live keys in the hash part
        for n in self.nodes().iter() {
            if !n.val_is_nil() {
                live += 1;
                if let Key::Live(k) = &n.key()
                    && let Some(b) = array_bucket(k)
                {
                    nums[b] += 1;
                    ints += 1;
                }
            }
        }
        if let Some(b) = array_bucket(extra) {
            nums[b] += 1;
            ints += 1;
        }
        let (size, in_array) = compute_sizes(&nums, ints);
        let nhash = in_use + live + 1 - in_array; // all keys, the new one too, less the array's
        if size == self.arr.len() && live == self.used as usize {
            // The common case of a growing record or dictionary: the array
            // part stays and the hash part has no removed keys to drop, so
            // its storage can stay too (growing when it must). The hint
            // goes back to the array size, as after any rehash.
            self.alimit = self.arr.len() as u32;
            self.hlog = nodes_log(nhash);
            if (self.used as usize + 1) * 4 > self.node_len() * 3 {
                self.grow_nodes(heap);
            }
            return;
        }
        self.resize(heap, size, nhash);
    }

    /// Rebuilds the table with an array part of `asize` slots and a hash
    /// part sized for `nhash` keys, moving keys between the parts; the hint
    /// goes back to the array size.
    fn resize(&mut self, heap: &mut Heap, asize: usize, nhash: usize) {
        let before = self.storage_bytes();
        let old_len = self.arr.len();
        let mut moved_out: Vec<(i64, Value)> = Vec::new();
        if asize != old_len {
            // Resized in place where the allocator can (realloc: a big
            // array part grows without a copy).
            let mut arr = std::mem::take(&mut self.arr).into_vec();
            if asize < old_len {
                for (i, v) in arr.iter().enumerate().skip(asize) {
                    if !v.is_nil() {
                        moved_out.push((i as i64 + 1, *v));
                    }
                }
                arr.truncate(asize);
                arr.shrink_to_fit();
            } else {
                arr.reserve_exact(asize - old_len);
                arr.resize(asize, Value::Nil);
            }
            self.arr = arr.into_boxed_slice();
        }
        self.alimit = asize as u32;
        self.hlog = nodes_log(nhash);
        let hsize = hash_size_for(nhash);
        if self.used == 0 && moved_out.is_empty() {
            // No keys to move: the hash storage can stay if it is big enough.
            if self.node_len() < hsize {
                drop(self.set_nodes(vec![EMPTY_NODE; hsize].into_boxed_slice()));
            }
        } else {
            let old = self.set_nodes(vec![EMPTY_NODE; hsize].into_boxed_slice());
            self.used = 0;
            for (i, v) in moved_out {
                self.insert_new(Key::Live(Value::Int(i)), mix(i as u64), v);
            }
            for n in old.iter() {
                if n.val_is_nil() {
                    continue;
                }
                let Key::Live(k) = n.key() else { continue };
                if let Value::Int(i) = k {
                    let u = (i as u64).wrapping_sub(1);
                    if u < asize as u64 {
                        self.arr[u as usize] = n.val();
                        continue;
                    }
                }
                if (self.used as usize + 1) * 4 > self.node_len() * 3 {
                    // Only when resizing by hand; charged below.
                    self.grow_nodes_to((2 * self.node_len()).max(MIN_NODES));
                }
                self.place(*n, hash_value(&k));
            }
        }
        heap.charge(self.storage_bytes() as isize - before as isize);
    }

    /// The border the reference's `luaH_getn` finds, moving the hint as it
    /// does.
    fn len(&mut self) -> i64 {
        let mut limit = self.alimit as usize;
        if limit > 0 && self.arr[limit - 1].is_nil() {
            // There is a border before the hint. Check first the case after
            // a removal from the end, limit-1.
            let pow2 = is_pow2(self.arr.len());
            if limit >= 2 && !self.arr[limit - 2].is_nil() {
                if pow2 && !is_pow2(limit - 1) {
                    self.alimit = (limit - 1) as u32;
                }
                return (limit - 1) as i64;
            }
            let b = binary_search(&self.arr, 0, limit);
            if pow2 && b > self.arr.len() / 2 {
                self.alimit = b as u32;
            }
            return b as i64;
        }
        if limit < self.arr.len() {
            // The hint is present (or 0) and the array goes on past it.
            if self.arr[limit].is_nil() {
                return limit as i64;
            }
            limit = self.arr.len();
            if self.arr[limit - 1].is_nil() {
                let b = binary_search(&self.arr, self.alimit as usize, limit);
                self.alimit = b as u32;
                return b as i64;
            }
            self.alimit = limit as u32;
        }
        // limit is the array size, and t[limit] is present or limit is 0.
        if self.used == 0 || self.get_int_hash(limit as i64 + 1).is_nil() {
            return limit as i64;
        }
        self.hash_search(limit as u64)
    }

    /// A border past `j` in the hash part, given that `t[j+1]` is present
    /// (and `t[j]` too unless `j` is 0): doubles `j` until `t[j]` is
    /// absent, then searches between the last present index and it.
    fn hash_search(&mut self, mut j: u64) -> i64 {
        if j == 0 {
            j = 1;
        }
        let mut i;
        loop {
            i = j;
            if j <= i64::MAX as u64 / 2 {
                j *= 2;
            } else {
                j = i64::MAX as u64;
                if self.get_int(j as i64).is_nil() {
                    break;
                }
                return j as i64; // t[maxinteger] present: a border
            }
            if self.get_int(j as i64).is_nil() {
                break;
            }
        }
        while j - i > 1 {
            let m = (i + j) / 2;
            if self.get_int(m as i64).is_nil() {
                j = m;
            } else {
                i = m;
            }
        }
        i as i64
    }

    fn next(&self, k: Value) -> Result<Option<(Value, Value)>, ()> {
        let alen = self.arr.len();
        let start = if k.is_nil() {
            0
        } else {
            let k = norm_key(k);
            match k {
                Value::Int(i) if (i as u64).wrapping_sub(1) < alen as u64 => i as usize,
                _ => match self.find_slot_for_next(&k, hash_value(&k)) {
                    Some(i) => alen + i + 1,
                    None => return Err(()),
                },
            }
        };
        for i in start..alen {
            if !self.arr[i].is_nil() {
                return Ok(Some((Value::Int(i as i64 + 1), self.arr[i])));
            }
        }
        for n in self.nodes()[start.saturating_sub(alen)..].iter() {
            if !n.val_is_nil()
                && let Key::Live(k) = n.key()
            {
                return Ok(Some((k, n.val())));
            }
        }
        Ok(None)
    }

    fn trace(&mut self, m: &mut Marker, mode: u8) {
        if mode & WEAK_VALUES == 0 {
            for v in self.arr.iter() {
                m.mark_value(*v);
            }
        } else {
            for v in self.arr.iter() {
                if let Value::Str(s) = v {
                    s.mark(m); // strings are values, never weak
                }
            }
        }
        if self.storage == SHARED {
            // A library image's storage holds only immortal strings and
            // values without objects: nothing to mark, nothing to clear.
            return;
        }
        for n in self.nodes_mut().iter_mut() {
            let Key::Live(k) = n.key() else { continue };
            if n.val_is_nil() {
                // A removed entry must not keep its key's object alive.
                let a = object_addr(&k);
                if a != 0 {
                    n.set_key(Key::Dead(a));
                }
                continue;
            }
            match k {
                // Strings are values, never weak; but in a table with weak
                // keys and values the reference does not traverse the table
                // at all: a string key is marked only if its entry survives
                // the clearing of weak values (`clear_weak_keys`), so that
                // the entry of a dead value does not keep its key alive.
                Value::Str(s) if mode & WEAK_VALUES == 0 => s.mark(m),
                _ if mode & WEAK_KEYS == 0 => m.mark_value(k),
                _ => {}
            }
            if mode & WEAK_VALUES == 0 {
                if mode & WEAK_KEYS == 0 || m.is_marked(k) {
                    m.mark_value(n.val());
                }
                // (else an ephemeron: the value waits for its key)
            } else if let Value::Str(s) = n.val() {
                s.mark(m);
            }
        }
    }
}

/// A place in a table's parts, for library images (`crate::image`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// Item `i` of the array part.
    Arr(u32),
    /// The key of hash slot `i`.
    Key(u32),
    /// The value of hash slot `i`.
    Val(u32),
}

/// A table as a library image keeps it: its parts as they were, with
/// every key and value mapped by the image (strings to shared ones,
/// references to other tables to placeholders the image patches in each
/// copy). Slot positions stay valid because a key's hash does not change
/// (the image's strings hash with the seed of the state it was taken
/// from, which every copy's state uses).
pub(crate) struct TableImage {
    arr: Box<[Value]>,
    nodes: Box<[Node]>,
    /// Copies use `nodes` in place until their first write (the image
    /// patches nothing in them).
    share_nodes: bool,
    alimit: u32,
    used: u32,
    hlog: u8,
    absent: u32,
}

impl Table {
    /// A table with room for `narray` array items and `nhash` other keys.
    pub fn new(narray: usize, nhash: usize) -> Table {
        let hs = hash_size_for(nhash);
        let (node_ptr, node_log) = if hs == 0 {
            (NonNull::dangling(), 0)
        } else {
            let nodes = vec![EMPTY_NODE; hs].into_boxed_slice();
            // SAFETY: a boxed slice's pointer is never null. `Parts`
            // owns the storage from here (freed by `set_nodes`/`Drop`).
            let p = unsafe { NonNull::new_unchecked(Box::into_raw(nodes) as *mut Node) };
            (p, hs.trailing_zeros() as u8)
        };
        Table {
            p: UnsafeCell::new(Parts {
                arr: vec![Value::Nil; narray].into_boxed_slice(),
                alimit: narray as u32,
                node_ptr,
                used: 0,
                node_log,
                hlog: nodes_log(nhash),
                weak: 0,
                storage: OWNED,
                absent: 0,
                meta: None,
            }),
        }
    }

    /// This table's image: every key and value of its parts through
    /// `map` (told where it is); a dead key stays as it is (only `next`
    /// reads it, and only from a key it handed out). The metatable is
    /// the caller's to record.
    pub(crate) fn to_image<E>(
        &self,
        mut map: impl FnMut(Value, Place) -> Result<Value, E>,
    ) -> Result<TableImage, E> {
        let (arr, mut nodes, alimit, used, hlog, absent) = self.with(|p| {
            (
                p.arr.clone(),
                Box::<[Node]>::from(p.nodes()),
                p.alimit,
                p.used,
                p.hlog,
                p.absent,
            )
        });
        let mut arr = arr;
        for (i, v) in arr.iter_mut().enumerate() {
            *v = map(*v, Place::Arr(i as u32))?;
        }
        for (i, n) in nodes.iter_mut().enumerate() {
            if let Key::Live(k) = n.key() {
                n.set_key(Key::Live(map(k, Place::Key(i as u32))?));
                n.set_val(map(n.val(), Place::Val(i as u32))?);
            }
        }
        Ok(TableImage {
            arr,
            nodes,
            share_nodes: false,
            alimit,
            used,
            hlog,
            absent,
        })
    }

    /// Bytes a copy of `img` needs in a heap block for its hash storage
    /// (none when it shares the image's).
    pub(crate) fn image_block_bytes(img: &TableImage) -> usize {
        if img.share_nodes {
            0
        } else {
            img.nodes.len() * NODE_SIZE
        }
    }

    /// A copy of an image's table (its placeholders still to patch),
    /// whose hash storage, unless shared with the image, goes at `room`.
    ///
    /// # Safety
    /// `room` lies in a block of the heap the copy will live in, is
    /// aligned for nodes, and `Table::image_block_bytes(img)` bytes from
    /// it are unused.
    pub(crate) unsafe fn from_image(img: &TableImage, room: *mut u8) -> Table {
        // One struct literal, no table made and then changed: the parts
        // go straight to their box (built field by field and then moved,
        // they were read back whole right after narrow writes: a
        // store-forwarding stall per table).
        let (node_ptr, node_log, storage) = if img.nodes.is_empty() {
            (NonNull::dangling(), 0, OWNED)
        } else if img.share_nodes {
            // The image's storage, read in place until the first write
            // copies it: never written or freed through this pointer.
            let p = NonNull::from(&img.nodes[..]).cast::<Node>();
            (p, img.nodes.len().trailing_zeros() as u8, SHARED)
        } else {
            let at = room.cast::<Node>();
            // SAFETY: the caller's contract: room for the nodes at `room`,
            // which is not null (inside a block).
            let p = unsafe {
                std::ptr::copy_nonoverlapping(img.nodes.as_ptr(), at, img.nodes.len());
                NonNull::new_unchecked(at)
            };
            (p, img.nodes.len().trailing_zeros() as u8, IN_BLOCK)
        };
        Table {
            p: UnsafeCell::new(Parts {
                arr: img.arr.clone(),
                alimit: img.alimit,
                node_ptr,
                used: img.used,
                node_log,
                hlog: img.hlog,
                weak: 0,
                storage,
                absent: img.absent,
                meta: None,
            }),
        }
    }

    /// Lets copies of `img` share its hash storage (the image patches
    /// none of its values).
    pub(crate) fn share_image_nodes(img: &mut TableImage) {
        img.share_nodes = true;
    }

    /// Writes `v` at `place` of a copy made by [`Table::from_image`]
    /// (a value place: keys are never patched).
    pub(crate) fn patch(&self, place: Place, v: Value) {
        self.with(|p| match place {
            Place::Arr(i) => p.arr[i as usize] = v,
            Place::Val(i) => p.nodes_mut()[i as usize].set_val(v),
            Place::Key(_) => unreachable!("image keys are never patched"),
        })
    }

    /// Runs `f` on the parts. The only place the `UnsafeCell` is opened.
    #[inline(always)]
    fn with<R>(&self, f: impl FnOnce(&mut Parts) -> R) -> R {
        // SAFETY: `Table` is not `Sync` (the UnsafeCell), so only this
        // thread can be here; every closure passed to `with` works on the
        // parts alone and never calls a method of this table (or anything
        // that could reach it: no Lua, no callbacks), so no other reference
        // to the parts exists while `f` runs, and none escapes it (the
        // results are `Copy` values, not references into the parts).
        f(unsafe { &mut *self.p.get() })
    }

    /// `t[key]` without metamethods.
    #[inline]
    pub fn get(&self, key: Value) -> Value {
        match key {
            Value::Int(i) => self.get_int(i),
            Value::Str(s) => self.get_str(s),
            Value::Nil => Value::Nil,
            Value::Float(f) => match float_to_int_exact(f) {
                Some(i) => self.get_int(i),
                None => self.with(|p| p.get_generic(&key)),
            },
            _ => self.with(|p| p.get_generic(&key)),
        }
    }

    /// `t[i]` without metamethods.
    #[inline]
    pub fn get_int(&self, i: i64) -> Value {
        self.with(|p| p.get_int(i))
    }

    /// `t[s]` for a string key, without metamethods. Interned (short)
    /// keys compare by pointer.
    #[inline]
    pub fn get_str(&self, key: LuaStr) -> Value {
        self.with(|p| p.get_str(key))
    }

    /// `t[key] = value` without metamethods. Float keys with integral
    /// values are stored as integers. Fails for a nil or NaN key (even when
    /// `value` is nil, as the reference does).
    pub fn set(&self, heap: &mut Heap, key: Value, value: Value) -> Result<(), KeyError> {
        match key {
            Value::Int(i) => self.set_int(heap, i, value),
            Value::Float(f) => {
                if let Some(i) = float_to_int_exact(f) {
                    self.set_int(heap, i, value);
                } else if f.is_nan() {
                    return Err(KeyError::NaN);
                } else {
                    self.with(|p| p.set_hash(heap, key, hash_value(&key), value));
                }
            }
            Value::Nil => return Err(KeyError::Nil),
            _ => self.with(|p| p.set_hash(heap, key, hash_value(&key), value)),
        }
        Ok(())
    }

    /// `t[i] = value` without metamethods.
    #[inline]
    pub fn set_int(&self, heap: &mut Heap, i: i64, value: Value) {
        self.with(|p| p.set_int(heap, i, value))
    }

    /// `t[s] = value` for a string key, without metamethods.
    #[inline]
    pub fn set_str(&self, heap: &mut Heap, key: LuaStr, value: Value) {
        let k = Value::Str(key);
        self.with(|p| p.set_hash(heap, k, key.hash(), value))
    }

    /// [`Table::set_str`] in one probe of the hash part when the table
    /// has room for a new key without a rehash (a table made with the size
    /// it is filled to, as a library's): the key's slot or, when it is
    /// absent, the first free slot of its probe sequence, which is where
    /// `set_str` would put it. Otherwise it is `set_str`. Same result.
    pub fn set_str_fill(&self, heap: &mut Heap, key: LuaStr, value: Value) {
        let done = self.with(|p| {
            if value.is_nil()
                || p.node_len() == 0
                || p.used as usize >= p.hash_nodes()
                || (p.used as usize + 1) * 4 > p.node_len() * 3
            {
                return false;
            }
            let mask = p.node_len() - 1;
            let nodes = p.nodes_mut();
            let mut i = key.hash() as usize & mask;
            loop {
                let n = &mut nodes[i];
                if n.is_free() {
                    *n = Node::new(Key::Live(Value::Str(key)), value);
                    p.used += 1;
                    p.absent = 0;
                    return true;
                }
                if Parts::holds_str(n, key) {
                    // A removed key may come back (as in set_hash).
                    let revived = n.val_is_nil();
                    n.set_val(value);
                    if revived {
                        p.absent = 0;
                    }
                    return true;
                }
                i = (i + 1) & mask;
            }
        });
        if !done {
            self.set_str_fill_slow(heap, key, value);
        }
    }

    /// `set_str_fill` when one probe cannot do it. Out of line, so that
    /// the one-probe path does not carry this call's set-up (it ran 13
    /// fewer instructions a call in `oop`).
    #[cold]
    #[inline(never)]
    fn set_str_fill_slow(&self, heap: &mut Heap, key: LuaStr, value: Value) {
        self.set_str(heap, key, value);
    }

    /// Overwrites `t[key]` if it holds a non-nil value, and reports whether
    /// it did: the fast path of `SETFIELD`/`SETTABLE`/`SETI` (an existing
    /// field takes no `__newindex`, so the VM needs no metatable check and
    /// no second lookup). On `false`, the VM checks `__newindex` and then
    /// calls [`Table::set`]. A nil or NaN key reports `false`.
    #[inline]
    pub fn replace(&self, key: Value, value: Value) -> bool {
        match key {
            Value::Int(i) => self.replace_int(i, value),
            Value::Str(s) => self.replace_str(s, value),
            Value::Nil => false,
            _ => {
                let k = norm_key(key);
                if let Value::Int(i) = k {
                    return self.replace_int(i, value);
                }
                self.with(|p| p.replace_slot(&k, hash_value(&k), value))
            }
        }
    }

    /// [`Table::replace`] for an integer key.
    #[inline(always)]
    pub fn replace_int(&self, i: i64, value: Value) -> bool {
        self.with(|p| {
            let u = (i as u64).wrapping_sub(1);
            if u < p.arr.len() as u64 {
                let slot = &mut p.arr[u as usize];
                if slot.is_nil() {
                    return false;
                }
                if u >= p.alimit as u64 {
                    p.alimit = i as u32;
                }
                *slot = value;
                return true;
            }
            p.replace_slot(&Value::Int(i), mix(i as u64), value)
        })
    }

    /// [`Table::replace`] for a string key.
    #[inline]
    pub fn replace_str(&self, key: LuaStr, value: Value) -> bool {
        self.with(|p| p.replace_str(key, value))
    }

    /// Moves the values at keys `from..=to` one key up (to
    /// `from+1..=to+1`, raw, as `table.insert` does element by element)
    /// when all those keys lie in the array part; returns false, moving
    /// nothing, otherwise. `t[from]` keeps its value.
    pub fn shift_up(&self, from: i64, to: i64) -> bool {
        self.with(|p| {
            if from < 1 || to < from || (to as u64) >= p.arr.len() as u64 {
                return false;
            }
            let (a, b) = (from as usize - 1, to as usize);
            p.arr.copy_within(a..b, a + 1);
            if b + 1 > p.alimit as usize {
                p.alimit = (b + 1) as u32;
            }
            true
        })
    }

    /// Moves the values at keys `from+1..=to` one key down (to
    /// `from..=to-1`, raw, as `table.remove` does element by element)
    /// when all those keys lie in the array part; returns false, moving
    /// nothing, otherwise. `t[to]` keeps its value.
    pub fn shift_down(&self, from: i64, to: i64) -> bool {
        self.with(|p| {
            if from < 1 || to <= from || (to as u64) > p.arr.len() as u64 {
                return false;
            }
            let (a, b) = (from as usize - 1, to as usize);
            p.arr.copy_within(a + 1..b, a);
            true
        })
    }

    /// The border `#t` returns (no `__len`).
    pub fn len(&self) -> i64 {
        self.with(|p| p.len())
    }

    /// Whether the table has no entries (O(n)).
    pub fn is_empty(&self) -> bool {
        matches!(self.next(Value::Nil), Ok(None))
    }

    /// The entry after `key` in traversal order (`next`); `Ok(None)` at the
    /// end, `Err(())` when `key` is not in the table. Assigning to or
    /// clearing existing fields during a traversal is allowed.
    #[allow(clippy::result_unit_err)]
    pub fn next(&self, key: Value) -> Result<Option<(Value, Value)>, ()> {
        self.with(|p| p.next(key))
    }

    /// The metatable.
    #[inline]
    pub fn metatable(&self) -> Option<Gc<Table>> {
        self.with(|p| p.meta)
    }

    /// Sets (or removes) the metatable. (The weak mode is read from the
    /// metatable's `__mode` by each collection; a `__gc` field must be
    /// registered by the caller with `Heap::register_finalizer`.)
    pub fn set_metatable(&self, mt: Option<Gc<Table>>) {
        self.with(|p| p.meta = mt)
    }

    /// Whether this table (used as a metatable) is known to have no field
    /// for event `tm` (a cached negative lookup).
    #[inline]
    pub fn metamethod_absent(&self, tm: TagMethod) -> bool {
        self.with(|p| p.absent & (1 << tm as u32) != 0)
    }

    /// Records that this table has no field for event `tm` (it stays
    /// recorded until a key is added to the table).
    #[inline]
    pub fn set_metamethod_absent(&self, tm: TagMethod) {
        self.with(|p| p.absent |= 1 << tm as u32)
    }

    /// The reference's `fasttm`: the field for event `tm` (whose name, as
    /// an interned string, is `name`) of this table used as a metatable,
    /// or `None` when it is nil. A miss is cached, so the next lookup of
    /// an absent metamethod is one bit test.
    #[inline]
    pub fn fast_metamethod(&self, tm: TagMethod, name: LuaStr) -> Option<Value> {
        self.with(|p| {
            let bit = 1 << tm as u32;
            if p.absent & bit != 0 {
                return None;
            }
            let v = p.get_str(name);
            if v.is_nil() {
                p.absent |= bit;
                None
            } else {
                Some(v)
            }
        })
    }

    /// The size of the array part (for sizing decisions; not `#`).
    pub fn array_size(&self) -> usize {
        self.with(|p| p.arr.len())
    }

    /// Gives the array part at least `n` slots, keeping the hash part's
    /// node count (OP_SETLIST's and `table.move`'s preallocation).
    pub fn ensure_array(&self, heap: &mut Heap, n: usize) {
        self.with(|p| {
            if p.arr.len() < n {
                let nh = p.hash_nodes();
                p.resize(heap, n, nh);
            }
        })
    }

    /// Resizes both parts (`lua_createtable`-style sizing of an existing
    /// table): `narray` array slots and room for `nhash` other keys.
    pub fn resize(&self, heap: &mut Heap, narray: usize, nhash: usize) {
        self.with(|p| p.resize(heap, narray, nhash))
    }

    /// Makes room for `n` more keys in the hash part, so that adding them
    /// rehashes nothing (a library about to register its fields): resizes
    /// only when the room is short, and then to the live keys plus `n`.
    pub fn reserve(&self, heap: &mut Heap, n: usize) {
        let need = self.with(|p| {
            let short = p.used as usize + n > p.hash_nodes()
                || (p.used as usize + n) * 4 > p.node_len() * 3;
            short.then(|| p.nodes().iter().filter(|x| !x.val_is_nil()).count() + n)
        });
        if let Some(nhash) = need {
            let narray = self.array_size();
            self.resize(heap, narray, nhash);
        }
    }

    /// Number of non-nil entries (O(n)).
    pub fn count(&self) -> usize {
        self.with(|p| {
            p.arr.iter().filter(|v| !v.is_nil()).count()
                + p.nodes().iter().filter(|n| !n.val_is_nil()).count()
        })
    }

    /// Whether the last collection found this table weak-keyed only (an
    /// ephemeron table).
    pub(crate) fn is_ephemeron(&self) -> bool {
        self.with(|p| p.weak == WEAK_KEYS)
    }

    /// Marks the values whose keys are marked; reports whether anything
    /// new was marked.
    pub(crate) fn mark_ephemeron_values(&self, m: &mut Marker) -> bool {
        self.with(|p| {
            let mut changed = false;
            for n in p.nodes().iter() {
                if n.val_is_nil() {
                    continue;
                }
                if let Key::Live(k) = n.key()
                    && m.is_marked(k)
                    && !m.is_marked(n.val())
                {
                    m.mark_value(n.val());
                    changed = true;
                }
            }
            changed
        })
    }

    /// Clears the entries whose values are unmarked objects (a weak-valued
    /// table, after marking).
    pub(crate) fn clear_weak_values(&self, m: &Marker) {
        self.with(|p| {
            if p.weak & WEAK_VALUES == 0 {
                return;
            }
            for v in p.arr.iter_mut() {
                if !m.is_marked(*v) {
                    *v = Value::Nil;
                }
            }
            for n in p.nodes_mut().iter_mut() {
                if !n.val_is_nil() && !m.is_marked(n.val()) {
                    n.set_val(Value::Nil);
                    if let Key::Live(k) = n.key() {
                        let a = object_addr(&k);
                        if a != 0 {
                            n.set_key(Key::Dead(a));
                        }
                    }
                }
            }
        })
    }

    /// Clears the entries whose keys are unmarked objects (a weak-keyed
    /// table, after marking and after its weak values were cleared) and
    /// marks the string keys of the others (strings are never weak).
    pub(crate) fn clear_weak_keys(&self, m: &Marker) {
        self.with(|p| {
            if p.weak & WEAK_KEYS == 0 {
                return;
            }
            for n in p.nodes_mut().iter_mut() {
                if let Key::Live(Value::Str(s)) = n.key()
                    && !n.val_is_nil()
                {
                    m.mark_leaf(s.0);
                } else if let Key::Live(k) = n.key()
                    && !n.val_is_nil()
                    && !m.is_marked(k)
                {
                    n.set_val(Value::Nil);
                    n.set_key(Key::Dead(object_addr(&k)));
                }
            }
        })
    }
}

// The last impl block of the module: impl blocks are numbered in the order
// they appear, and the numbers go into the other impls' symbol names, which
// the CLI's layout list (`lunar-cli/layout/hot-functions.txt`) names.
impl Node {
    /// A slot holding key `k` and value `v`.
    #[inline(always)]
    fn new(k: Key, v: Value) -> Node {
        let mut n = EMPTY_NODE;
        n.set_key(k);
        n.set_val(v);
        n
    }

    /// The key.
    #[inline(always)]
    fn key(&self) -> Key {
        match self.ktag {
            KEY_EMPTY => Key::Empty,
            // SAFETY: a dead key's payload is its address, written whole
            // by `set_key`.
            KEY_DEAD => Key::Dead(unsafe { self.kpay.assume_init() } as usize),
            // SAFETY: a live key's tag and payload are `split` of the key
            // (`Node`'s invariant).
            t => Key::Live(unsafe { join(t, self.kpay) }),
        }
    }

    /// Whether the key has the tag and the payload word of `k`, a value
    /// whose payload is one whole word (an integer, a float by its bits,
    /// any object by its address). A tag test and a word test, without
    /// the dead- and free-key cases `key` tells apart: the fast test of
    /// integer keys and of interned strings.
    ///
    /// # Safety
    /// `k` is neither nil nor a boolean (the variants whose payload word
    /// is not initialised whole).
    #[inline(always)]
    unsafe fn holds_word(&self, k: Value) -> bool {
        let (tag, pay) = split(k);
        // SAFETY: the payloads are read only when the key has `k`'s tag,
        // hence is a live key of `k`'s variant, whose payload word is
        // initialised whole (caller), in the node as in `pay`.
        self.ktag == tag && unsafe { self.kpay.assume_init() == pay.assume_init() }
    }

    /// Whether the slot is free (ends a probe sequence).
    #[inline(always)]
    fn is_free(&self) -> bool {
        self.ktag == KEY_EMPTY
    }

    #[inline(always)]
    fn set_key(&mut self, k: Key) {
        match k {
            Key::Empty => self.ktag = KEY_EMPTY,
            Key::Dead(a) => {
                self.ktag = KEY_DEAD;
                self.kpay = MaybeUninit::new(a as u64);
            }
            Key::Live(v) => {
                debug_assert!(!v.is_nil(), "a nil key would read as a free slot");
                (self.ktag, self.kpay) = split(v);
            }
        }
    }

    /// The value (nil for a removed entry or a free slot).
    #[inline(always)]
    fn val(&self) -> Value {
        // SAFETY: the value's tag and payload are `split` of one value
        // (`Node`'s invariant).
        unsafe { join(self.vtag, self.vpay) }
    }

    /// Whether the value is nil (a tag test alone).
    #[inline(always)]
    fn val_is_nil(&self) -> bool {
        self.vtag == TAG_NIL as u32
    }

    #[inline(always)]
    fn set_val(&mut self, v: Value) {
        (self.vtag, self.vpay) = split(v);
    }
}

#[cfg(test)]
#[path = "table/tests.rs"]
mod tests;
