//! The constant table of the function being compiled and the instructions
//! that load constants.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::BuildHasher;

use crate::instruction::{MAX_ARG_BX, MAX_ARG_C, OFFSET_SBX, OFFSET_SC};
use crate::opcodes::OpCode;
use crate::proto::Constant;

use super::constant::float_to_int;
use super::{GResult, Gen};

/// Identifies a constant: kinds differ for 1 and 1.0, and the bits of a
/// float tell 0.0 from -0.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConstKey<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(&'a [u8]),
}

/// The keys are hashed with one write each (the derived hash writes the
/// variant, then a string's length, then its bytes). Keys of different
/// kinds may hash alike (an integer and a float with the same bits);
/// equality tells them apart.
impl std::hash::Hash for ConstKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match *self {
            ConstKey::Nil => h.write_u8(0),
            ConstKey::Bool(b) => h.write_u8(1 + b as u8),
            ConstKey::Int(i) => h.write_u64(i as u64),
            ConstKey::Float(bits) => h.write_u64(bits),
            ConstKey::Str(s) => h.write(s),
        }
    }
}

/// A constant's key with its hash. The constant caches keep the standard
/// keyed hash, as their keys come from the source text, but compute it
/// once per lookup ([`Gen::hashed`]): the tables themselves hash by that
/// number, so growing one does not hash its keys again.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HashedKey<'a> {
    hash: u64,
    key: ConstKey<'a>,
}

impl PartialEq for HashedKey<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.hash == o.hash && self.key == o.key
    }
}

impl Eq for HashedKey<'_> {}

impl std::hash::Hash for HashedKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_u64(self.hash);
    }
}

/// The hasher of [`KCache`]: passes the precomputed hash through.
#[derive(Default)]
pub(crate) struct PassHasher(u64);

impl std::hash::Hasher for PassHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in all the same.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The constant cache of the luac544 mode, shared by all the functions of
/// a chunk: constant to the index it got last.
pub(crate) type SharedKCache<'a> =
    HashMap<HashedKey<'a>, usize, std::hash::BuildHasherDefault<PassHasher>>;

/// A function's constant cache: the keyed hash of a constant to its index
/// in the function's constant table. It keeps no key, so that it borrows
/// nothing from the tree: the main function's cache outlives the trees of
/// the top-level statements when a chunk is compiled one statement at a
/// time. A hit is checked against the table; a different constant with
/// the same 64-bit keyed hash (all but impossible) is found by a scan of
/// the table.
pub(crate) type KCache = HashMap<u64, u32, std::hash::BuildHasherDefault<PassHasher>>;

impl ConstKey<'_> {
    /// The constant the key stands for.
    fn constant(self) -> Constant {
        match self {
            ConstKey::Nil => Constant::Nil,
            ConstKey::Bool(b) => Constant::Bool(b),
            ConstKey::Int(i) => Constant::Int(i),
            ConstKey::Float(bits) => Constant::Float(f64::from_bits(bits)),
            ConstKey::Str(s) => Constant::Str(s.into()),
        }
    }

    /// Reports whether `c` is the constant the key stands for (a float
    /// by its bits, as keys compare).
    fn is(self, c: &Constant) -> bool {
        match (self, c) {
            (ConstKey::Nil, Constant::Nil) => true,
            (ConstKey::Bool(a), Constant::Bool(b)) => a == *b,
            (ConstKey::Int(a), Constant::Int(b)) => a == *b,
            (ConstKey::Float(a), Constant::Float(b)) => a == b.to_bits(),
            (ConstKey::Str(a), Constant::Str(b)) => a == &**b,
            _ => false,
        }
    }
}

/// Reports whether two constants have the same type and are equal (0.0
/// equals -0.0 here, as in the reference).
fn same_constant(a: &Constant, b: &Constant) -> bool {
    match (a, b) {
        (Constant::Float(x), Constant::Float(y)) => x == y,
        _ => a == b,
    }
}

/// The reference's `LUAI_MAXSHORTLEN`.
const MAX_SHORT_LEN: usize = 40;

/// Reports whether `i` fits a signed Bx operand.
pub(crate) fn fits_bx(i: i64) -> bool {
    -(OFFSET_SBX as i64) <= i && i <= MAX_ARG_BX as i64 - OFFSET_SBX as i64
}

/// Reports whether `i` fits a signed C (or B) operand.
pub(crate) fn fits_c(i: i64) -> bool {
    (i as u64).wrapping_add(OFFSET_SC as u64) <= MAX_ARG_C as u64
}

impl<'a> Gen<'a> {
    /// Returns the index of a constant, adding it when new.
    pub(crate) fn add_k(&mut self, key: ConstKey<'a>) -> usize {
        if self.scanner_k.is_some() {
            return self.add_k_shared(key);
        }
        let next = self.fs.f.constants.len();
        let hash = self.k_hasher.hash_one(key);
        match self.fs.kcache.entry(hash) {
            Entry::Vacant(v) => {
                v.insert(next as u32);
            }
            Entry::Occupied(o) => {
                let i = *o.get() as usize;
                if key.is(&self.fs.f.constants[i]) {
                    return i;
                }
                return self.add_k_collided(key);
            }
        }
        self.fs.f.constants.push(key.constant());
        next
    }

    /// `add_k` for a key whose hash is another constant's: the table is
    /// searched for it.
    #[cold]
    fn add_k_collided(&mut self, key: ConstKey<'a>) -> usize {
        let ks = &mut self.fs.f.constants;
        if let Some(i) = ks.iter().position(|c| key.is(c)) {
            return i;
        }
        ks.push(key.constant());
        ks.len() - 1
    }

