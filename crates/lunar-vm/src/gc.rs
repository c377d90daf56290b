//! The per-state heap: allocation of collected objects, the `Gc<T>` handle,
//! the string table, and the mark-and-sweep collector (weak tables,
//! ephemerons, finalizers, pacing).
//!
//! Every object lives in a `GcBox<T>`: a header (intrusive list link, mark
//! bits, a per-type vtable for tracing and freeing) followed by the value.
//! The heap owns all boxes through the intrusive list; `Gc<T>` is a plain
//! copyable pointer. (The exceptions: the strings [`Heap::intern_batch`]
//! makes are fixed, in blocks the heap frees when it is dropped, and in
//! no list; the tables a state copies from a library image are in the
//! list but placed in such a block, so that dying only drops them; and
//! an image's strings belong to the image, shared by every state made
//! from it, always marked and in no list: see `crate::image`.)
//!
//! # The safe-point rule
//! Collection never runs inside an allocation. It runs only at safe points:
//! in the dispatch loop (where the VM checks the allocation debt, like the
//! reference's `luaC_checkGC`), and when Lua calls `collectgarbage`. At a
//! safe point every object that is still needed is reachable from the roots
//! (the threads' stacks, globals, registry, open upvalues, the metatables of
//! the basic types, the string table is weak). So native code may hold `Gc`
//! handles in Rust locals freely, EXCEPT across a call back into Lua (which
//! may reach a safe point): values needed after such a call must be on the
//! Lua stack (arguments of the native function are).
//!
//! # A collection ([`Heap::collect`])
//! A full, stop-the-world collection, as the reference's `atomic` phase
//! followed by a complete sweep:
//! 1. the caller's roots are marked, plus the objects waiting for their
//!    `__gc` (the heap's own root);
//! 2. the gray list is propagated: each object's `Trace::trace` marks what
//!    it holds. Tables with `__mode` trace only their strong parts and
//!    register themselves as weak (see `table.rs`);
//! 3. ephemerons converge: in a weak-keyed table a value is marked only
//!    once its key is, repeated until nothing new is marked;
//! 4. weak values that point at unmarked objects are cleared;
//! 5. objects registered for finalization that are unmarked are moved to
//!    the finalization queue and marked again (resurrected) with all they
//!    reach, and 2–3 run again;
//! 6. weak keys that point at unmarked objects are cleared (and weak values
//!    of the tables found during resurrection);
//! 7. dead strings leave the string table; unmarked objects are freed,
//!    marks are reset, and the next threshold is set from the live bytes.
//!
//! Its cost is O(live + garbage) (plus one pass per ephemeron round).
//!
//! ```
//! use lunar_vm::gc::Heap;
//! use lunar_vm::{Table, Value};
//! let mut heap = Heap::new();
//! let root = heap.alloc(Table::new(0, 0));
//! let child = heap.alloc(Table::new(0, 0));
//! root.set_int(&mut heap, 1, Value::Table(child));
//! let doomed = heap.alloc(Table::new(0, 0));
//! heap.register_finalizer(Value::Table(doomed)); // its metatable has __gc
//! let queued = heap.collect(&mut |m| m.mark(root));
//! assert_eq!(queued, 1);
//! // The state now calls `__gc` on each queued object, newest first.
//! while let Some(obj) = heap.pop_finalizer() {
//!     assert!(obj.raw_eq(&Value::Table(doomed)));
//! }
//! heap.collect(&mut |m| m.mark(root)); // now `doomed` is freed
//! assert!(root.get_int(1).raw_eq(&Value::Table(child)));
//! ```

use crate::string::{Strings, alloc_str};
use crate::table::Table;
use crate::value::Value;
use std::cell::Cell;
use std::collections::VecDeque;
use std::ptr::NonNull;

/// A handle to a collected object of type `T` in a state's heap.
///
/// Copy and pointer-sized. Valid as long as the object is reachable at every
/// safe point (see the module docs); dereferencing gives `&T` (objects that
/// change, like tables, use interior mutability).
pub struct Gc<T: 'static> {
    pub(crate) ptr: NonNull<GcBox<T>>,
}

impl<T> Clone for Gc<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Gc<T> {}

