//! Lua strings: immutable byte strings in the heap, short ones interned per
//! state (so equal short strings are the same object), each with a cached
//! hash; and the string table ([`Strings`]) that interns them.
//!
//! Strings are made by [`crate::gc::Heap::new_str`] (the heap owns the
//! string table, so that a collection can drop dead strings from it).

use crate::gc::{Gc, GcBox, GcHeader, GcVTable, Heap, Marker, Trace};
use std::alloc::Layout;
use std::cell::Cell;
use std::ptr::NonNull;

/// The longest string that is interned (the reference's LUAI_MAXSHORTLEN).
pub const MAX_SHORT_LEN: usize = 40;

/// The heap object behind a string value: this header, followed in the
/// same allocation by the string's bytes (one allocation per string; see
/// `alloc_str`).
#[repr(C)]
pub struct StrObj {
    pub(crate) hash: u64,
    /// Next string in the same bucket of the string table (interned
    /// strings only).
    pub(crate) hnext: Cell<Option<Gc<StrObj>>>,
    pub(crate) len: usize,
}

impl Trace for StrObj {
    fn trace(&self, _marker: &mut Marker) {}
    fn extra_size(&self) -> usize {
        self.len
    }
}

/// Bytes before a string's contents: the box (heap header and `StrObj`).
const STR_HEAD: usize = std::mem::size_of::<GcBox<StrObj>>();

/// The layout of a string box with `len` bytes of contents.
fn str_layout(len: usize) -> Layout {
    Layout::from_size_align(STR_HEAD + len, std::mem::align_of::<GcBox<StrObj>>())
        .expect("string too long")
}

/// The collector's operations on strings (their boxes are not made by
/// `Heap::alloc`: the bytes follow the header).
static STR_VTABLE: GcVTable = GcVTable {
    trace: |_, _| {},
    free: |h| {
        // SAFETY: the vtable is only installed by `alloc_str`, in a box of
        // `str_layout(len)` made by the global allocator; freed once.
        unsafe {
            let len = h.cast::<GcBox<StrObj>>().as_ref().value.len;
            std::alloc::dealloc(h.as_ptr().cast::<u8>(), str_layout(len));
        }
    },
    size: |h| {
        // SAFETY: as for `free`; the box is live.
        STR_HEAD + unsafe { h.cast::<GcBox<StrObj>>().as_ref().value.len }
    },
};

/// Allocates a string object holding `bytes` (not interned: see
/// [`crate::gc::Heap::new_str`]).
pub(crate) fn alloc_str(heap: &mut Heap, hash: u64, bytes: &[u8]) -> LuaStr {
    let layout = str_layout(bytes.len());
    // SAFETY: the layout's size is not zero (it includes the header).
    let raw = unsafe { std::alloc::alloc(layout) }.cast::<GcBox<StrObj>>();
    let Some(ptr) = NonNull::new(raw) else {
        std::alloc::handle_alloc_error(layout)
    };
    // SAFETY: `raw` is a fresh allocation of `STR_HEAD + len` bytes aligned
    // for `GcBox<StrObj>`: the box goes first, the bytes right after it.
    unsafe {
        raw.write(GcBox {
            header: GcHeader::new(heap.all, 0, &STR_VTABLE),
            value: StrObj {
                hash,
                hnext: Cell::new(None),
                len: bytes.len(),
            },
        });
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), raw.cast::<u8>().add(STR_HEAD), bytes.len());
    }
    heap.all = Some(ptr.cast());
    heap.bytes += layout.size();
    LuaStr(Gc { ptr })
}

/// The head of a block of strings allocated together by
/// [`Heap::intern_batch`]: the heap keeps its blocks in a list through
/// this header and frees them when it is dropped, after every object.
#[repr(C)]
pub(crate) struct StrBlock {
    /// The next block of the heap.
    pub(crate) next: Option<NonNull<StrBlock>>,
    /// The block's layout size (its alignment is `BLOCK_ALIGN`).
    pub(crate) size: usize,
}

/// The alignment of a block and of every string box in it.
const BLOCK_ALIGN: usize = std::mem::align_of::<GcBox<StrObj>>();

/// Bytes before a block's first string (the head, rounded up for the
/// boxes' alignment).
const BLOCK_HEAD: usize = std::mem::size_of::<StrBlock>().next_multiple_of(BLOCK_ALIGN);

/// Bytes a string of `len` bytes takes in a block (boxes stay aligned).
fn block_box_size(len: usize) -> usize {
    (STR_HEAD + len).next_multiple_of(BLOCK_ALIGN)
}