    /// `add_k` in the luac544 mode: the cache maps a key to the index it got
    /// last, in whichever function, and is believed only when that index
    /// holds the same constant in the current function. As in a Lua table,
    /// a float key with an integral value is the integer key.
    fn add_k_shared(&mut self, key: ConstKey<'a>) -> usize {
        let v = key.constant();
        let mut tkey = key;
        if let ConstKey::Float(bits) = key {
            // A float with an integral value gets a key that is not
            // integral (unless too large), to stay apart from the integer.
            let r = f64::from_bits(bits);
            if let Some(i) = float_to_int(r) {
                let k = if i != 0 {
                    r + r * f64::EPSILON
                } else {
                    f64::EPSILON
                };
                tkey = ConstKey::Float(k.to_bits());
                if let Some(i) = float_to_int(k) {
                    tkey = ConstKey::Int(i);
                }
            }
        }
        let tkey = self.hashed(tkey);
        let cache = self.scanner_k.as_mut().expect("shared cache");
        if let Some(&i) = cache.get(&tkey)
            && i < self.fs.f.constants.len()
            && same_constant(&self.fs.f.constants[i], &v)
        {
            return i;
        }
        let i = self.fs.f.constants.len();
        self.fs.f.constants.push(v);
        cache.insert(tkey, i);
        i
    }

    /// The key with its hash.
    fn hashed(&self, key: ConstKey<'a>) -> HashedKey<'a> {
        HashedKey {
            hash: self.k_hasher.hash_one(key),
            key,
        }
    }

    pub(crate) fn string_k(&mut self, s: &'a [u8]) -> usize {
        self.add_k(ConstKey::Str(s))
    }

    pub(crate) fn int_k(&mut self, i: i64) -> usize {
        self.add_k(ConstKey::Int(i))
    }

    pub(crate) fn number_k(&mut self, f: f64) -> usize {
        self.add_k(ConstKey::Float(f.to_bits()))
    }

    pub(crate) fn bool_k(&mut self, b: bool) -> usize {
        self.add_k(ConstKey::Bool(b))
    }

    pub(crate) fn nil_k(&mut self) -> usize {
        self.add_k(ConstKey::Nil)
    }

    /// Reports whether constant `k` is a string short enough to be a field
    /// name in GETFIELD and friends (the reference's short strings).
    pub(crate) fn is_short_string(&self, k: usize) -> bool {
        matches!(&self.fs.f.constants[k], Constant::Str(s) if s.len() <= MAX_SHORT_LEN)
    }

    // -----------------------------------------------------------------------
    // Loading constants

    /// Loads constant `k` into `reg`.
    pub(crate) fn code_k(&mut self, reg: usize, k: usize) -> GResult<usize> {
        if k <= MAX_ARG_BX as usize {
            return Ok(self.code_abx(OpCode::LoadK, reg, k));
        }
        let p = self.code_abx(OpCode::LoadKX, reg, 0);
        self.code_extra_arg(k)?;
        Ok(p)
    }

    /// Loads an integer into `reg`.
    pub(crate) fn load_int(&mut self, reg: usize, i: i64) -> GResult<()> {
        if fits_bx(i) {
            self.code_asbx(OpCode::LoadI, reg, i as i32);
        } else {
            let k = self.int_k(i);
            self.code_k(reg, k)?;
        }
        Ok(())
    }

    /// Loads a float into `reg`.
    pub(crate) fn load_float(&mut self, reg: usize, f: f64) -> GResult<()> {
        match float_to_int(f) {
            Some(i) if fits_bx(i) => {
                self.code_asbx(OpCode::LoadF, reg, i as i32);
            }
            _ => {
                let k = self.number_k(f);
                self.code_k(reg, k)?;
            }
        }
        Ok(())
    }

    /// Sets `n` registers from `from` to nil, merging with a LOADNIL just
    /// before when possible.
    pub(crate) fn load_nil(&mut self, from: usize, n: usize) {
        let mut from = from;
        let mut l = from + n - 1;
        if let Some(p) = self.previous() {
            let prev = self.fs.f.code[p];
            if prev.op() == Some(OpCode::LoadNil) {
                let pfrom = prev.a() as usize;
                let pl = pfrom + prev.b() as usize;
                if (pfrom <= from && from <= pl + 1) || (from <= pfrom && pfrom <= l + 1) {
                    from = from.min(pfrom);
                    l = l.max(pl);
                    let ins = self.ins(p);
                    ins.set_a(from as u32);
                    ins.set_b((l - from) as u32);
                    return;
                }
            }
        }
        self.code_abc(OpCode::LoadNil, from, n - 1, 0);
    }

    /// Emits a return of `nret` values from register `first` (`nret` is
    /// `MULT_RET` for all values up to the top).
    pub(crate) fn ret(&mut self, first: usize, nret: i32) {
        let op = match nret {
            0 => OpCode::Return0,
            1 => OpCode::Return1,
            _ => OpCode::Return,
        };
        self.code_abc(op, first, (nret + 1) as usize, 0);
    }

    /// Marks the function variadic.
    pub(crate) fn set_vararg(&mut self, nparams: usize) {
        self.fs.f.is_vararg = true;
        self.code_abc(OpCode::VarargPrep, nparams, 0, 0);
    }
}