/// The header every heap object starts with: two words.
#[repr(C)]
pub struct GcHeader {
    /// The next object in the heap's list of all objects, with the
    /// collector's bits (`MARK_BIT`, `FINOBJ_BIT`) in the low bits of its
    /// address. Boxes are aligned to at least `LINK_BITS + 1` bytes, so
    /// those bits of an address are zero; keeping the bits there instead
    /// of in a byte of their own makes every object a word smaller.
    link: Cell<*mut GcHeader>,
    /// Per-type operations.
    pub(crate) vtable: &'static GcVTable,
}

/// The bits of `GcHeader::link` that hold the collector's bits.
const LINK_BITS: usize = 0b111;

const _: () = assert!(std::mem::align_of::<GcHeader>() > LINK_BITS);

impl GcHeader {
    /// A header linked to `next`, with the collector's bits `marks`.
    #[inline]
    pub(crate) fn new(
        next: Option<NonNull<GcHeader>>,
        marks: u8,
        vtable: &'static GcVTable,
    ) -> GcHeader {
        let p = next.map_or(std::ptr::null_mut(), NonNull::as_ptr);
        GcHeader {
            link: Cell::new(p.map_addr(|a| a | (marks as usize & LINK_BITS))),
            vtable,
        }
    }
    /// The next object in the heap's list.
    #[inline]
    pub(crate) fn next(&self) -> Option<NonNull<GcHeader>> {
        NonNull::new(self.link.get().map_addr(|a| a & !LINK_BITS))
    }
    /// Links the object to `next`, keeping its bits.
    #[inline]
    pub(crate) fn set_next(&self, next: Option<NonNull<GcHeader>>) {
        let bits = self.link.get().addr() & LINK_BITS;
        let p = next.map_or(std::ptr::null_mut(), NonNull::as_ptr);
        self.link.set(p.map_addr(|a| a | bits));
    }
    /// The collector's bits.
    #[inline]
    pub(crate) fn marks(&self) -> u8 {
        (self.link.get().addr() & LINK_BITS) as u8
    }
    /// Sets the collector's bits, keeping the link.
    #[inline]
    pub(crate) fn set_marks(&self, marks: u8) {
        let m = marks as usize & LINK_BITS;
        self.link
            .set(self.link.get().map_addr(|a| (a & !LINK_BITS) | m));
    }
}

/// Per-type operations the collector needs without knowing the type.
pub struct GcVTable {
    /// Marks what the object references.
    pub trace: unsafe fn(NonNull<GcHeader>, &mut Marker),
    /// Frees the box (drops the value and deallocates).
    pub free: unsafe fn(NonNull<GcHeader>),
    /// Approximate size in bytes, for pacing and `collectgarbage("count")`.
    pub size: unsafe fn(NonNull<GcHeader>) -> usize,
}

/// A header followed by the value.
#[repr(C)]
pub struct GcBox<T> {
    pub(crate) header: GcHeader,
    pub(crate) value: T,
}

/// Implemented by every heap object type: marks the objects it references.
pub trait Trace: 'static {
    /// Calls `marker` for every `Value`/`Gc` this object holds strongly.
    fn trace(&self, marker: &mut Marker);
    /// Extra heap bytes this object owns beyond its box (array parts,
    /// string bytes…), charged to the collector's pacing.
    fn extra_size(&self) -> usize {
        0
    }
}

/// The collector's gray list (objects marked but not yet traversed) and
/// the weak tables met while marking.
pub struct Marker {
    pub(crate) gray: Vec<NonNull<GcHeader>>,
    /// Tables with a weak mode reached during this collection (each once:
    /// a table is traced once per collection).
    pub(crate) weak: Vec<NonNull<Table>>,
    /// The interned "__mode", which tables look up in their metatables.
    pub(crate) mode_key: Option<crate::string::LuaStr>,
}

impl Marker {
    fn new() -> Marker {
        Marker {
            gray: Vec::new(),
            weak: Vec::new(),
            mode_key: None,
        }
    }

    /// Marks a value's object, if it has one.
    #[inline]
    pub fn mark_value(&mut self, v: Value) {
        match v {
            Value::Str(s) => s.mark(self),
            Value::Table(t) => self.mark(t),
            Value::LuaFn(f) => self.mark(f),
            Value::NativeFn(f) => self.mark(f),
            Value::UserData(u) => self.mark(u),
            Value::Thread(t) => self.mark(t),
            Value::Nil
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::LightFn(_)
            | Value::LightUserData(_) => {}
        }
    }