/// The collector's operations on strings that live in a block. Such a
/// string is fixed (as the reference fixes its reserved words): it is in
/// no object list, so no sweep frees it, and its mark bit stays set, so
/// it stays interned; the block holding it is freed with the heap. (The
/// table is still installed: nothing calls it.)
static BLOCK_STR_VTABLE: GcVTable = GcVTable {
    trace: |_, _| {},
    free: |_| {},
    size: |h| {
        // SAFETY: the vtable is only installed by `intern_batch` in a box
        // written in a live block; the box is live.
        STR_HEAD + unsafe { h.cast::<GcBox<StrObj>>().as_ref().value.len }
    },
};

/// How many names of a batch `intern_batch` remembers between its passes.
const BATCH_MEMO: usize = 48;

/// Writes a string box holding `bytes` (with hash `hash`) at `at`, in a
/// block: in no object list and always marked, with `vtable`.
///
/// # Safety
/// `at` lies in a block, aligned for a box, with `block_box_size(len)`
/// unused bytes from it.
unsafe fn write_block_str(
    at: *mut u8,
    hash: u64,
    bytes: &[u8],
    vtable: &'static GcVTable,
) -> LuaStr {
    let raw = at.cast::<GcBox<StrObj>>();
    // SAFETY: the caller's contract: the box goes first, the bytes right
    // after it, all inside the block; `raw` is not null.
    unsafe {
        raw.write(GcBox {
            header: GcHeader::new(None, crate::gc::MARK_BIT, vtable),
            value: StrObj {
                hash,
                hnext: Cell::new(None),
                len: bytes.len(),
            },
        });
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), at.add(STR_HEAD), bytes.len());
        LuaStr(Gc {
            ptr: NonNull::new_unchecked(raw),
        })
    }
}

/// A new block of `room` bytes (aligned to `BLOCK_ALIGN`; `room` a
/// multiple of it) that the heap frees when it is dropped, after its
/// objects: for the fixed strings of `intern_batch` and the tables a
/// state copies from a library image. Returns the start of the room.
pub(crate) fn new_block(heap: &mut Heap, room: usize) -> *mut u8 {
    let size = BLOCK_HEAD + room;
    let layout = Layout::from_size_align(size, BLOCK_ALIGN).expect("block too large");
    // SAFETY: the layout's size is not zero (it includes the head).
    let raw = unsafe { std::alloc::alloc(layout) };
    let Some(block) = NonNull::new(raw.cast::<StrBlock>()) else {
        std::alloc::handle_alloc_error(layout)
    };
    // SAFETY: `raw` is a fresh allocation of `size` bytes aligned for
    // `StrBlock`; its head goes first, the room from BLOCK_HEAD on.
    unsafe {
        block.write(StrBlock {
            next: heap.str_blocks,
            size,
        });
    }
    heap.str_blocks = Some(block);
    // SAFETY: BLOCK_HEAD < size: inside the allocation.
    unsafe { raw.add(BLOCK_HEAD) }
}

/// The alignment every part placed in a block must fit.
pub(crate) const BLOCK_PART_ALIGN: usize = BLOCK_ALIGN;

/// Frees a heap's blocks (when the heap is dropped, after its objects).
///
/// # Safety
/// `first` heads a list of blocks made by `intern_batch` and not freed;
/// no string in them is used afterwards.
pub(crate) unsafe fn free_blocks(mut first: Option<NonNull<StrBlock>>) {
    while let Some(b) = first {
        // SAFETY: the caller's contract: each block was allocated with
        // `size` bytes aligned to BLOCK_ALIGN and is freed once.
        unsafe {
            first = b.as_ref().next;
            let layout = Layout::from_size_align_unchecked(b.as_ref().size, BLOCK_ALIGN);
            std::alloc::dealloc(b.as_ptr().cast::<u8>(), layout);
        }
    }
}

