//! The key-value store that scripts reach as `kv`: one API over two
//! backends, an in-process sharded map (the default, nothing to set up)
//! and Redis (when a URL is configured, so that replicas share state).
//!
//! Both backends follow Redis's semantics, so that a script behaves the
//! same on either: values are byte strings; `set` without a time to live
//! clears the key's old one; `incr` is `INCRBY` (a missing key counts as
//! 0, the value must be the decimal text of a 64-bit integer, the key
//! keeps its time to live, overflow is an error) with Redis's error
//! texts; `expire` with a zero time to live deletes the key.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Redis's error for `INCRBY` on a value that is not an integer.
const NOT_AN_INTEGER: &str = "ERR value is not an integer or out of range";
/// Redis's error for `INCRBY` past the 64-bit range.
const OVERFLOW: &str = "ERR increment or decrement would overflow";
/// Redis's error for `SET ... PX 0`.
const INVALID_EXPIRE: &str = "ERR invalid expire time in 'set' command";

/// A key-value store: the in-process backend or a Redis connection.
///
/// `Send + Sync` and cheap to clone; clones share the same store, so the
/// server makes one and gives a clone to each worker.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use lunar_server::kv::Kv;
/// let kv = Kv::memory();
/// kv.set(b"visits", b"41", None).await.unwrap();
/// assert_eq!(kv.incr(b"visits", 1).await.unwrap(), 42);
/// assert_eq!(kv.get(b"visits").await.unwrap().as_deref(), Some(&b"42"[..]));
/// # });
/// ```
#[derive(Clone)]
pub struct Kv {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Memory(Arc<MemoryStore>),
    Redis(Arc<RedisStore>),
}

/// A failed store operation: Redis's error text for the errors Redis
/// defines (`ERR value is not an integer or out of range`), else what
/// went wrong with the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvError {
    message: String,
}

impl KvError {
    fn new(message: impl Into<String>) -> KvError {
        KvError {
            message: message.into(),
        }
    }

    /// The error's text (the same as its `Display`).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let kv = lunar_server::kv::Kv::memory();
    /// kv.set(b"k", b"abc", None).await.unwrap();
    /// let e = kv.incr(b"k", 1).await.unwrap_err();
    /// assert_eq!(e.message(), "ERR value is not an integer or out of range");
    /// # });
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for KvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for KvError {}

impl From<redis::RedisError> for KvError {
    fn from(e: redis::RedisError) -> KvError {
        // A server's error reads as Redis wrote it ("ERR ..."), not as the
        // client library's description of it.
        match (e.code(), e.detail()) {
            (Some(code), Some(detail)) => KvError::new(format!("{code} {detail}")),
            (Some(code), None) => KvError::new(code),
            _ => KvError::new(e.to_string()),
        }
    }
}

impl Kv {
    /// A new, empty in-process store. Each call makes a separate store;
    /// its clones share it (the server makes one per process).
    ///
    /// ```
    /// let kv = lunar_server::kv::Kv::memory();
    /// assert_eq!(kv.backend(), "memory");
    /// ```
    pub fn memory() -> Kv {
        Kv {
            backend: Backend::Memory(Arc::new(MemoryStore::new(None))),
        }
    }

    /// A new in-process store that holds at most about `max_bytes` of
    /// keys and values (each entry counted with a fixed overhead of
    /// [`ENTRY_OVERHEAD`] bytes). The budget is split evenly over the
    /// store's shards; a write that would pass its shard's share first
    /// drops the shard's expired entries, then fails with
    /// `kv: store full (max_bytes)`. Scripts cannot grow the process
    /// without bound through `kv`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let kv = lunar_server::kv::Kv::memory_with_limit(64 * 1024);
    /// kv.set(b"small", b"fits", None).await.unwrap();
    /// let big = vec![b'x'; 64 * 1024];
    /// let err = kv.set(b"big", &big, None).await.unwrap_err();
    /// assert_eq!(err.message(), "store full (max_bytes)");
    /// # });
    /// ```
    pub fn memory_with_limit(max_bytes: usize) -> Kv {
        Kv {
            backend: Backend::Memory(Arc::new(MemoryStore::new(Some(max_bytes)))),
        }
    }

    /// Connects to the Redis server at `url` (`redis://host:port/db`),
    /// failing when it cannot. Each tokio runtime that uses the store
    /// (each worker) gets its own multiplexed connection, made on its
    /// first operation, so that a connection's driver task runs on the
    /// runtime that uses it and no runtime depends on another one still
    /// running; a connection reconnects by itself after a failure, and
    /// operations time out after 5 s.
    pub async fn redis(url: &str) -> Result<Kv, KvError> {
        let store = RedisStore {
            client: redis::Client::open(url)?,
            conns: PerRuntime::new(),
        };
        store.conn().await?;
        Ok(Kv {
            backend: Backend::Redis(Arc::new(store)),
        })
    }