    /// Marks an object (and queues it for traversal the first time).
    #[inline]
    pub fn mark<T: Trace>(&mut self, g: Gc<T>) {
        let h = g.header();
        if h.marks() & MARK_BIT == 0 {
            h.set_marks(h.marks() | MARK_BIT);
            self.gray.push(g.ptr.cast());
        }
    }

    /// Marks an object that references nothing (a string): no traversal,
    /// so a shared borrow is enough, which lets the clearing of weak tables
    /// keep the string keys of the entries that stay (the reference's
    /// `iscleared`).
    #[inline]
    pub(crate) fn mark_leaf<T: Trace>(&self, g: Gc<T>) {
        let h = g.header();
        // Written only when unmarked: a library image's shared strings
        // are always marked and must never be written (other threads
        // read them).
        if h.marks() & MARK_BIT == 0 {
            h.set_marks(h.marks() | MARK_BIT);
        }
    }

    /// Whether `v`'s object is marked (values without an object count as
    /// marked: they can never be collected).
    #[inline]
    pub fn is_marked(&self, v: Value) -> bool {
        match header_of(v) {
            Some(h) => {
                // SAFETY: `header_of` returns the header of a live object
                // (the value was read from a live object during marking).
                unsafe { h.as_ref().marks() & MARK_BIT != 0 }
            }
            None => true,
        }
    }

    /// Records a weak table reached while marking (called by its trace).
    pub(crate) fn add_weak(&mut self, t: &Table) {
        self.weak.push(NonNull::from(t));
    }

    /// The weak table at `i` of the list.
    fn weak_table(&self, i: usize) -> &Table {
        // SAFETY: the list holds tables reached (so marked) during this
        // collection; nothing is freed before the sweep, which comes after
        // the last use of the list.
        unsafe { self.weak[i].as_ref() }
    }

    /// Traverses gray objects until none is left.
    fn propagate(&mut self) {
        while let Some(h) = self.gray.pop() {
            // SAFETY: only live boxes of this heap are pushed on the gray
            // list (by `mark`), and nothing is freed while marking.
            unsafe { (h.as_ref().vtable.trace)(h, self) }
        }
    }

    /// Marks the values of weak-keyed tables whose keys are marked, until
    /// no new object is marked (the reference's `convergeephemerons`).
    fn converge_ephemerons(&mut self) {
        loop {
            self.propagate();
            let mut changed = false;
            for i in 0..self.weak.len() {
                let t = self.weak[i];
                // SAFETY: as in `weak_table` (the pointer is copied out so
                // that the marker can be borrowed mutably).
                let t = unsafe { t.as_ref() };
                if t.is_ephemeron() && t.mark_ephemeron_values(self) {
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
}

/// The header of a value's object, if it has one.
#[inline]
pub(crate) fn header_of(v: Value) -> Option<NonNull<GcHeader>> {
    match v {
        Value::Str(s) => Some(s.0.ptr.cast()),
        Value::Table(t) => Some(t.ptr.cast()),
        Value::LuaFn(f) => Some(f.ptr.cast()),
        Value::NativeFn(f) => Some(f.ptr.cast()),
        Value::UserData(u) => Some(u.ptr.cast()),
        Value::Thread(t) => Some(t.ptr.cast()),
        Value::Nil
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::LightFn(_)
        | Value::LightUserData(_) => None,
    }
}

/// The mark bit in `GcHeader::marked`.
pub(crate) const MARK_BIT: u8 = 1;
/// Set while an object is registered for finalization (`__gc`).
pub(crate) const FINOBJ_BIT: u8 = 2;

impl<T: 'static> Gc<T> {
    /// Whether two handles point at the same object.
    #[inline]
    pub fn ptr_eq(self, other: Gc<T>) -> bool {
        self.ptr == other.ptr
    }

    /// The object's address (for `%p`, `tostring` and hashing).
    #[inline]
    pub fn addr(self) -> usize {
        self.ptr.as_ptr() as usize
    }

    #[inline]
    pub(crate) fn header(&self) -> &GcHeader {
        // SAFETY: `ptr` points at a live GcBox (the safe-point rule, see the
        // module docs); the header is its first field.
        unsafe { &(*self.ptr.as_ptr()).header }
    }
}

impl<T: 'static> std::ops::Deref for Gc<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: `ptr` points at a live GcBox for as long as the object is
        // reachable at every safe point (module docs); the heap frees boxes
        // only while sweeping, at a safe point.
        unsafe { &(*self.ptr.as_ptr()).value }
    }
}

/// Which collector mode `collectgarbage` last selected. Both run the same
/// stop-the-world collector for now; the mode is kept so that
/// `collectgarbage("incremental")`/`("generational")` return the previous
/// one as the reference does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GcMode {
    /// `"incremental"` (the default).
    Incremental,
    /// `"generational"`.
    Generational,
}