/// Interns every name of `names` (all short), making the missing ones in
/// one allocation (one block) instead of one each, and calls
/// `each(heap, i, s)` with the string of the `i`-th name, in order. See
/// [`Heap::intern_batch`].
pub(crate) fn intern_batch<'a, I>(
    heap: &mut Heap,
    names: I,
    mut each: impl FnMut(&mut Heap, usize, LuaStr),
) where
    I: Iterator<Item = &'a [u8]> + Clone,
{
    // First pass: the room the missing names need (a name repeated in the
    // batch is counted twice; the second copy is found when it comes).
    // The hashes and the strings found are kept for the second pass (for
    // the first names of a long batch).
    let mut seen: [(u64, Option<LuaStr>); BATCH_MEMO] = [(0, None); BATCH_MEMO];
    let (mut room, mut missing) = (0usize, 0usize);
    for (i, b) in names.clone().enumerate() {
        assert!(b.len() <= MAX_SHORT_LEN, "intern_batch: long string");
        let h = heap.strings.hash(b);
        let found = heap.strings.find(b, h);
        if found.is_none() {
            room += block_box_size(b.len());
            missing += 1;
        }
        if i < BATCH_MEMO {
            seen[i] = (h, found);
        }
    }
    let (mut at, mut end) = (std::ptr::null_mut::<u8>(), std::ptr::null_mut::<u8>());
    // The strings this batch makes lie in the block from `lo` on; until a
    // string is made outside it, `find_made_since` can look at those only.
    // (`expect` is the string count with only the batch's insertions: if
    // `each` interned a string too, the full search is needed.)
    let mut fell_back = false;
    let mut lo = usize::MAX;
    let mut expect = heap.strings.count;
    if missing > 0 {
        heap.strings.reserve(missing);
        at = new_block(heap, room);
        // SAFETY: `new_block` gave `room` bytes from `at`.
        end = unsafe { at.add(room) };
        lo = at as usize;
    }
    for (i, b) in names.enumerate() {
        // A string found in the first pass is still there (nothing
        // collects during the batch); one that was missing may have been
        // made since, by an earlier copy of the same name.
        let (h, found) = match seen.get(i) {
            Some(&(h, Some(s))) => (h, Some(s)),
            // Only this batch can have made it: its strings are at the
            // heads of the chains, in front of any older string.
            Some(&(h, None)) if !fell_back && heap.strings.count == expect => {
                (h, heap.strings.find_made_since(b, h, lo..at as usize))
            }
            Some(&(h, None)) => (h, heap.strings.find(b, h)),
            None => {
                let h = heap.strings.hash(b);
                (h, heap.strings.find(b, h))
            }
        };
        let s = match found {
            Some(s) => s,
            None => {
                let need = block_box_size(b.len());
                if (end as usize) - (at as usize) < need {
                    // Only if `each` took room the first pass saw free
                    // (it cannot: nothing collects here); stay correct.
                    let s = alloc_str(heap, h, b);
                    heap.strings.insert(s);
                    fell_back = true;
                    each(heap, i, s);
                    continue;
                }
                // SAFETY: `at..at + need` lies inside the block (checked
                // above), is aligned for a box (BLOCK_HEAD and every box
                // size are multiples of BLOCK_ALIGN) and unused. Fixed: in
                // no list (the sweep never sees it) and always marked (see
                // `intern_batch`'s docs).
                let s = unsafe {
                    let s = write_block_str(at, h, b, &BLOCK_STR_VTABLE);
                    at = at.add(need);
                    s
                };
                heap.bytes += STR_HEAD + b.len();
                heap.fixed_bytes += STR_HEAD + b.len();
                heap.strings.insert(s);
                expect += 1;
                s
            }
        };
        each(heap, i, s);
    }
}

/// A Lua string value: a handle to an immutable byte string in the heap.
#[derive(Clone, Copy)]
pub struct LuaStr(pub(crate) Gc<StrObj>);

impl LuaStr {
    /// The string's bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `alloc_str` put `len` bytes right after the box, in the
        // same allocation, which `ptr` (from that allocation) covers; the
        // object is live (the safe-point rule of `gc`), and strings never
        // change.
        unsafe {
            std::slice::from_raw_parts(self.0.ptr.as_ptr().cast::<u8>().add(STR_HEAD), self.0.len)
        }
    }
    /// The length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len
    }
    /// Whether the string is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }
    /// Whether the string is short, hence interned: two short strings are
    /// equal exactly when they are the same object.
    #[inline]
    pub fn is_short(&self) -> bool {
        self.len() <= MAX_SHORT_LEN
    }
    /// The cached hash of the contents (seeded per state).
    #[inline]
    pub fn hash(&self) -> u64 {
        self.0.hash
    }
    /// The object's address (identity; `%p`).
    #[inline]
    pub fn addr(&self) -> usize {
        self.0.addr()
    }
    /// Whether both handles are the same object.
    #[inline]
    pub fn ptr_eq(&self, other: &LuaStr) -> bool {
        self.0.ptr_eq(other.0)
    }
    /// The contents as UTF-8 text, replacing invalid sequences (for
    /// messages shown to hosts).
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }
    #[inline]
    pub(crate) fn mark(self, marker: &mut Marker) {
        marker.mark_leaf(self.0)
    }
    #[inline]
    pub(crate) fn is_marked(self) -> bool {
        self.0.header().marks() & crate::gc::MARK_BIT != 0
    }
}

