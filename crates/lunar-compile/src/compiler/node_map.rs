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
}