impl GcMode {
    /// The name `collectgarbage` uses.
    pub fn name(self) -> &'static str {
        match self {
            GcMode::Incremental => "incremental",
            GcMode::Generational => "generational",
        }
    }
}

/// A collector parameter stored as the reference stores it: a quarter of
/// the value set, in a byte (so `setpause` after `setpause(150)` returns
/// 148, as in lua5.4).
#[derive(Clone, Copy, Debug)]
struct GcParam(u8);

impl GcParam {
    fn get(self) -> i64 {
        self.0 as i64 * 4
    }
    /// As the reference's `setgcparam` after its cast to a C int: the
    /// quotient truncated to a byte.
    fn set(&mut self, v: i64) {
        self.0 = ((v as i32) / 4) as u8;
    }
}

/// The reference's defaults (LUAI_GCPAUSE, LUAI_GCMUL, LUAI_GCSTEPSIZE,
/// LUAI_GENMINORMUL, LUAI_GENMAJORMUL).
const DEFAULT_PAUSE: i64 = 200;
const DEFAULT_STEPMUL: i64 = 100;
const DEFAULT_STEPSIZE: i64 = 13;
const DEFAULT_MINORMUL: i64 = 20;
const DEFAULT_MAJORMUL: i64 = 100;

/// The smallest threshold set after a collection, so that tiny heaps do
/// not collect on every few allocations.
const MIN_THRESHOLD: usize = 64 * 1024;

/// A state's heap: owns every object, counts bytes, runs collections.
pub struct Heap {
    /// Head of the list of all objects.
    pub(crate) all: Option<NonNull<GcHeader>>,
    /// Bytes currently allocated (approximate: boxes plus extra sizes as
    /// reported at allocation and by `charge`; recounted by each sweep).
    pub(crate) bytes: usize,
    /// When `bytes` passes this, the next safe point collects.
    pub(crate) threshold: usize,
    /// The interned short strings (weak: cleared of dead strings by each
    /// collection).
    pub(crate) strings: Strings,
    /// Objects registered for finalization, in registration order.
    finobj: Vec<Value>,
    /// Objects found unreachable whose `__gc` is due, next first. Rooted
    /// by the heap until `pop_finalizer` hands them out.
    tobefnz: VecDeque<Value>,
    /// `collectgarbage("stop")` clears it.
    running: bool,
    pause: GcParam,
    stepmul: GcParam,
    stepsize: i64,
    minormul: GcParam,
    majormul: GcParam,
    mode: GcMode,
    /// Number of collections run (for tests and statistics).
    collections: u64,
    /// Collect at every safe point (`set_stress`).
    stress: bool,
    /// The blocks of strings `intern_batch` made (freed with the heap).
    pub(crate) str_blocks: Option<NonNull<crate::string::StrBlock>>,
    /// Bytes of the fixed strings in those blocks (counted in `bytes`:
    /// the sweep, which never sees them, adds them back).
    pub(crate) fixed_bytes: usize,
}

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

impl Heap {
    /// An empty heap.
    pub fn new() -> Heap {
        Heap::new_with(Strings::new())
    }

    fn new_with(strings: Strings) -> Heap {
        let mut h = Heap {
            all: None,
            bytes: 0,
            // The first collection comes early, as the reference's
            // does (its first cycle starts at twice the size of a fresh
            // state): a small program that makes garbage keeps a small
            // heap (with 1 MB here, strings.lua peaked at 1.3x lua5.4's
            // RSS; now 0.84x), at the price of a few collections of a
            // small heap.
            threshold: MIN_THRESHOLD,
            strings,
            finobj: Vec::new(),
            tobefnz: VecDeque::new(),
            running: true,
            pause: GcParam(0),
            stepmul: GcParam(0),
            stepsize: DEFAULT_STEPSIZE,
            minormul: GcParam(0),
            majormul: GcParam(0),
            mode: GcMode::Incremental,
            collections: 0,
            stress: false,
            str_blocks: None,
            fixed_bytes: 0,
        };
        h.pause.set(DEFAULT_PAUSE);
        h.stepmul.set(DEFAULT_STEPMUL);
        h.minormul.set(DEFAULT_MINORMUL);
        h.majormul.set(DEFAULT_MAJORMUL);
        h
    }

