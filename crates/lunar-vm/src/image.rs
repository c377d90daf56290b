//! Library images: what opening a set of libraries leaves in a state (the
//! registry, the globals, the library tables, the strings they hold),
//! taken once so that new states start as a copy of it instead of opening
//! the libraries again.
//!
//! A state made from an image ([`State::from_image`]) shares the image's
//! strings, which live in the image for as long as it does (it is
//! `'static`: a process keeps one per configuration of libraries), and
//! gets its own copy of every table: a copy's parts are the image's
//! parts byte for byte (the strings hash with the image's seed, which the
//! state takes, so every key stays in its slot), with the references
//! between tables, and to the main thread, patched to the state's own
//! objects. Nothing a state writes reaches the image or another state:
//! the shared strings are never written (see `SharedStrings`), and tables
//! are never shared.
//!
//! An image holds only what can be shared or copied without knowing its
//! type: tables, strings, numbers, booleans and plain native functions
//! ([`Value::LightFn`]), and userdata the caller names as fresh
//! ([`FreshUserData`]): each copy gets a new one of its own, with data
//! the caller's function makes (io's standard files). Other per-state
//! objects (other userdata, closures with upvalues, coroutines) make
//! [`LibImage::capture`] fail; libraries keep such values in the state's
//! library slots ([`State::lib_slot`]), made when first needed, or add
//! them after the copy.
//!
//! A copy is one allocation for the tables (each table's box and its
//! own hash storage), its main thread and its fresh userdata, besides
//! what the state itself needs (its stack).
//!
//! ```
//! use lunar_vm::{State, Value, image::LibImage};
//! let mut builder = State::new();
//! let lib = builder.new_table(0, 1);
//! builder.set_field(lib, "answer", Value::Int(42));
//! let g = builder.globals();
//! builder.set_field(g, "mylib", Value::Table(lib));
//! let image: &'static LibImage = Box::leak(Box::new(LibImage::capture(&builder, &[]).unwrap()));
//! let mut st = State::from_image(image);
//! let f = st.load(b"mylib.answer = mylib.answer + 1 return mylib.answer", b"=t", "t", None).ok().unwrap();
//! assert!(st.pcall(f, &[], None).ok().unwrap()[0].raw_eq(&Value::Int(43)));
//! // The image, and so every other state made from it, is unchanged.
//! let mut other = State::from_image(image);
//! let f = other.load(b"return mylib.answer", b"=t", "t", None).ok().unwrap();
//! assert!(other.pcall(f, &[], None).ok().unwrap()[0].raw_eq(&Value::Int(42)));
//! ```

use crate::gc::{Gc, GcBox, Heap, header_of};
use crate::state::{LIB_SLOTS, State, TM_NAMES, Thread, TmNames};
use crate::string::{LuaStr, SharedStrings, new_block};
use crate::table::{Place, Table, TableImage};
use crate::userdata::UserData;
use crate::value::Value;
use std::collections::HashMap;

/// The data of a fresh userdata in a new copy of an image.
pub type MakeData = fn() -> Box<dyn std::any::Any + Send>;

/// A userdata of the state an image is taken from that every copy gets
/// a new one of ([`LibImage::capture_fresh`]): in each place the
/// original is (values of the tables the image holds), a userdata with
/// the data `make` returns, the copy of the original's metatable and no
/// user values, registered for finalization when the metatable has
/// `__gc`. `make` runs for every copy: data that costs nothing to make
/// (a zero-sized marker that the library turns into its real data when
/// first used) keeps a copy at one allocation.
#[derive(Clone, Copy)]
pub struct FreshUserData {
    /// The original (a `Value::UserData` of the state captured).
    pub value: Value,
    /// Makes each copy's data.
    pub make: MakeData,
}

/// A fresh userdata as an image keeps it.
struct FreshImage {
    make: MakeData,
    /// The index of its metatable's table.
    meta: Option<u32>,
    /// Whether its metatable has `__gc`.
    finalize: bool,
}