impl PartialEq for LuaStr {
    /// Contents equality (interned short strings compare by pointer:
    /// two distinct short strings always differ).
    #[inline]
    fn eq(&self, other: &LuaStr) -> bool {
        if self.0.ptr_eq(other.0) {
            return true;
        }
        let n = self.len();
        n > MAX_SHORT_LEN
            && n == other.len()
            && self.hash() == other.hash()
            && self.as_bytes() == other.as_bytes()
    }
}
impl Eq for LuaStr {}

impl std::fmt::Debug for LuaStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.to_str_lossy())
    }
}

/// The per-state string table: a hash set of the interned (short)
/// strings, chained through `StrObj::hnext` like the reference's
/// `stringtable`. It owns nothing (the heap's object list does); it is
/// weak: `Strings::remove_unmarked` drops the strings a collection found
/// dead, before the sweep frees them.
pub struct Strings {
    /// The table's own buckets; empty while a copy of a library image
    /// has no string of its own, and so reads the image's chains in
    /// place (`heads`): the copy's first insert makes them (a state
    /// costs 1 KB less until it makes a string).
    own: Vec<Option<Gc<StrObj>>>,
    /// The buckets lookups read, `mask + 1` of them: `own`'s buffer, or
    /// the shared heads while `own` is empty. A pointer rather than a
    /// choice between the two, so that a lookup takes no branch for it.
    heads: NonNull<Option<Gc<StrObj>>>,
    /// The number of buckets less one (a power of two less one).
    mask: usize,
    count: usize,
    seed: u64,
    /// The strings of the library image the state was made from: the
    /// tail of every chain (see [`SharedStrings`]).
    shared: Option<&'static SharedStrings>,
}

/// Initial number of buckets (a power of two).
const MIN_BUCKETS: usize = 128;

impl Default for Strings {
    fn default() -> Self {
        Self::new()
    }
}

impl Strings {
    /// An empty table with a fresh random seed.
    pub fn new() -> Strings {
        Strings::with_seed(random_seed())
    }

    /// An empty table hashing with `seed` (tests use a fixed one).
    pub fn with_seed(seed: u64) -> Strings {
        let mut own = vec![None; MIN_BUCKETS];
        Strings {
            // SAFETY: a vector's pointer is never null.
            heads: unsafe { NonNull::new_unchecked(own.as_mut_ptr()) },
            own,
            mask: MIN_BUCKETS - 1,
            count: 0,
            seed,
            shared: None,
        }
    }

    /// An empty table whose chains end in `shared`'s (a state made from
    /// a library image): it hashes with the image's seed, so that a name
    /// the image holds is found there and never made again.
    pub(crate) fn with_shared(shared: &'static SharedStrings) -> Strings {
        Strings {
            own: Vec::new(),
            // The shared heads, read in place until the first insert
            // (never written through this pointer: see `insert`).
            heads: NonNull::from(&shared.heads[..]).cast(),
            mask: SHARED_BUCKETS - 1,
            count: 0,
            seed: shared.seed,
            shared: Some(shared),
        }
    }

    /// Whether `s` is one of this table's own strings (not a shared one).
    #[inline]
    fn owns(&self, s: Gc<StrObj>) -> bool {
        self.shared.is_none_or(|sh| !sh.contains(s))
    }

    /// The head a bucket of a table of `n` buckets starts with: the
    /// shared chain its strings' hashes fall in (`n` is a multiple of
    /// the shared bucket count, so every string of that chain that hashes
    /// to the bucket is in it).
    fn initial_head(&self, b: usize) -> Option<Gc<StrObj>> {
        self.shared
            .and_then(|sh| sh.heads[b & (SHARED_BUCKETS - 1)])
    }

    /// The seed strings hash with.
    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    /// Head of bucket `b` (< `mask + 1`).
    #[inline(always)]
    fn bucket(&self, b: usize) -> Option<Gc<StrObj>> {
        debug_assert!(b <= self.mask);
        // SAFETY: `heads` points to `mask + 1` buckets (`own`'s, or the
        // shared heads, which live as long as the image: `'static`).
        unsafe { *self.heads.as_ptr().add(b) }
    }