    /// An empty heap whose string table ends in a library image's shared
    /// strings (and hashes with the image's seed).
    pub(crate) fn with_shared_strings(shared: &'static crate::string::SharedStrings) -> Heap {
        Heap::new_with(Strings::with_shared(shared))
    }

    /// An empty heap whose string hashes use `seed` (the default seed is
    /// random per heap): for reproducible traversal orders in tests and
    /// benchmarks.
    pub fn with_seed(seed: u64) -> Heap {
        let mut h = Heap::new();
        h.strings = Strings::with_seed(seed);
        h
    }

    /// Moves `value` into a new heap object.
    pub fn alloc<T: Trace>(&mut self, value: T) -> Gc<T> {
        let extra = value.extra_size();
        let boxed = Box::new(GcBox {
            header: GcHeader::new(self.all, 0, vtable_of::<T>()),
            value,
        });
        let ptr = NonNull::from(Box::leak(boxed));
        self.all = Some(ptr.cast());
        self.bytes += std::mem::size_of::<GcBox<T>>() + extra;
        Gc { ptr }
    }

    /// Moves `value` into a new heap object placed at `at`, in one of
    /// this heap's blocks (`crate::string::new_block`) instead of an
    /// allocation of its own: collected as any object (its value is
    /// dropped when it dies), its memory freed with the heap.
    ///
    /// # Safety
    /// `at` lies in a block of this heap, is aligned for `GcBox<T>`, and
    /// `size_of::<GcBox<T>>()` bytes from it are unused.
    pub(crate) unsafe fn alloc_in_block<T: Trace>(&mut self, at: *mut GcBox<T>, value: T) -> Gc<T> {
        let extra = value.extra_size();
        // SAFETY: the caller's contract: room for the box at `at`.
        unsafe {
            at.write(GcBox {
                header: GcHeader::new(self.all, 0, &BlockVTableFor::<T>::VTABLE),
                value,
            });
        }
        // SAFETY: `at` is non-null (inside a block).
        let ptr = unsafe { NonNull::new_unchecked(at) };
        self.all = Some(ptr.cast());
        self.bytes += std::mem::size_of::<GcBox<T>>() + extra;
        Gc { ptr }
    }

    /// A string with these bytes: short strings (up to
    /// [`crate::string::MAX_SHORT_LEN`] bytes) are interned, so equal short
    /// strings are the same object; long ones are new objects.
    pub fn new_str(&mut self, bytes: &[u8]) -> crate::string::LuaStr {
        if bytes.len() <= crate::string::MAX_SHORT_LEN {
            let h = self.strings.hash(bytes);
            if let Some(s) = self.strings.find(bytes, h) {
                return s;
            }
            let s = alloc_str(self, h, bytes);
            self.strings.insert(s);
            s
        } else {
            let h = self.strings.hash(bytes);
            alloc_str(self, h, bytes)
        }
    }