/// What a placeholder in an image stands for in each copy.
#[derive(Clone, Copy)]
enum Target {
    /// The copy of the image's table with this index.
    Table(u32),
    /// The state's main thread.
    MainThread,
    /// The copy's fresh userdata with this index.
    Fresh(u32),
}

/// A value of an image: shared as it is, or one to make per state.
#[derive(Clone, Copy)]
enum Slot {
    Value(Value),
    Ref(Target),
}

/// A placeholder to patch in each copy.
struct Patch {
    table: u32,
    place: Place,
    target: Target,
}

/// The opened libraries of a state, taken once, from which new states are
/// made cheaply (see the module docs): the state's tables, the strings
/// they hold, its library slots, the basic types' metatables and its
/// loader of binary chunks.
pub struct LibImage {
    strings: SharedStrings,
    /// Each table's parts and its metatable's index.
    tables: Vec<(TableImage, Option<u32>)>,
    /// The fresh userdata, in the order given to `capture_fresh`.
    fresh: Vec<FreshImage>,
    patches: Vec<Patch>,
    globals: u32,
    registry: u32,
    type_mts: [Option<u32>; 9],
    lib_slots: [Slot; LIB_SLOTS],
    /// The metamethod names: every copy reads them here (see `TmNames`).
    tm_names: [LuaStr; TM_NAMES.len()],
    /// Where each table's box lies in a copy's block, and the block's
    /// size (the tables, then the main thread's box, then the fresh
    /// userdata's boxes).
    offsets: Vec<u32>,
    block_bytes: usize,
    /// The loader of binary chunks the libraries installed.
    undump: Option<crate::state::Undump>,
}

// SAFETY: the only pointers an image holds are to its own shared strings
// (in keys, values and `tm_names`), which nothing writes once the image
// is built (see `SharedStrings`), and plain function pointers. Every
// state made from it only reads them.
unsafe impl Send for LibImage {}
// SAFETY: as above: shared reads only.
unsafe impl Sync for LibImage {}

impl std::fmt::Debug for LibImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibImage")
            .field("tables", &self.tables.len())
            .finish_non_exhaustive()
    }
}

/// The tables reachable from a state's roots, numbered in the order met,
/// and the bytes of every string they (and the metamethod names) hold.
struct Walk {
    index: HashMap<usize, u32>,
    order: Vec<Gc<Table>>,
    names: HashMap<Vec<u8>, usize>,
    name_list: Vec<Vec<u8>>,
}

impl Walk {
    fn table(&mut self, t: Gc<Table>) -> u32 {
        let next = self.order.len() as u32;
        *self.index.entry(t.addr()).or_insert_with(|| {
            self.order.push(t);
            next
        })
    }
    fn string(&mut self, s: LuaStr) {
        let b = s.as_bytes();
        if !self.names.contains_key(b) {
            self.names.insert(b.to_vec(), self.name_list.len());
            self.name_list.push(b.to_vec());
        }
    }
}

/// The error for a value an image cannot hold.
fn unshareable(v: Value, place: Place) -> String {
    let what = if matches!(place, Place::Key(_)) {
        "key"
    } else {
        "value"
    };
    format!(
        "a library image cannot hold a {} {what} (per-state objects belong in library slots)",
        v.type_name()
    )
}

impl LibImage {
    /// The image of `state` as it is: its registry, globals, basic types'
    /// metatables and library slots, with every table they reach. Fails
    /// (naming the value) when one of them holds a value that belongs to
    /// the state alone (see the module docs), or when a table reached
    /// has a metatable with `__gc` (a copy would not be registered for
    /// finalization). `written` lists tables that each copy's state
    /// writes right after it is made (io's, which gets the standard
    /// files): they are copied at once rather than shared with the image
    /// and copied at their first write.
    pub fn capture(state: &State, written: &[Gc<Table>]) -> Result<LibImage, String> {
        LibImage::capture_fresh(state, written, &[])
    }