    /// Which backend this is: `"memory"` or `"redis"`.
    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Memory(_) => "memory",
            Backend::Redis(_) => "redis",
        }
    }

    /// The value of `key`, or `None` when it is absent or expired (`GET`).
    pub async fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        match &self.backend {
            Backend::Memory(m) => Ok(m.get(key)),
            Backend::Redis(r) => {
                let mut c = r.conn().await?;
                Ok(redis::cmd("GET").arg(key).query_async(&mut c).await?)
            }
        }
    }

    /// Sets `key` to `value`, expiring after `ttl` when given and never
    /// otherwise (`SET key value [PX ms]`). A zero `ttl` is Redis's error
    /// `ERR invalid expire time in 'set' command`.
    pub async fn set(
        &self,
        key: &[u8],
        value: &[u8],
        ttl: Option<Duration>,
    ) -> Result<(), KvError> {
        if ttl.is_some_and(|t| t.is_zero()) {
            return Err(KvError::new(INVALID_EXPIRE));
        }
        match &self.backend {
            Backend::Memory(m) => m.set(key, value, ttl),
            Backend::Redis(r) => {
                let mut c = r.conn().await?;
                let mut cmd = redis::cmd("SET");
                cmd.arg(key).arg(value);
                if let Some(ttl) = ttl {
                    cmd.arg("PX").arg(millis(ttl));
                }
                let () = cmd.query_async(&mut c).await?;
                Ok(())
            }
        }
    }

    /// Adds `by` to the integer in `key` and returns the sum (`INCRBY`):
    /// a missing key counts as 0, the key keeps its time to live, a value
    /// that is not an integer and an overflow are errors worded as
    /// Redis words them.
    pub async fn incr(&self, key: &[u8], by: i64) -> Result<i64, KvError> {
        match &self.backend {
            Backend::Memory(m) => m.incr(key, by),
            Backend::Redis(r) => {
                let mut c = r.conn().await?;
                Ok(redis::cmd("INCRBY")
                    .arg(key)
                    .arg(by)
                    .query_async(&mut c)
                    .await?)
            }
        }
    }

    /// Makes `key` expire after `ttl` (`PEXPIRE`); a zero `ttl` deletes
    /// it. Whether the key existed.
    pub async fn expire(&self, key: &[u8], ttl: Duration) -> Result<bool, KvError> {
        match &self.backend {
            Backend::Memory(m) => Ok(m.expire(key, ttl)),
            Backend::Redis(r) => {
                let mut c = r.conn().await?;
                let n: i64 = redis::cmd("PEXPIRE")
                    .arg(key)
                    .arg(if ttl.is_zero() { 0 } else { millis(ttl) })
                    .query_async(&mut c)
                    .await?;
                Ok(n > 0)
            }
        }
    }

    /// Deletes `key` (`DEL`). Whether it existed.
    pub async fn del(&self, key: &[u8]) -> Result<bool, KvError> {
        match &self.backend {
            Backend::Memory(m) => Ok(m.del(key)),
            Backend::Redis(r) => {
                let mut c = r.conn().await?;
                let n: i64 = redis::cmd("DEL").arg(key).query_async(&mut c).await?;
                Ok(n > 0)
            }
        }
    }
}

/// The Redis backend: the client (its URL) and a connection per runtime.
struct RedisStore {
    client: redis::Client,
    conns: PerRuntime<redis::aio::ConnectionManager>,
}

impl RedisStore {
    /// The current runtime's connection, made on first use.
    async fn conn(&self) -> Result<redis::aio::ConnectionManager, KvError> {
        if let Some(c) = self.conns.get().map_err(KvError::new)? {
            return Ok(c);
        }
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(5)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(3);
        let c = redis::aio::ConnectionManager::new_with_config(self.client.clone(), config).await?;
        self.conns.insert(c).map_err(KvError::new)
    }
}

/// One value per tokio runtime (a connection whose driver task runs on
/// that runtime), found by the runtime's id. A server has a runtime per
/// worker, so the list is short and a lookup is a few comparisons under
/// a lock held for no await.
pub(crate) struct PerRuntime<T: Clone> {
    items: Mutex<Vec<(tokio::runtime::Id, T)>>,
}