    /// Interns every name of `names` (short strings: at most
    /// [`crate::string::MAX_SHORT_LEN`] bytes each) as [`Heap::new_str`]
    /// would, and calls `each(heap, i, s)` with the string of the `i`-th
    /// name, in order. The names the heap lacks are made in ONE allocation
    /// (a block the heap frees when it goes) rather than one each, and
    /// are FIXED, as the reference fixes its reserved words and metamethod
    /// names: never collected, so no collection walks them and dropping
    /// the heap frees their block at once. For the names a library
    /// registers when a state opens it (a bounded set). `each` must not
    /// collect (the strings the batch found, not made, are rooted by
    /// nothing until `each` stores them).
    ///
    /// ```
    /// use lunar_vm::gc::Heap;
    /// let mut heap = Heap::new();
    /// let old = heap.new_str(b"b");
    /// let mut got = Vec::new();
    /// heap.intern_batch([&b"a"[..], b"b", b"a"].into_iter(), |_, i, s| got.push((i, s)));
    /// assert!(got[1].1.ptr_eq(&old) && got[0].1.ptr_eq(&got[2].1));
    /// assert!(heap.new_str(b"a").ptr_eq(&got[0].1));
    /// ```
    pub fn intern_batch<'a, I>(
        &mut self,
        names: I,
        each: impl FnMut(&mut Heap, usize, crate::string::LuaStr),
    ) where
        I: Iterator<Item = &'a [u8]> + Clone,
    {
        crate::string::intern_batch(self, names, each)
    }

    /// Makes room in the string table for `n` more interned strings, so
    /// that it is not resized (rehashed) while they are made: for a state
    /// about to open its libraries.
    pub fn reserve_strings(&mut self, n: usize) {
        self.strings.reserve(n);
    }

    /// Number of interned (short) strings.
    pub fn interned_count(&self) -> usize {
        self.strings.len()
    }

    /// Like [`Heap::new_str`], from a buffer (strings keep their bytes
    /// inline, so this copies too).
    pub fn new_str_from_vec(&mut self, bytes: Vec<u8>) -> crate::string::LuaStr {
        self.new_str(&bytes)
    }

    /// Adds (or with a negative delta, removes) bytes an object allocated
    /// or freed after its creation (a table's parts growing, say).
    #[inline]
    pub fn charge(&mut self, delta: isize) {
        self.bytes = self.bytes.saturating_add_signed(delta);
    }

    /// Bytes in use, as `collectgarbage("count")` reports (in bytes).
    pub fn bytes_in_use(&self) -> usize {
        self.bytes
    }

    /// Whether the allocation debt asks for a collection at the next safe
    /// point (never while the collector is stopped).
    #[inline]
    pub fn should_collect(&self) -> bool {
        self.bytes >= self.threshold && self.running
    }

    /// The byte count at which `should_collect` turns true.
    pub fn threshold(&self) -> usize {
        self.threshold
    }

    /// Sets the threshold directly (`collectgarbage("step")` may use it to
    /// bring the next collection forward).
    pub fn set_threshold(&mut self, bytes: usize) {
        self.threshold = bytes;
    }

    /// `collectgarbage("stop")` / `("restart")`.
    pub fn set_running(&mut self, on: bool) {
        self.running = on;
    }

    /// `collectgarbage("isrunning")`.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// `collectgarbage("setpause", v)`: returns the previous value.
    pub fn set_pause(&mut self, v: i64) -> i64 {
        let old = self.pause.get();
        self.pause.set(v);
        old
    }

    /// The pause (percent): after a collection the next one starts when the
    /// heap reaches live bytes × pause / 100.
    pub fn pause(&self) -> i64 {
        self.pause.get()
    }

    /// `collectgarbage("setstepmul", v)`: returns the previous value.
    pub fn set_stepmul(&mut self, v: i64) -> i64 {
        let old = self.stepmul.get();
        self.stepmul.set(v);
        old
    }

    /// The step multiplier (kept for `collectgarbage`; the collector is not
    /// incremental yet).
    pub fn stepmul(&self) -> i64 {
        self.stepmul.get()
    }

    /// `collectgarbage("incremental", pause, stepmul, stepsize)`: zero
    /// arguments keep the current values; returns the previous mode.
    pub fn set_incremental(&mut self, pause: i64, stepmul: i64, stepsize: i64) -> GcMode {
        if pause != 0 {
            self.pause.set(pause);
        }
        if stepmul != 0 {
            self.stepmul.set(stepmul);
        }
        if stepsize != 0 {
            self.stepsize = stepsize;
        }
        std::mem::replace(&mut self.mode, GcMode::Incremental)
    }

    /// `collectgarbage("generational", minormul, majormul)`: zero arguments
    /// keep the current values; returns the previous mode.
    pub fn set_generational(&mut self, minormul: i64, majormul: i64) -> GcMode {
        if minormul != 0 {
            self.minormul.set(minormul);
        }
        if majormul != 0 {
            self.majormul.set(majormul);
        }
        std::mem::replace(&mut self.mode, GcMode::Generational)
    }

    /// The mode last selected.
    pub fn mode(&self) -> GcMode {
        self.mode
    }

    /// How many collections have run.
    pub fn collections(&self) -> u64 {
        self.collections
    }

    /// Registers `v` (a table or full userdata) for finalization: called by
    /// `setmetatable` when the new metatable has `__gc`. An object already
    /// registered is not registered twice; other values are ignored.
    pub fn register_finalizer(&mut self, v: Value) {
        let Some(h) = (match v {
            Value::Table(_) | Value::UserData(_) => header_of(v),
            _ => None,
        }) else {
            return;
        };
        // SAFETY: `v` is a live object (the caller holds it).
        let hdr = unsafe { h.as_ref() };
        if hdr.marks() & FINOBJ_BIT == 0 {
            hdr.set_marks(hdr.marks() | FINOBJ_BIT);
            self.finobj.push(v);
        }
    }

    /// The next object whose `__gc` is due (found unreachable by a
    /// collection), or `None`. The heap keeps queued objects alive until
    /// they are handed out here; after its `__gc` has run the object is an
    /// ordinary one (it may be registered again). The caller must keep the
    /// value reachable (on a Lua stack) while calling its `__gc`.
    pub fn pop_finalizer(&mut self) -> Option<Value> {
        self.tobefnz.pop_front()
    }

    /// How many objects wait for their `__gc`.
    pub fn pending_finalizers(&self) -> usize {
        self.tobefnz.len()
    }

    /// Queues every object still registered for finalization, newest
    /// first (for closing the state: `lua_close` calls every pending
    /// `__gc`).
    pub fn queue_all_finalizers(&mut self) {
        while let Some(v) = self.finobj.pop() {
            if let Some(h) = header_of(v) {
                // SAFETY: registered objects are alive (the heap never frees
                // an object while it is in `finobj`: it is moved to
                // `tobefnz` and marked first).
                let hdr = unsafe { h.as_ref() };
                hdr.set_marks(hdr.marks() & !FINOBJ_BIT);
            }
            self.tobefnz.push_back(v);
        }
    }

    /// Runs a full collection. `mark_roots` must mark every root of the
    /// state (threads' stacks and frames, globals, registry, type
    /// metatables, open upvalues, the metamethod names…) with
    /// `Marker::mark_value`/`Marker::mark`. Returns how many objects were
    /// newly queued for finalization: take them with
    /// [`Heap::pop_finalizer`] and call their `__gc` (newest registration
    /// first, as the reference does).
    ///
    /// Call only at a safe point (module docs): every `Gc` not reachable
    /// from the roots may be freed.
    pub fn collect(&mut self, mark_roots: &mut dyn FnMut(&mut Marker)) -> usize {
        let mut m = Marker::new();
        let mode_key = self.new_str(b"__mode");
        m.mark_value(Value::Str(mode_key));
        m.mode_key = Some(mode_key);
        mark_roots(&mut m);
        for v in self.tobefnz.iter() {
            m.mark_value(*v);
        }
        m.converge_ephemerons();

        // Weak values found so far that point at dead objects go now,
        // before resurrection (the reference's first clearbyvalues).
        for i in 0..m.weak.len() {
            m.weak_table(i).clear_weak_values(&m);
        }
        let orig_weak = m.weak.len();

        // Separate the unreachable objects registered for finalization
        // (newest first) and resurrect them for their finalizers.
        let mut newly = 0;
        let mut kept = Vec::with_capacity(self.finobj.len());
        let mut dead = Vec::new();
        for &v in self.finobj.iter() {
            if m.is_marked(v) {
                kept.push(v);
            } else {
                dead.push(v);
            }
        }
        if !dead.is_empty() {
            self.finobj = kept;
            for &v in dead.iter().rev() {
                if let Some(h) = header_of(v) {
                    // SAFETY: a registered object is alive until swept, and
                    // it is marked below, so it survives this sweep.
                    let hdr = unsafe { h.as_ref() };
                    hdr.set_marks(hdr.marks() & !FINOBJ_BIT);
                }
                m.mark_value(v);
                self.tobefnz.push_back(v);
                newly += 1;
            }
            m.converge_ephemerons();
        }

        // Dead keys go from every weak-keyed table; weak values from the
        // tables first reached during resurrection.
        for i in 0..m.weak.len() {
            m.weak_table(i).clear_weak_keys(&m);
        }
        for i in orig_weak..m.weak.len() {
            m.weak_table(i).clear_weak_values(&m);
        }

        self.strings.remove_unmarked();
        self.sweep();
        self.collections += 1;
        self.set_threshold_after_collection();
        newly
    }

    /// Sets the next threshold from the live bytes and the pause. A pause
    /// under 125% would make this stop-the-world collector run again after
    /// very little allocation (the reference's incremental one then just
    /// works continuously): the heap may always grow by a quarter first.
    fn set_threshold_after_collection(&mut self) {
        let live = self.bytes as u128;
        let pause = self.pause.get().max(0) as u128;
        let t = (live * pause / 100).max(live + live / 4);
        self.threshold = (t.min(usize::MAX as u128) as usize).max(MIN_THRESHOLD);
        if self.stress {
            self.threshold = 0;
        }
    }

    /// Stress mode, for tests of the VM's rooting: every safe point
    /// collects (like the reference's HARDMEMTESTS). A missing root then
    /// shows at once (under valgrind, as a use after free).
    pub fn set_stress(&mut self, on: bool) {
        self.stress = on;
        if on {
            self.threshold = 0;
        } else {
            self.set_threshold_after_collection();
        }
    }

    /// Frees every unmarked object, resets the marks of the others and
    /// recounts the live bytes.
    fn sweep(&mut self) {
        let mut live = 0usize;
        let mut prev: Option<NonNull<GcHeader>> = None;
        let mut cur = self.all;
        while let Some(h) = cur {
            // SAFETY: every node of the list is a live box owned by this
            // heap; the link is read before the node may be freed, and a
            // freed node is unlinked first.
            unsafe {
                let hdr = h.as_ref();
                let next = hdr.next();
                let bits = hdr.marks();
                if bits & MARK_BIT != 0 {
                    hdr.set_marks(bits & !MARK_BIT);
                    live += (hdr.vtable.size)(h);
                    prev = Some(h);
                } else {
                    match prev {
                        Some(p) => p.as_ref().set_next(next),
                        None => self.all = next,
                    }
                    (hdr.vtable.free)(h);
                }
                cur = next;
            }
        }
        self.bytes = live + self.strings.table_bytes() + self.fixed_bytes;
    }

    /// Number of objects in the heap (O(n); for tests).
    pub fn object_count(&self) -> usize {
        let mut n = 0;
        let mut cur = self.all;
        while let Some(h) = cur {
            n += 1;
            // SAFETY: every node of the list is a live box of this heap.
            cur = unsafe { h.as_ref().next() };
        }
        n
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        // The string table holds no ownership: forget it first.
        self.strings.forget_all();
        let mut cur = self.all.take();
        while let Some(h) = cur {
            // SAFETY: every node of the list is a live box owned by this
            // heap; we read its link before freeing it.
            unsafe {
                cur = h.as_ref().next();
                (h.as_ref().vtable.free)(h);
            }
        }
        // SAFETY: the blocks are this heap's; the strings in them are in
        // no list, and the string table forgot them above.
        unsafe { crate::string::free_blocks(self.str_blocks.take()) }
    }
}