    /// [`LibImage::capture`], with the userdata of `fresh`, which every
    /// copy gets new ones of (see [`FreshUserData`]). Fails when one of
    /// them is not a userdata, has user values or is a key of a table.
    pub fn capture_fresh(
        state: &State,
        written: &[Gc<Table>],
        fresh: &[FreshUserData],
    ) -> Result<LibImage, String> {
        let fresh_index = |v: Value| fresh.iter().position(|f| f.value.raw_eq(&v));
        let mut walk = Walk {
            index: HashMap::new(),
            order: Vec::new(),
            names: HashMap::new(),
            name_list: Vec::new(),
        };
        for s in state.tm_names.iter() {
            walk.string(s);
        }
        let registry = walk.table(state.registry);
        let globals = walk.table(state.globals);
        let type_mts = state.type_mts.map(|m| m.map(|t| walk.table(t)));
        let mut lib_slots = [Slot::Value(Value::Nil); LIB_SLOTS];
        let gc_key = state.tm_names[lunar_compile::TagMethod::Gc as usize];
        // First pass: number the tables and collect the strings (the
        // slots are mapped at the end, once the strings are shared).
        for v in state.lib_slots {
            match v {
                Value::Table(t) => {
                    walk.table(t);
                }
                Value::Str(s) => walk.string(s),
                _ => {}
            }
        }
        let mut fresh_meta = Vec::with_capacity(fresh.len());
        for f in fresh {
            let Value::UserData(u) = f.value else {
                return Err("a fresh userdata of a library image must be a userdata".into());
            };
            if !u.user_values.borrow().is_empty() {
                return Err("a fresh userdata of a library image cannot have user values".into());
            }
            let mt = u.metatable.get();
            fresh_meta.push((
                mt.map(|m| walk.table(m)),
                mt.is_some_and(|m| state.has_gc_metamethod(m)),
            ));
        }
        let mut i = 0;
        while i < walk.order.len() {
            let t = walk.order[i];
            if let Some(mt) = t.metatable() {
                if !mt.get_str(gc_key).is_nil() {
                    return Err("a library image cannot hold a table with a __gc metamethod".into());
                }
                walk.table(mt);
            }
            t.to_image(|v, place| {
                match v {
                    Value::Str(s) => walk.string(s),
                    Value::Table(t) if !matches!(place, Place::Key(_)) => {
                        walk.table(t);
                    }
                    Value::Thread(th)
                        if th.ptr_eq(state.main) && !matches!(place, Place::Key(_)) => {}
                    Value::UserData(_)
                        if fresh_index(v).is_some() && !matches!(place, Place::Key(_)) => {}
                    _ if header_of(v).is_none() => {} // no object
                    _ => return Err(unshareable(v, place)),
                }
                Ok(v)
            })?;
            i += 1;
        }
        // The strings, shared.
        let names: Vec<&[u8]> = walk.name_list.iter().map(Vec::as_slice).collect();
        let (strings, made) = SharedStrings::build(state.heap.strings.seed(), &names);
        let shared = |s: LuaStr| made[walk.names[s.as_bytes()]];
        // Second pass: the tables' images.
        let mut tables = Vec::with_capacity(walk.order.len());
        let mut patches = Vec::new();
        for (ti, t) in walk.order.iter().enumerate() {
            let img = t.to_image(|v, place| -> Result<Value, String> {
                let target = match v {
                    Value::Str(s) => return Ok(Value::Str(shared(s))),
                    Value::Table(t) => Target::Table(walk.index[&t.addr()]),
                    Value::Thread(_) => Target::MainThread,
                    Value::UserData(_) => match fresh_index(v) {
                        Some(k) => Target::Fresh(k as u32),
                        None => return Ok(v),
                    },
                    _ => return Ok(v),
                };
                patches.push(Patch {
                    table: ti as u32,
                    place,
                    target,
                });
                Ok(Value::Nil)
            })?;
            let mut img = img;
            if !patches.iter().any(|p| p.table == ti as u32)
                && !written.iter().any(|w| w.ptr_eq(*t))
            {
                Table::share_image_nodes(&mut img);
            }
            let meta = t.metatable().map(|m| walk.index[&m.addr()]);
            tables.push((img, meta));
        }
        for (slot, v) in lib_slots.iter_mut().zip(state.lib_slots) {
            *slot = match v {
                Value::Table(t) => Slot::Ref(Target::Table(walk.index[&t.addr()])),
                Value::Str(s) => Slot::Value(Value::Str(shared(s))),
                _ if header_of(v).is_none() => Slot::Value(v),
                _ => return Err(unshareable(v, Place::Val(0))),
            };
        }
        let tm_names = std::array::from_fn(|i| shared(state.tm_names[i]));
        let mut offsets = Vec::with_capacity(tables.len());
        let mut block_bytes = 0;
        for (t, _) in &tables {
            offsets.push(block_bytes as u32);
            block_bytes += BOX_SIZE + Table::image_block_bytes(t);
        }
        block_bytes += THREAD_BOX_SIZE + fresh.len() * USERDATA_BOX_SIZE;
        let fresh = fresh
            .iter()
            .zip(fresh_meta)
            .map(|(f, (meta, finalize))| FreshImage {
                make: f.make,
                meta,
                finalize,
            })
            .collect();
        Ok(LibImage {
            offsets,
            block_bytes,
            strings,
            tables,
            fresh,
            patches,
            globals,
            registry,
            type_mts,
            lib_slots,
            tm_names,
            undump: state.undump,
        })
    }

