//! Maps keyed by tree nodes (their addresses): the resolver's results and
//! the generator's bookkeeping.
//!
//! The standard `HashMap` hashes with SipHash, built to resist keys chosen
//! by an attacker; a node's address is chosen by the allocator, not by the
//! source text, so a multiply-and-rotate hash is enough and is several
//! times cheaper (the compiler looks a name expression up once per use).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by node identities.
pub(crate) type NodeMap<K, V> = HashMap<K, V, BuildHasherDefault<NodeHasher>>;

/// The hasher of [`NodeMap`]: mixes each word in with a rotate, an xor and
/// a multiply by an odd constant (as rustc's own FxHash does).
#[derive(Default, Clone, Copy)]
pub(crate) struct NodeHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl NodeHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for NodeHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        // Nodes are at least 8-byte aligned: the low bits carry nothing.
        self.add((n >> 3) as u64);
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    #[inline]
    fn write_isize(&mut self, n: isize) {
        self.add(n as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The hasher of maps keyed by what the source text chooses (names of
/// labels, the main function's constants): [`NodeHasher`]'s mixing from a
/// seed random per process, so that a script cannot choose keys that
/// collide, and a final fold that spreads every bit into the low ones the
/// map indexes with. A fraction of SipHash's cost: a loop's `break` label
/// and every constant are hashed once or twice each.
#[derive(Clone, Copy)]
pub(crate) struct SeededHash(u64);

impl Default for SeededHash {
    fn default() -> SeededHash {
        static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        SeededHash(*SEED.get_or_init(|| {
            std::hash::BuildHasher::hash_one(
                &std::collections::hash_map::RandomState::new(),
                0x5eed_u64,
            )
        }))
    }
}

impl std::hash::BuildHasher for SeededHash {
    type Hasher = SeededHasher;
    #[inline]
    fn build_hasher(&self) -> SeededHasher {
        SeededHasher(NodeHasher(self.0))
    }
}

/// The hasher [`SeededHash`] builds.
pub(crate) struct SeededHasher(NodeHasher);

impl Hasher for SeededHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0.add(n);
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.0.add(n as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The multiply carries low bits up only: fold the high ones down.
        let mut h = self.0.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_addresses_hash_apart() {
        let mut m: NodeMap<usize, usize> = NodeMap::default();
        for i in 0..10_000 {
            m.insert(0x1000 + i * 16, i);
        }
        assert_eq!(m.len(), 10_000);
        assert_eq!(m[&(0x1000 + 16 * 77)], 77);
    }

    #[test]
    fn seeded_hashes_spread_names_over_low_bits() {
        use std::hash::BuildHasher;
        let h = SeededHash::default();
        // Names that differ in one byte land in many low-bit buckets.
        let buckets: std::collections::HashSet<u64> = (0..256u32)
            .map(|i| h.hash_one(format!("x{i}").as_bytes()) & 255)
            .collect();
        assert!(buckets.len() > 128, "{} buckets", buckets.len());
        assert_eq!(
            h.hash_one(b"break".as_slice()),
            h.hash_one(b"break".as_slice())
        );
    }
}