    /// Makes `v` (a power of two of buckets) the table's own buckets.
    fn set_own(&mut self, mut v: Vec<Option<Gc<StrObj>>>) {
        debug_assert!(v.len().is_power_of_two());
        // SAFETY: a vector's pointer is never null; its buffer stays in
        // place until `own` is replaced, which comes back here.
        self.heads = unsafe { NonNull::new_unchecked(v.as_mut_ptr()) };
        self.mask = v.len() - 1;
        self.own = v;
    }

    /// Whether `s` is this table's own string, not a shared one (tests).
    #[cfg(test)]
    pub(crate) fn owns_for_test(&self, s: LuaStr) -> bool {
        self.owns(s.0)
    }

    /// Number of interned strings.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no string is interned.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The hash of `bytes` under this table's seed.
    #[inline]
    pub fn hash(&self, bytes: &[u8]) -> u64 {
        hash_bytes(self.seed, bytes)
    }

    /// The interned string with these bytes and hash, if any.
    #[inline]
    pub(crate) fn find(&self, bytes: &[u8], hash: u64) -> Option<LuaStr> {
        let mut cur = self.bucket(hash as usize & self.mask);
        while let Some(s) = cur {
            if s.hash == hash && LuaStr(s).as_bytes() == bytes {
                return Some(LuaStr(s));
            }
            cur = s.hnext.get();
        }
        None
    }

    /// [`Strings::find`] among the strings inserted since a point, when
    /// all of them (and no other) lie at addresses in `range`: as `insert`
    /// puts a string at the head of its chain and nothing resized the
    /// table since, they come first in each chain, so the walk stops at
    /// the first string outside the range.
    #[inline]
    pub(crate) fn find_made_since(
        &self,
        bytes: &[u8],
        hash: u64,
        range: std::ops::Range<usize>,
    ) -> Option<LuaStr> {
        let mut cur = self.bucket(hash as usize & self.mask);
        while let Some(s) = cur {
            if !range.contains(&s.addr()) {
                return None;
            }
            if s.hash == hash && LuaStr(s).as_bytes() == bytes {
                return Some(LuaStr(s));
            }
            cur = s.hnext.get();
        }
        None
    }

    /// Adds a string known to be absent.
    pub(crate) fn insert(&mut self, s: LuaStr) {
        if self.count > self.mask {
            self.resize((self.mask + 1) * 2);
        } else if self.own.is_empty() {
            // The first string of a copy's own: its buckets, starting as
            // the shared heads (never written in place).
            self.resize(self.mask + 1);
        }
        let b = s.hash() as usize & self.mask;
        s.0.hnext.set(self.own[b]);
        self.own[b] = Some(s.0);
        self.count += 1;
    }

    /// Makes room for `n` more strings without a resize on the way.
    pub(crate) fn reserve(&mut self, n: usize) {
        let need = self.count + n;
        if need > self.mask + 1 {
            self.resize(need.next_power_of_two());
        }
    }

    /// Rehashes into `n` own buckets (a power of two, at least
    /// `SHARED_BUCKETS`).
    fn resize(&mut self, n: usize) {
        let heads: Vec<_> = (0..n).map(|b| self.initial_head(b)).collect();
        // Without own buckets, the table has no string of its own to move.
        let old = std::mem::take(&mut self.own);
        self.set_own(heads);
        for mut cur in old {
            // The state's own strings come first in a chain; the shared
            // tail is already in place.
            while let Some(s) = cur
                && self.owns(s)
            {
                cur = s.hnext.get();
                let b = s.hash as usize & (n - 1);
                s.hnext.set(self.own[b]);
                self.own[b] = Some(s);
            }
        }
    }

    /// Unlinks every string whose mark bit is clear (called by the
    /// collector between marking and sweeping), and shrinks the table when
    /// it is mostly empty.
    pub(crate) fn remove_unmarked(&mut self) {
        // Without own buckets there is no string of the table's own.
        for b in 0..self.own.len() {
            let mut prev: Option<Gc<StrObj>> = None;
            let mut cur = self.own[b];
            // Shared strings end the chain: never collected, never
            // written.
            while let Some(s) = cur
                && self.owns(s)
            {
                let next = s.hnext.get();
                if LuaStr(s).is_marked() {
                    prev = Some(s);
                } else {
                    match prev {
                        Some(p) => p.hnext.set(next),
                        None => self.own[b] = next,
                    }
                    self.count -= 1;
                }
                cur = next;
            }
        }
        let mut n = self.own.len();
        while n > MIN_BUCKETS.max(SHARED_BUCKETS) && self.count < n / 4 {
            n /= 2;
        }
        if n != self.own.len() {
            self.resize(n);
        }
    }