    /// How many tables each copy gets.
    pub fn table_count(&self) -> usize {
        self.tables.len()
    }
}

/// Bytes of a table's box, of a thread's and of a userdata's.
const BOX_SIZE: usize = std::mem::size_of::<GcBox<Table>>();
const THREAD_BOX_SIZE: usize = std::mem::size_of::<GcBox<Thread>>();
const USERDATA_BOX_SIZE: usize = std::mem::size_of::<GcBox<UserData>>();

// Boxes placed one after another in a block stay aligned.
const _: () = {
    let align = crate::string::BLOCK_PART_ALIGN;
    assert!(BOX_SIZE.is_multiple_of(align) && std::mem::align_of::<GcBox<Table>>() <= align);
    assert!(
        THREAD_BOX_SIZE.is_multiple_of(align) && std::mem::align_of::<GcBox<Thread>>() <= align
    );
    assert!(
        USERDATA_BOX_SIZE.is_multiple_of(align) && std::mem::align_of::<GcBox<UserData>>() <= align
    );
    // The metamethod names' array lies in a block too (`State::new`).
    assert!(std::mem::align_of::<LuaStr>() <= align);
    assert!(std::mem::size_of::<[LuaStr; TM_NAMES.len()]>().is_multiple_of(align));
};

/// The copies of an image's tables in a state's block, by index.
struct TableAt<'a> {
    block: *mut u8,
    offsets: &'a [u32],
}

impl TableAt<'_> {
    fn get(&self, i: u32) -> Gc<Table> {
        // SAFETY: `from_image` wrote table `i`'s box at this offset of
        // the block (`offsets` lists where, in the order it placed them),
        // and the heap holds it.
        unsafe {
            let at = self.block.add(self.offsets[i as usize] as usize);
            Gc {
                ptr: std::ptr::NonNull::new_unchecked(at.cast::<GcBox<Table>>()),
            }
        }
    }
}