struct VTableFor<T>(std::marker::PhantomData<T>);

impl<T: Trace> VTableFor<T> {
    const VTABLE: GcVTable = GcVTable {
        trace: |h, m| {
            // SAFETY: the vtable is only installed in boxes of type T.
            let b = unsafe { h.cast::<GcBox<T>>().as_ref() };
            b.value.trace(m);
        },
        free: |h| {
            // SAFETY: the box was made by Box::new in `alloc` with type T
            // and is freed once, by the sweep or by Heap::drop.
            drop(unsafe { Box::from_raw(h.cast::<GcBox<T>>().as_ptr()) });
        },
        size: |h| {
            // SAFETY: as for `trace`.
            let b = unsafe { h.cast::<GcBox<T>>().as_ref() };
            std::mem::size_of::<GcBox<T>>() + b.value.extra_size()
        },
    };
}

fn vtable_of<T: Trace>() -> &'static GcVTable {
    &VTableFor::<T>::VTABLE
}

/// The collector's operations on a box placed in one of the heap's blocks
/// (`Heap::alloc_in_block`): as `VTableFor`'s, but freeing only drops the
/// value; the block's memory goes with the heap.
struct BlockVTableFor<T>(std::marker::PhantomData<T>);

impl<T: Trace> BlockVTableFor<T> {
    const VTABLE: GcVTable = GcVTable {
        trace: VTableFor::<T>::VTABLE.trace,
        free: |h| {
            // SAFETY: the vtable is only installed by `alloc_in_block`, in
            // a box of type T written in a block; the value is dropped
            // once, by the sweep or by Heap::drop, and the box is not
            // used again.
            unsafe { std::ptr::drop_in_place(h.cast::<GcBox<T>>().as_ptr()) }
        },
        size: VTableFor::<T>::VTABLE.size,
    };
}

#[cfg(test)]
#[path = "gc/tests.rs"]
mod tests;