impl<T: Clone> PerRuntime<T> {
    /// An empty set.
    pub(crate) fn new() -> PerRuntime<T> {
        PerRuntime {
            items: Mutex::new(Vec::new()),
        }
    }

    fn current() -> Result<tokio::runtime::Id, &'static str> {
        tokio::runtime::Handle::try_current()
            .map(|h| h.id())
            .map_err(|_| "called outside a tokio runtime")
    }

    /// The current runtime's value, if it has one.
    pub(crate) fn get(&self) -> Result<Option<T>, &'static str> {
        let id = Self::current()?;
        let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        Ok(items.iter().find(|(i, _)| *i == id).map(|(_, t)| t.clone()))
    }

    /// Gives the current runtime `t`, unless it got one meanwhile (two
    /// tasks of a runtime may make one at once): the value it keeps.
    pub(crate) fn insert(&self, t: T) -> Result<T, &'static str> {
        let id = Self::current()?;
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, kept)) = items.iter().find(|(i, _)| *i == id) {
            return Ok(kept.clone());
        }
        items.push((id, t.clone()));
        Ok(t)
    }
}

/// A non-zero time to live in whole milliseconds for Redis's `PX` and
/// `PEXPIRE`: rounded up (a sub-millisecond ttl must not become 0, which
/// means "delete now"), at most Redis's limit for an expire time.
fn millis(ttl: Duration) -> i64 {
    // Redis rejects expire times whose absolute time overflows; a century
    // is far inside that and far beyond any script's need.
    const MAX_MS: u128 = 100 * 365 * 24 * 3600 * 1000;
    let ms = ttl.as_nanos().div_ceil(1_000_000).clamp(1, MAX_MS);
    ms as i64
}

/// Reads a value as Redis's `string2ll` does for `INCRBY`: optional `-`,
/// no `+`, no leading zeros (except `0` itself), no spaces, in range.
fn parse_redis_int(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    if b == b"0" {
        return Some(0);
    }
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((d - b'0') as u64)?;
    }
    if negative {
        if v > i64::MAX as u64 + 1 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

/// How many shards the in-process store has: enough that workers on
/// every core rarely wait for one another.
const SHARDS: usize = 64;

/// How often at most a shard looks for expired entries to drop (each
/// read also drops the expired entry it finds).
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// The in-process backend: the keys spread over [`SHARDS`] maps, each
/// behind its own lock. Every operation takes one lock for a few
/// map operations and never holds it across an await.
struct MemoryStore {
    shards: Box<[Mutex<Shard>]>,
    hasher: RandomState,
    /// Each shard's share of the byte budget (`None`: no limit).
    shard_budget: Option<usize>,
}

/// What an entry costs besides its key and value, in the byte budget of
/// [`Kv::memory_with_limit`] (the map's slot, the boxes' headers).
pub const ENTRY_OVERHEAD: usize = 64;

/// The error of a write past the byte budget.
const STORE_FULL: &str = "store full (max_bytes)";

#[derive(Default)]
struct Shard {
    map: HashMap<Box<[u8]>, Entry>,
    /// Bytes the entries count for (keys, values, overheads).
    bytes: usize,
    /// When to look for expired entries next; `None` while no entry of
    /// this shard has a time to live.
    sweep_at: Option<Instant>,
    /// When the last sweep was (`None`: never), so that sweeps come at
    /// most once per [`SWEEP_INTERVAL`] however short the ttls.
    swept: Option<Instant>,
}

struct Entry {
    value: Vec<u8>,
    expires: Option<Instant>,
}

impl Entry {
    fn live(&self, now: Instant) -> bool {
        self.expires.is_none_or(|t| now < t)
    }
}

/// What an entry counts for in the byte budget.
fn cost(key: &[u8], value_len: usize) -> usize {
    key.len() + value_len + ENTRY_OVERHEAD
}

impl Shard {
    /// The live entry of `key`, dropping it when it has expired.
    fn live_entry(&mut self, key: &[u8], now: Instant) -> Option<&mut Entry> {
        if self.map.get(key).is_some_and(|e| !e.live(now)) {
            self.remove(key);
            return None;
        }
        self.map.get_mut(key)
    }

    /// Removes `key`'s entry, returning it.
    fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        let e = self.map.remove(key)?;
        self.bytes -= cost(key, e.value.len());
        Some(e)
    }

    /// Whether the shard may grow by `more` bytes within `budget`,
    /// dropping its expired entries first when it would not.
    fn room_for(&mut self, more: usize, budget: Option<usize>, now: Instant) -> bool {
        let Some(budget) = budget else { return true };
        if self.bytes + more <= budget {
            return true;
        }
        let mut freed = 0;
        self.map.retain(|k, e| {
            let keep = e.live(now);
            if !keep {
                freed += cost(k, e.value.len());
            }
            keep
        });
        self.bytes -= freed;
        self.bytes + more <= budget
    }

    /// Notes that an entry expires at `t`, so that a sweep comes by then
    /// (but not sooner than a sweep interval after the last one).
    fn note_expiry(&mut self, t: Instant) {
        let mut at = match self.sweep_at {
            Some(s) => s.min(t),
            None => t,
        };
        if let Some(last) = self.swept {
            at = at.max(last + SWEEP_INTERVAL);
        }
        self.sweep_at = Some(at);
    }

    /// Drops expired entries when a sweep is due.
    fn maybe_sweep(&mut self, now: Instant) {
        let Some(at) = self.sweep_at else { return };
        if now < at {
            return;
        }
        let mut next: Option<Instant> = None;
        let mut freed = 0;
        self.map.retain(|k, e| match e.expires {
            None => true,
            Some(t) if t <= now => {
                freed += cost(k, e.value.len());
                false
            }
            Some(t) => {
                next = Some(next.map_or(t, |n| n.min(t)));
                true
            }
        });
        self.bytes -= freed;
        self.swept = Some(now);
        self.sweep_at = next.map(|t| t.max(now + SWEEP_INTERVAL));
    }
}