impl State {
    /// A new state that starts as a copy of `image` (see the module
    /// docs): the same libraries, globals and registry as the state the
    /// image was taken from, in the time of a few allocations and copies.
    pub fn from_image(image: &'static LibImage) -> State {
        let mut heap = Heap::with_shared_strings(&image.strings);
        // Every table's box and hash storage, the main thread's box and
        // the fresh userdata's boxes in one block: one allocation for the
        // whole copy.
        let block = new_block(&mut heap, image.block_bytes);
        let mut at = block;
        for (t, _) in &image.tables {
            // SAFETY: `block_bytes` is the sum over the tables of a box
            // and its storage, then of the other boxes, each a multiple
            // of the block's alignment, so both fit at `at`, aligned,
            // unused.
            unsafe {
                let room = at.add(BOX_SIZE);
                let copy = Table::from_image(t, room);
                heap.alloc_in_block(at.cast::<GcBox<Table>>(), copy);
                at = room.add(Table::image_block_bytes(t));
            }
        }
        // SAFETY: as above: the main thread's box comes right after the
        // tables. It is a root for the state's whole life, so its memory
        // is never needed back before the heap frees the block.
        let main = unsafe {
            let m = heap.alloc_in_block(
                at.cast::<GcBox<Thread>>(),
                Thread::new_obj(true, Value::Nil),
            );
            at = at.add(THREAD_BOX_SIZE);
            m
        };
        let tables = TableAt {
            block,
            offsets: &image.offsets,
        };
        // The fresh userdata's boxes come last, one after another.
        let fresh_at = at;
        for f in &image.fresh {
            let ud = UserData {
                data: std::cell::RefCell::new((f.make)()),
                metatable: std::cell::Cell::new(f.meta.map(|m| tables.get(m))),
                user_values: std::cell::RefCell::new(Vec::new()),
            };
            // SAFETY: as above: room for the box at `at`. A dead one is
            // dropped by the sweep, its room unused until the block is
            // freed.
            let u = unsafe {
                let u = heap.alloc_in_block(at.cast::<GcBox<UserData>>(), ud);
                at = at.add(USERDATA_BOX_SIZE);
                Value::UserData(u)
            };
            if f.finalize {
                heap.register_finalizer(u);
            }
        }
        let fresh = |k: u32| {
            // SAFETY: the loop above wrote fresh userdata `k`'s box at
            // this place (`k` < the count: the image's patches name only
            // its own fresh userdata), and the heap holds it.
            unsafe {
                let at = fresh_at.add(k as usize * USERDATA_BOX_SIZE);
                Value::UserData(Gc {
                    ptr: std::ptr::NonNull::new_unchecked(at.cast::<GcBox<UserData>>()),
                })
            }
        };
        let target = |t: Target| match t {
            Target::Table(i) => Value::Table(tables.get(i)),
            Target::MainThread => Value::Thread(main),
            Target::Fresh(k) => fresh(k),
        };
        for (i, (_, meta)) in image.tables.iter().enumerate() {
            if let Some(m) = meta {
                tables.get(i as u32).set_metatable(Some(tables.get(*m)));
            }
        }
        for p in &image.patches {
            tables.get(p.table).patch(p.place, target(p.target));
        }
        // SAFETY: the image is `'static` and never changes its names.
        let tm_names = unsafe { TmNames::new(std::ptr::NonNull::from(&image.tm_names)) };
        let mut s = State::with_parts(
            heap,
            main,
            tables.get(image.globals),
            tables.get(image.registry),
            tm_names,
        );
        s.undump = image.undump;
        s.type_mts = image.type_mts.map(|m| m.map(|i| tables.get(i)));
        for (v, slot) in s.lib_slots.iter_mut().zip(&image.lib_slots) {
            *v = match *slot {
                Slot::Value(v) => v,
                Slot::Ref(t) => target(t),
            };
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(image: LibImage) -> &'static LibImage {
        Box::leak(Box::new(image))
    }

    /// Frees an image `leak` made, once no state made from it is left
    /// (so that memcheck sees no leak).
    fn free(image: &'static LibImage) {
        // SAFETY: `leak` made the box; the caller dropped every state
        // that read it, and nothing uses `image` afterwards.
        unsafe { drop(Box::from_raw(std::ptr::from_ref(image).cast_mut())) }
    }

    fn run(st: &mut State, code: &str) -> Vec<Value> {
        let f = st.load(code.as_bytes(), b"=t", "t", None).ok().unwrap();
        match st.pcall(f, &[], None) {
            Ok(r) => r,
            Err(_) => {
                let v = st.take_error_value();
                panic!("{code}: {}", st.error_message(v))
            }
        }
    }

    #[test]
    fn copies_share_strings_and_own_tables() {
        let mut b = State::new();
        let lib = b.new_table(0, 2);
        let name = b.str_value(b"lib");
        b.set_field(lib, "name", name);
        let g = b.globals();
        b.set_field(g, "lib", Value::Table(lib));
        b.set_field(lib, "self", Value::Table(lib));
        let image = leak(LibImage::capture(&b, &[]).unwrap());
        let mut x = State::from_image(image);
        let mut y = State::from_image(image);
        // The registry's main thread and globals are each state's own.
        let r = run(&mut x, "return lib.self == lib, lib.name");
        assert!(r[0].raw_eq(&Value::Bool(true)));
        // A name the image holds is the image's string in every state;
        // a new one is the state's.
        let (Value::Str(sx), Value::Str(sy)) = (x.str_value(b"lib"), y.str_value(b"lib")) else {
            panic!()
        };
        assert!(sx.ptr_eq(&sy));
        let (Value::Str(nx), Value::Str(ny)) = (x.str_value(b"new"), y.str_value(b"new")) else {
            panic!()
        };
        assert!(!nx.ptr_eq(&ny));
        run(&mut x, "lib.name = 'changed' lib.extra = {} lib = nil");
        x.collect_garbage();
        let r = run(&mut y, "return lib.name, lib.extra");
        assert_eq!(r.len(), 2);
        let Value::Str(s) = r[0] else { panic!() };
        assert_eq!(s.as_bytes(), b"lib");
        assert!(r[1].is_nil());
        drop((x, y));
        free(image);
    }

    #[test]
    fn copied_tables_grow_and_keep_their_fields() {
        let mut b = State::new();
        let g = b.globals();
        // `leaf` holds no table: copies share its storage until written.
        // `node` refers to `leaf`: copies get their own storage.
        let leaf = b.new_table(0, 2);
        let node = b.new_table(0, 2);
        for t in [leaf, node] {
            b.set_field(t, "a", Value::Int(1));
            b.set_field(t, "b", Value::Int(2));
        }
        b.set_field(node, "leaf", Value::Table(leaf));
        b.set_field(g, "leaf", Value::Table(leaf));
        b.set_field(g, "node", Value::Table(node));
        let image = leak(LibImage::capture(&b, &[]).unwrap());
        let mut st = State::from_image(image);
        // Both grow (a resize moves the copied fields), then a collection
        // runs over them and the state is dropped.
        run(
            &mut st,
            "for i = 1, 100 do leaf['k' .. i] = i node['k' .. i] = i end",
        );
        st.collect_garbage();
        let r = run(
            &mut st,
            "return leaf.a + leaf.b + node.a + node.b + leaf.k100 + node.k1, node.leaf == leaf",
        );
        assert!(r[0].raw_eq(&Value::Int(1 + 2 + 1 + 2 + 100 + 1)));
        assert!(r[1].raw_eq(&Value::Bool(true)));
        drop(st);
        let mut other = State::from_image(image);
        let r = run(&mut other, "return leaf.k1, node.k1, leaf.a");
        assert!(r[0].is_nil() && r[1].is_nil() && r[2].raw_eq(&Value::Int(1)));
        drop(other);
        free(image);
    }

    /// Data of the fresh userdata of `fresh_userdata_are_new_in_every_copy`:
    /// counts the copies dropped.
    struct Counted;
    static DROPPED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    impl Drop for Counted {
        fn drop(&mut self) {
            DROPPED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    static FINALIZED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    #[test]
    fn fresh_userdata_are_new_in_every_copy() {
        use std::sync::atomic::Ordering::Relaxed;
        fn gc(_: &mut State) -> Result<usize, crate::Error> {
            FINALIZED.fetch_add(1, Relaxed);
            Ok(0)
        }
        fn make() -> Box<dyn std::any::Any + Send> {
            Box::new(Counted)
        }
        let mut b = State::new();
        let g = b.globals();
        let mt = b.new_table(0, 1);
        b.set_field(mt, "__gc", Value::LightFn(gc));
        let ud = b.new_userdata(Box::new(0u8));
        let Value::UserData(u) = ud else { panic!() };
        u.metatable.set(Some(mt));
        b.set_field(g, "mt", Value::Table(mt));
        b.set_field(g, "ud", ud);
        b.set_field(g, "again", ud);
        // Not named fresh: refused.
        assert!(LibImage::capture(&b, &[]).is_err());
        let fresh = [FreshUserData { value: ud, make }];
        let image = leak(LibImage::capture_fresh(&b, &[], &fresh).unwrap());
        drop(b);
        let (mut x, mut y) = (State::from_image(image), State::from_image(image));
        let get = |st: &mut State, k: &str| {
            let g = st.globals();
            st.get_field(g, k)
        };
        let (Value::UserData(ux), Value::UserData(uy)) = (get(&mut x, "ud"), get(&mut y, "ud"))
        else {
            panic!()
        };
        // Each copy's own, in every place the original was, with the
        // copy's metatable and `make`'s data.
        assert!(!ux.ptr_eq(uy));
        assert!(get(&mut x, "again").raw_eq(&Value::UserData(ux)));
        let Value::Table(mtx) = get(&mut x, "mt") else {
            panic!()
        };
        assert!(ux.metatable.get().is_some_and(|m| m.ptr_eq(mtx)));
        assert!(ux.data.borrow().is::<Counted>());
        // Registered for finalization: once unreachable, its `__gc` runs
        // and then it is dropped (in its block, once).
        let before = (FINALIZED.load(Relaxed), DROPPED.load(Relaxed));
        run(&mut x, "ud = nil again = nil");
        x.collect_garbage();
        x.collect_garbage();
        assert_eq!(FINALIZED.load(Relaxed), before.0 + 1);
        assert_eq!(DROPPED.load(Relaxed), before.1 + 1);
        drop((x, y));
        assert_eq!(DROPPED.load(Relaxed), before.1 + 2);
        free(image);
    }

    #[test]
    fn per_state_objects_are_refused() {
        let mut b = State::new();
        let g = b.globals();
        let t = b.new_table(0, 0);
        b.set_field(g, "t", Value::Table(t));
        let ud = b.new_userdata(Box::new(1u8));
        b.set_field(t, "u", ud);
        let err = LibImage::capture(&b, &[]).unwrap_err();
        assert!(err.contains("userdata value"), "{err}");
    }

    #[test]
    fn many_strings_survive_collections_and_resizes() {
        let mut b = State::new();
        let g = b.globals();
        for i in 0..300 {
            let k = format!("name{i}");
            b.set_field(g, &k, Value::Int(i));
        }
        let image = leak(LibImage::capture(&b, &[]).unwrap());
        let mut st = State::from_image(image);
        // Thousands of the state's own strings (the table grows and
        // shrinks around the shared chains), collected in between.
        run(
            &mut st,
            "t = {} for i = 1, 5000 do t[i] = 'x' .. i end t = nil",
        );
        st.collect_garbage();
        let r = run(
            &mut st,
            "local n = 0 for i = 0, 299 do n = n + _ENV['name' .. i] end return n",
        );
        assert!(r[0].raw_eq(&Value::Int((0..300).sum())));
        // Every shared name is still found, so none was made twice.
        for i in [0, 150, 299] {
            let Value::Str(s) = st.str_value(format!("name{i}").as_bytes()) else {
                panic!()
            };
            assert!(!st.heap.strings.owns_for_test(s));
        }
        drop(st);
        free(image);
    }
}