    /// Bytes the bucket array takes (charged to the heap's count).
    pub(crate) fn table_bytes(&self) -> usize {
        self.own.len() * std::mem::size_of::<Option<Gc<StrObj>>>()
    }

    /// Drops every link (the heap is freeing all objects).
    pub(crate) fn forget_all(&mut self) {
        self.own.iter_mut().for_each(|b| *b = None);
        self.count = 0;
    }
}

/// How many chains the shared strings of a library image are hashed
/// into: a state's table never has fewer buckets (`MIN_BUCKETS`).
pub(crate) const SHARED_BUCKETS: usize = MIN_BUCKETS;

/// The strings of a library image (`crate::image`), shared by every state
/// made from it: immortal boxes in one block that lives as long as the
/// image, hashed with the image's seed and chained by bucket. A state's
/// string table starts with these chains as its buckets' tails and puts
/// its own strings in front, so that lookups need no second table.
///
/// Nothing writes a shared string after the image is built: its mark bit
/// is set from the start (the collector marks only unmarked objects), it
/// is in no state's object list (no sweep sees it), and a state's table
/// links and unlinks only its own strings, which always precede the
/// shared tail of a chain.
pub(crate) struct SharedStrings {
    /// The block holding the boxes (freed when the image is dropped).
    block: NonNull<u8>,
    /// Its layout.
    layout: Layout,
    /// The chains' heads.
    heads: Box<[Option<Gc<StrObj>>]>,
    /// The hash seed of every state made from the image.
    seed: u64,
}

// SAFETY: after `SharedStrings::build` returns, nothing writes the block
// (see the type's docs): every thread only reads it, and the image owns
// it (it is freed by `Drop` only, once no state uses it).
unsafe impl Send for SharedStrings {}
// SAFETY: as above: shared reads only.
unsafe impl Sync for SharedStrings {}

/// The collector's operations on shared strings: nothing calls them (a
/// shared string is in no list), but every box has a table.
static SHARED_STR_VTABLE: GcVTable = GcVTable {
    trace: |_, _| {},
    free: |_| {},
    size: |_| 0,
};

impl SharedStrings {
    /// Makes a shared string of each of `names` (distinct), hashed with
    /// `seed`, and returns them with the set, in the order given.
    pub(crate) fn build(seed: u64, names: &[&[u8]]) -> (SharedStrings, Vec<LuaStr>) {
        let room: usize = names.iter().map(|b| block_box_size(b.len())).sum();
        let layout = Layout::from_size_align(room.max(BLOCK_ALIGN), BLOCK_ALIGN)
            .expect("image strings too large");
        // SAFETY: the layout's size is not zero.
        let raw = unsafe { std::alloc::alloc(layout) };
        let Some(block) = NonNull::new(raw) else {
            std::alloc::handle_alloc_error(layout)
        };
        let mut heads = vec![None; SHARED_BUCKETS].into_boxed_slice();
        let mut made = Vec::with_capacity(names.len());
        let mut at = raw;
        for b in names {
            let h = hash_bytes(seed, b);
            // SAFETY: the boxes' sizes add up to `room`, so `at` and the
            // box and bytes written from it lie inside the block, unused;
            // `at` is aligned for a box (the block is, and every box size
            // is a multiple of BLOCK_ALIGN). Always marked, in no list:
            // see the type's docs.
            let LuaStr(g) = unsafe {
                let s = write_block_str(at, h, b, &SHARED_STR_VTABLE);
                at = at.add(block_box_size(b.len()));
                s
            };
            if b.len() <= MAX_SHORT_LEN {
                let slot = &mut heads[h as usize & (SHARED_BUCKETS - 1)];
                g.hnext.set(*slot);
                *slot = Some(g);
            }
            made.push(LuaStr(g));
        }
        let set = SharedStrings {
            block,
            layout,
            heads,
            seed,
        };
        (set, made)
    }

    /// Whether `s` lies in this set's block.
    #[inline]
    fn contains(&self, s: Gc<StrObj>) -> bool {
        let start = self.block.as_ptr() as usize;
        (start..start + self.layout.size()).contains(&s.addr())
    }
}

impl Drop for SharedStrings {
    fn drop(&mut self) {
        // SAFETY: the block was allocated with this layout in `build`.
        unsafe { std::alloc::dealloc(self.block.as_ptr(), self.layout) }
    }
}

/// A per-state random seed, so that hash collisions cannot be planned.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x5eed);
    h.finish()
}

const K0: u64 = 0x9e37_79b9_7f4a_7c15;
const K1: u64 = 0xbf58_476d_1ce4_e5b9;
const K2: u64 = 0x94d0_49bb_1331_11eb;