impl MemoryStore {
    fn new(max_bytes: Option<usize>) -> MemoryStore {
        MemoryStore {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: RandomState::new(),
            shard_budget: max_bytes.map(|m| m / SHARDS),
        }
    }

    /// The locked shard of `key`, swept when a sweep is due. A poisoned
    /// lock (a panic while held, which no code here can cause) is taken
    /// over: each operation leaves the map consistent.
    fn shard(&self, key: &[u8], now: Instant) -> MutexGuard<'_, Shard> {
        let i = (self.hasher.hash_one(key) as usize) % SHARDS;
        let mut s = self.shards[i].lock().unwrap_or_else(|e| e.into_inner());
        s.maybe_sweep(now);
        s
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        let now = Instant::now();
        let mut s = self.shard(key, now);
        s.live_entry(key, now).map(|e| e.value.clone())
    }

    fn set(&self, key: &[u8], value: &[u8], ttl: Option<Duration>) -> Result<(), KvError> {
        let now = Instant::now();
        // A ttl too far out for the clock never expires.
        let expires = ttl.and_then(|t| now.checked_add(t));
        let mut s = self.shard(key, now);
        let old = s.map.get(key).map_or(0, |e| cost(key, e.value.len()));
        let new = cost(key, value.len());
        if new > old && !s.room_for(new - old, self.shard_budget, now) {
            return Err(KvError::new(STORE_FULL));
        }
        if let Some(t) = expires {
            s.note_expiry(t);
        }
        let entry = Entry {
            value: value.to_vec(),
            expires,
        };
        // The old entry may have gone with the expired ones above.
        let old = s.map.get(key).map_or(0, |e| cost(key, e.value.len()));
        s.bytes = s.bytes - old + new;
        match s.map.get_mut(key) {
            Some(e) => *e = entry,
            None => {
                s.map.insert(key.into(), entry);
            }
        }
        Ok(())
    }

    fn incr(&self, key: &[u8], by: i64) -> Result<i64, KvError> {
        let now = Instant::now();
        let mut s = self.shard(key, now);
        match s.live_entry(key, now) {
            Some(e) => {
                let old = parse_redis_int(&e.value).ok_or_else(|| KvError::new(NOT_AN_INTEGER))?;
                let new = old.checked_add(by).ok_or_else(|| KvError::new(OVERFLOW))?;
                let before = e.value.len();
                e.value.clear();
                e.value.extend_from_slice(new.to_string().as_bytes());
                // An integer's text is at most 20 bytes: its growth is
                // counted, never refused.
                let after = e.value.len();
                s.bytes = s.bytes + after - before;
                Ok(new)
            }
            None => {
                let value = by.to_string().into_bytes();
                if !s.room_for(cost(key, value.len()), self.shard_budget, now) {
                    return Err(KvError::new(STORE_FULL));
                }
                s.bytes += cost(key, value.len());
                let entry = Entry {
                    value,
                    expires: None,
                };
                s.map.insert(key.into(), entry);
                Ok(by)
            }
        }
    }

    fn expire(&self, key: &[u8], ttl: Duration) -> bool {
        let now = Instant::now();
        let mut s = self.shard(key, now);
        if s.live_entry(key, now).is_none() {
            return false;
        }
        if ttl.is_zero() {
            s.remove(key);
            return true;
        }
        let expires = now.checked_add(ttl);
        if let Some(e) = s.map.get_mut(key) {
            e.expires = expires;
        }
        if let Some(t) = expires {
            s.note_expiry(t);
        }
        true
    }

    fn del(&self, key: &[u8]) -> bool {
        let now = Instant::now();
        let mut s = self.shard(key, now);
        s.remove(key).is_some_and(|e| e.live(now))
    }

    /// The bytes the shards count (for tests of the budget).
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).bytes)
            .sum()
    }

    /// How many entries the shards hold, expired ones not yet dropped
    /// included (for tests of the sweep).
    #[cfg(test)]
    fn stored(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).map.len())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn redis_integer_syntax() {
        assert_eq!(parse_redis_int(b"0"), Some(0));
        assert_eq!(parse_redis_int(b"-5"), Some(-5));
        assert_eq!(parse_redis_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_redis_int(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b"01",
            b"-0",
            b" 1",
            b"1 ",
            b"1.0",
            b"abc",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"123456789012345678901",
        ] {
            assert_eq!(
                parse_redis_int(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn millis_round_up_and_stay_positive() {
        assert_eq!(millis(Duration::from_micros(1)), 1);
        assert_eq!(millis(Duration::from_micros(1500)), 2);
        assert_eq!(millis(Duration::from_secs(2)), 2000);
        assert!(millis(Duration::MAX) > 0);
    }

    #[test]
    fn incr_keeps_the_time_to_live() {
        block_on(async {
            let kv = Kv::memory();
            kv.set(b"n", b"1", Some(Duration::from_millis(200)))
                .await
                .unwrap();
            assert_eq!(kv.incr(b"n", 2).await.unwrap(), 3);
            tokio::time::sleep(Duration::from_millis(400)).await;
            assert_eq!(kv.get(b"n").await.unwrap(), None);
            // Counting again starts from zero.
            assert_eq!(kv.incr(b"n", 2).await.unwrap(), 2);
        })
    }

    #[test]
    fn set_without_ttl_clears_the_old_one() {
        block_on(async {
            let kv = Kv::memory();
            kv.set(b"k", b"a", Some(Duration::from_millis(20)))
                .await
                .unwrap();
            kv.set(b"k", b"b", None).await.unwrap();
            tokio::time::sleep(Duration::from_millis(40)).await;
            assert_eq!(kv.get(b"k").await.unwrap().as_deref(), Some(&b"b"[..]));
        })
    }

    #[test]
    fn sweep_drops_expired_entries_nobody_reads() {
        let store = MemoryStore::new(None);
        for i in 0..200u32 {
            store
                .set(&i.to_be_bytes(), b"x", Some(Duration::from_millis(5)))
                .unwrap();
        }
        store.set(b"stays", b"x", None).unwrap();
        assert_eq!(store.stored(), 201);
        std::thread::sleep(Duration::from_millis(20));
        // Touching every shard once sweeps it (its sweep is due).
        for i in 0..10_000u32 {
            store.get(&(i + 1_000_000).to_be_bytes());
        }
        assert_eq!(store.stored(), 1);
        assert_eq!(store.bytes(), cost(b"stays", 1));
    }

    #[test]
    fn the_byte_budget_counts_every_write_and_refuses_past_it() {
        // Each shard's share: 1,000 bytes.
        let store = MemoryStore::new(Some(1_000 * SHARDS));
        let big = vec![b'x'; 600];
        store.set(b"a", &big, None).unwrap();
        store.set(b"a", b"short", None).unwrap();
        store.set(b"a", &big, None).unwrap();
        assert_eq!(store.bytes(), cost(b"a", 600));
        // Another key of the same shard: a second big value does not fit
        // there, a small counter does.
        let shard_of = |k: &[u8]| (store.hasher.hash_one(k) as usize) % SHARDS;
        let same = (0..10_000u32)
            .map(|i| i.to_be_bytes())
            .find(|k| shard_of(&k[..]) == shard_of(b"a"))
            .unwrap();
        let err = store.set(&same, &big, None).unwrap_err();
        assert_eq!(err.message(), STORE_FULL);
        assert_eq!(store.incr(&same, 1).unwrap(), 1);
        // An expired entry makes room.
        store
            .set(b"a", &big, Some(Duration::from_millis(5)))
            .unwrap();
        std::thread::sleep(Duration::from_millis(10));
        store.set(&same, &big, None).unwrap();
        assert_eq!(store.bytes(), cost(&same, 600));
        assert!(store.del(&same));
        assert_eq!(store.bytes(), 0);
    }
}