/// Multiplies to 128 bits and folds the halves together.
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let r = (a as u128).wrapping_mul(b as u128);
    (r as u64) ^ ((r >> 64) as u64)
}

/// Hashes bytes: a multiply-fold over 16-byte blocks with a per-state
/// seed. Every byte counts (long strings too: the cost is that of the copy
/// that made the string).
pub fn hash_bytes(seed: u64, b: &[u8]) -> u64 {
    let mut h = seed ^ (b.len() as u64).wrapping_mul(K0);
    let mut rest = b;
    while rest.len() >= 16 {
        let w0 = u64::from_le_bytes(rest[..8].try_into().unwrap());
        let w1 = u64::from_le_bytes(rest[8..16].try_into().unwrap());
        h = fold_mul(w0 ^ K1 ^ h, w1 ^ K2);
        rest = &rest[16..];
    }
    let (w0, w1) = if rest.len() >= 8 {
        (
            u64::from_le_bytes(rest[..8].try_into().unwrap()),
            read_tail(&rest[8..]),
        )
    } else {
        (read_tail(rest), 0)
    };
    h = fold_mul(w0 ^ K1 ^ h, w1 ^ K2 ^ seed);
    fold_mul(h ^ K0, K1 ^ (b.len() as u64))
}

/// Reads up to 7 bytes as a little-endian number.
#[inline]
fn read_tail(b: &[u8]) -> u64 {
    let mut w = 0u64;
    for (i, &c) in b.iter().enumerate() {
        w |= (c as u64) << (8 * i);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gc::Heap;

    #[test]
    fn short_strings_are_interned() {
        let mut heap = Heap::new();
        let a = heap.new_str(b"hello");
        let b = heap.new_str(b"hello");
        let c = heap.new_str(b"hellp");
        assert!(a.ptr_eq(&b));
        assert!(a == b);
        assert!(a != c);
        assert_eq!(a.as_bytes(), b"hello");
        assert_eq!(heap.strings.len(), 2);
        let e1 = heap.new_str(b"");
        let e2 = heap.new_str(b"");
        assert!(e1.ptr_eq(&e2) && e1.is_empty());
    }

    #[test]
    fn long_strings_compare_by_contents() {
        let mut heap = Heap::new();
        let text = vec![b'x'; MAX_SHORT_LEN + 1];
        let a = heap.new_str(&text);
        let b = heap.new_str(&text);
        assert!(!a.ptr_eq(&b));
        assert!(a == b);
        assert_eq!(a.hash(), b.hash());
        let mut other = text.clone();
        other[3] = b'y';
        let c = heap.new_str_from_vec(other);
        assert!(a != c);
        // The boundary: 40 bytes interned, 41 not.
        let s40 = heap.new_str(&text[..MAX_SHORT_LEN]);
        let t40 = heap.new_str(&text[..MAX_SHORT_LEN]);
        assert!(s40.ptr_eq(&t40) && s40.is_short() && !a.is_short());
    }

    #[test]
    fn embedded_zeros_and_high_bytes() {
        let mut heap = Heap::new();
        let a = heap.new_str(b"a\0b\xff");
        let b = heap.new_str(b"a\0b\xfe");
        assert!(a != b);
        assert_eq!(a.len(), 4);
        assert!(a.ptr_eq(&heap.new_str(b"a\0b\xff")));
    }

    #[test]
    fn table_grows_and_finds_everything() {
        let mut heap = Heap::new();
        let strs: Vec<LuaStr> = (0..5000)
            .map(|i| heap.new_str(format!("k{i}").as_bytes()))
            .collect();
        assert!(heap.strings.own.len() >= 4096);
        for (i, s) in strs.iter().enumerate() {
            let again = heap.new_str(format!("k{i}").as_bytes());
            assert!(again.ptr_eq(s));
        }
        assert_eq!(heap.strings.len(), 5000);
    }

    #[test]
    fn hash_depends_on_every_byte_and_seed() {
        let base: Vec<u8> = (0..100u8).collect();
        let h0 = hash_bytes(1, &base);
        for i in 0..base.len() {
            let mut b = base.clone();
            b[i] ^= 1;
            assert_ne!(hash_bytes(1, &b), h0, "byte {i}");
        }
        assert_ne!(hash_bytes(2, &base), h0);
        // Prefixes of each other differ (the length is hashed).
        assert_ne!(hash_bytes(1, b"a"), hash_bytes(1, b"a\0"));
        // Low bits spread: 1000 keys over 1024 buckets use many buckets.
        let mut used = [false; 1024];
        for i in 0..1000 {
            used[hash_bytes(7, format!("{i}").as_bytes()) as usize & 1023] = true;
        }
        assert!(used.iter().filter(|&&u| u).count() > 550);
    }

    /// Collects `heap` with only `keep` as roots.
    fn collect_keeping(heap: &mut Heap, keep: &[LuaStr]) {
        heap.collect(&mut |m| {
            for &s in keep {
                m.mark_value(crate::value::Value::Str(s));
            }
        });
    }

    #[test]
    fn batch_interns_like_new_str() {
        let mut heap = Heap::new();
        let old = heap.new_str(b"old");
        let before = heap.bytes_in_use();
        let names: [&[u8]; 6] = [b"alpha", b"old", b"", b"alpha", b"beta", b"x\0y"];
        let mut got = Vec::new();
        heap.intern_batch(names.iter().copied(), |_, i, s| got.push((i, s)));
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4, 5]
        );
        for (i, s) in &got {
            assert_eq!(s.as_bytes(), names[*i]);
            assert!(heap.new_str(names[*i]).ptr_eq(s), "name {i} interned");
        }
        assert!(got[1].1.ptr_eq(&old));
        // The repeated name is one string.
        assert!(got[0].1.ptr_eq(&got[3].1));
        // "alpha", "", "beta", "x\0y": four strings, each charged as
        // `new_str` charges it (its box and its bytes).
        assert_eq!(heap.strings.len(), 5);
        assert_eq!(heap.bytes_in_use() - before, 4 * STR_HEAD + 5 + 4 + 3);
    }

    #[test]
    fn long_batches_and_batches_that_intern() {
        let mut heap = Heap::new();
        let names: Vec<Vec<u8>> = (0..(3 * BATCH_MEMO))
            .map(|i| format!("n{}", i % 100).into_bytes())
            .collect();
        let mut got = Vec::new();
        // `each` interns strings of its own between the batch's.
        heap.intern_batch(names.iter().map(|n| &n[..]), |heap, i, s| {
            got.push(s);
            heap.new_str(format!("each{i}").as_bytes());
        });
        for (n, s) in names.iter().zip(&got) {
            assert_eq!(s.as_bytes(), &n[..]);
            assert!(heap.new_str(n).ptr_eq(s));
        }
        // Names 100.. repeat names 0..: the same strings.
        for i in 100..names.len() {
            assert!(got[i].ptr_eq(&got[i - 100]));
        }
        assert_eq!(heap.strings.len(), 100 + names.len());
    }

    #[test]
    fn batch_strings_are_fixed() {
        let mut heap = Heap::new();
        let mut got = Vec::new();
        heap.intern_batch([&b"stay"[..], b"go"].into_iter(), |_, _, s| got.push(s));
        heap.new_str(b"temp");
        // Nothing roots them: the batch's strings stay (fixed), "temp"
        // goes; the count keeps the fixed strings' bytes.
        collect_keeping(&mut heap, &[]);
        assert_eq!(heap.strings.len(), 3); // "stay", "go", "__mode"
        assert!(heap.new_str(b"stay").ptr_eq(&got[0]));
        assert!(heap.new_str(b"go").ptr_eq(&got[1]));
        assert_eq!(heap.object_count(), 1); // "__mode"
        let table = heap.strings.table_bytes();
        // The table, the fixed strings, "__mode".
        assert_eq!(heap.bytes_in_use(), table + 2 * STR_HEAD + 6 + STR_HEAD + 6);
        // A second batch makes a second block; dropping the heap frees both.
        heap.intern_batch([&b"go"[..], b"new"].into_iter(), |_, i, s| {
            if i == 0 {
                assert!(s.ptr_eq(&got[1]));
            }
        });
        assert_eq!(heap.strings.len(), 4);
    }

    #[test]
    fn dead_strings_leave_the_table() {
        let mut heap = Heap::new();
        let keep = heap.new_str(b"keep");
        for i in 0..1000 {
            heap.new_str(format!("tmp{i}").as_bytes());
        }
        assert_eq!(heap.strings.len(), 1001);
        heap.collect(&mut |m| m.mark_value(crate::value::Value::Str(keep)));
        // "keep", and "__mode" that the collector itself keeps.
        assert_eq!(heap.strings.len(), 2);
        assert_eq!(heap.object_count(), 2);
        assert!(heap.new_str(b"keep").ptr_eq(&keep));
        let fresh = heap.new_str(b"tmp5");
        assert_eq!(fresh.as_bytes(), b"tmp5");
    }
}
