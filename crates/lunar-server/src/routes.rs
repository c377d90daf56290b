//! The route table: every script under the served folder, compiled, with
//! the limits its requests run under.
//!
//! `DIR/api/users.lua` serves `/api/users`; `DIR/index.lua` serves `/`
//! and `DIR/docs/index.lua` serves `/docs`. A file or folder whose name
//! starts with `_` or `.` is not a route; every `.lua` file can still be
//! loaded with `require` by its module name (`require("_lib.text")` for
//! `DIR/_lib/text.lua`), from the snapshot this table took, never from
//! the disk at run time.
//!
//! A table is immutable once built and shared by every worker through an
//! `ArcSwap` (see `server.rs`); a reload builds a whole new table. A
//! script that fails to compile keeps its last good version in the new
//! table, and the failure is kept beside it for `/readyz`, the log and
//! the metrics.

use crate::config::{Config, RequestLimits};
use lunar::{Program, State, StateBuilder, StdLib};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The hasher of maps keyed by route path: FNV-1a, far cheaper than the
/// default SipHash for a short path looked up on every request. The keys
/// stored are the server's own route paths, never a client's, so no
/// flooding resistance is needed: a client's path is only looked up,
/// and a lookup compares it with the few stored paths whose hash it
/// shares, however it was chosen.
pub(crate) struct PathHasher(u64);

impl Default for PathHasher {
    fn default() -> PathHasher {
        PathHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for PathHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by route path (see [`PathHasher`]).
pub(crate) type PathMap<V> = HashMap<String, V, BuildHasherDefault<PathHasher>>;

/// One route: its script, compiled, and its limits.
#[derive(Debug)]
pub struct Route {
    /// The path it serves (`/api/users`).
    pub path: String,
    /// The script's path under the served folder (`api/users.lua`), as
    /// error messages name the chunk.
    pub file: String,
    /// The compiled script.
    pub program: Program,
    /// The limits of each request.
    pub limits: RequestLimits,
    /// The script's source, to tell whether a reload changed it.
    source: Arc<[u8]>,
}

/// A route in a table, with its slot: its number in this table (0, 1,
/// 2...), so that a worker's per-route lists are indexed, not hashed.
struct Entry {
    route: Arc<Route>,
    slot: usize,
}

/// Every route of one generation of the served folder.
pub struct RouteTable {
    /// Routes by path.
    routes: PathMap<Entry>,
    /// The slots given out (one per insertion: a path inserted twice
    /// gets a new one, so no two entries share one).
    slots: usize,
    /// Scripts that failed to compile, by file: the compiler's message.
    pub failures: BTreeMap<String, String>,
    /// How many of those have no last good version serving.
    pub unserved: usize,
    /// Counts the tables built: workers drop the states of an older
    /// generation.
    pub generation: u64,
    /// Makes a request's state: the safe libraries and every script of
    /// the folder as a module for `require`.
    pub builder: StateBuilder,
}

impl std::fmt::Debug for RouteTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteTable")
            .field("routes", &self.routes.keys().collect::<Vec<_>>())
            .field("failures", &self.failures)
            .field("generation", &self.generation)
            .finish()
    }
}

impl RouteTable {
    /// An empty table (before the first scan).
    pub fn empty() -> RouteTable {
        RouteTable {
            routes: PathMap::default(),
            slots: 0,
            failures: BTreeMap::new(),
            unserved: 0,
            generation: 0,
            builder: base_builder(),
        }
    }

    /// The route serving `path` (a trailing `/` is ignored, except for
    /// `/` itself).
    #[cfg(test)]
    pub fn get(&self, path: &str) -> Option<&Arc<Route>> {
        self.get_slot(path).map(|(_, route)| route)
    }

    /// The route serving `path`, as [`RouteTable::get`], with its slot in
    /// this table: a small number (one per route the table was built
    /// with), its own among this table's routes (another table may give
    /// it to another route).
    pub fn get_slot(&self, path: &str) -> Option<(usize, &Arc<Route>)> {
        let trimmed = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        self.routes.get(trimmed).map(|e| (e.slot, &e.route))
    }

    /// Adds (or replaces) the route of `path`, with a new slot.
    fn insert(&mut self, path: String, route: Arc<Route>) {
        let slot = self.slots;
        self.slots += 1;
        self.routes.insert(path, Entry { route, slot });
    }

    /// The number of routes.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// The routes' paths, sorted.
    pub fn paths(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.routes.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Scans `config.dir` and compiles every script, keeping from
    /// `previous` the last good version of a script that no longer
    /// compiles (and the compiled program of one that did not change).
    /// Fails only when the folder itself cannot be read.
    pub fn scan(config: &Config, previous: &RouteTable) -> Result<RouteTable, String> {
        let root = &config.dir;
        let mut files = Vec::new();
        collect_scripts(root, root, &mut files)
            .map_err(|e| format!("cannot read {}: {e}", root.display()))?;
        files.sort();
        let mut table = RouteTable {
            routes: PathMap::default(),
            slots: 0,
            failures: BTreeMap::new(),
            unserved: 0,
            generation: previous.generation + 1,
            builder: base_builder(),
        };
        let mut builder = base_builder();
        let old_by_file: HashMap<&str, &Arc<Route>> = previous
            .routes
            .values()
            .map(|e| (e.route.file.as_str(), &e.route))
            .collect();
        for rel in files {
            let full = root.join(&rel);
            let file = rel_name(&rel);
            let source: Arc<[u8]> = match std::fs::read(&full) {
                Ok(s) => s.into(),
                Err(e) => {
                    // Deleted between the listing and the read, or
                    // unreadable: keep the old version if there is one.
                    table
                        .failures
                        .insert(file.clone(), format!("cannot read: {e}"));
                    if let Some(old) = old_by_file.get(file.as_str()) {
                        table.insert(old.path.clone(), Arc::clone(old));
                    }
                    continue;
                }
            };
            let module = module_name(&rel);
            builder = builder.module(&module, &source);
            let Some(path) = route_path(&rel) else {
                continue;
            };
            let old = old_by_file.get(file.as_str());
            if let Some(old) = old.filter(|o| o.source == source) {
                // Unchanged: same program, limits as configured now.
                let route = Route {
                    path: path.clone(),
                    file: file.clone(),
                    program: old.program.clone(),
                    limits: config.limits_for(&path),
                    source,
                };
                table.insert(path, Arc::new(route));
                continue;
            }
            match Program::compile(&file, &source).map_err(|e| e.to_string()).and_then(|p| {
                if returns_values(&p) {
                    Ok(p)
                } else {
                    Err(format!("{file}: the script returns no handler (it must end with `return function(req) ... end`)"))
                }
            }) {
                Ok(program) => {
                    let route = Route {
                        limits: config.limits_for(&path),
                        path: path.clone(),
                        file,
                        program,
                        source,
                    };
                    table.insert(path, Arc::new(route));
                }
                Err(e) => {
                    table.failures.insert(file, e);
                    match old {
                        Some(old) => {
                            table.insert(path, Arc::clone(old));
                        }
                        None => table.unserved += 1,
                    }
                }
            }
        }
        table.builder = builder;
        Ok(table)
    }
}

/// Whether a script's main function can return a value: a script with
/// no `return` of values cannot give a handler. This catches a file read
/// while an editor was rewriting it (empty, or cut after its last
/// complete statement), which must not replace the last good version.
fn returns_values(program: &Program) -> bool {
    use lunar_compile::OpCode;
    program.proto().code.iter().any(|i| match i.op() {
        Some(OpCode::Return) => i.b() != 1,
        Some(OpCode::Return1 | OpCode::TailCall) => true,
        _ => false,
    })
}

/// The libraries every request's state has: the safe set (no `io`, no
/// `os.execute`/`exit`/`remove`..., no binary chunks, `require` from the
/// folder's snapshot only).
fn base_builder() -> StateBuilder {
    State::builder().libs(StdLib::SAFE)
}

/// Adds the paths (relative to `root`) of the `.lua` files under `dir` to
/// `out`, skipping hidden files and folders.
pub(crate) fn collect_scripts(
    root: &Path,
    dir: &Path,
    out: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() || (kind.is_symlink() && path.is_dir()) {
            collect_scripts(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "lua")
            && let Ok(rel) = path.strip_prefix(root)
        {
            out.push(rel.to_path_buf());
        }
    }
    Ok(())
}

/// A relative path with `/` separators.
fn rel_name(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// The module name `require` finds a script by: `api/users.lua` is
/// `api.users`.
fn module_name(rel: &Path) -> String {
    let name = rel_name(rel);
    name.trim_end_matches(".lua").replace('/', ".")
}

/// The path a script serves, or `None` for a private one (a name
/// starting with `_` anywhere in its path).
fn route_path(rel: &Path) -> Option<String> {
    let name = rel_name(rel);
    if name.split('/').any(|part| part.starts_with('_')) {
        return None;
    }
    let stem = name.trim_end_matches(".lua");
    let path = match stem.strip_suffix("index") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => dir.trim_end_matches('/'),
        _ => stem,
    };
    Some(format!("/{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_scripts() {
        let p = |s: &str| route_path(Path::new(s));
        assert_eq!(p("api/users.lua").as_deref(), Some("/api/users"));
        assert_eq!(p("index.lua").as_deref(), Some("/"));
        assert_eq!(p("docs/index.lua").as_deref(), Some("/docs"));
        assert_eq!(p("reindex.lua").as_deref(), Some("/reindex"));
        assert_eq!(p("_lib/text.lua"), None);
        assert_eq!(p("api/_helpers.lua"), None);
        assert_eq!(module_name(Path::new("_lib/text.lua")), "_lib.text");
    }

    #[test]
    fn a_broken_script_keeps_its_last_good_version() {
        let dir = std::env::temp_dir().join(format!("lunar-routes-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("api")).unwrap();
        std::fs::write(dir.join("api/a.lua"), "return function() return 'a1' end").unwrap();
        std::fs::write(dir.join("b.lua"), "return function() return 'b' end").unwrap();
        let config = Config {
            dir: dir.clone(),
            ..Config::default()
        };
        let first = RouteTable::scan(&config, &RouteTable::empty()).unwrap();
        assert_eq!(first.paths(), ["/api/a", "/b"]);
        assert!(first.failures.is_empty());
        let a1 = Arc::clone(first.get("/api/a/").unwrap());

        std::fs::write(dir.join("api/a.lua"), "return function( end").unwrap();
        let second = RouteTable::scan(&config, &first).unwrap();
        assert!(Arc::ptr_eq(second.get("/api/a").unwrap(), &a1));
        let why = &second.failures["api/a.lua"];
        assert!(why.contains("api/a.lua:1:"), "{why}");
        assert_eq!((second.generation, second.unserved), (2, 0));

        // An empty file (as while an editor rewrites it) is no handler.
        std::fs::write(dir.join("api/a.lua"), "").unwrap();
        let second = RouteTable::scan(&config, &second).unwrap();
        assert!(Arc::ptr_eq(second.get("/api/a").unwrap(), &a1));
        assert!(second.failures["api/a.lua"].contains("returns no handler"));

        std::fs::write(dir.join("api/a.lua"), "return function() return 'a2' end").unwrap();
        let third = RouteTable::scan(&config, &second).unwrap();
        assert_eq!(third.generation, 4);
        assert!(third.failures.is_empty());
        assert!(!Arc::ptr_eq(third.get("/api/a").unwrap(), &a1));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn each_route_of_a_table_has_its_own_slot() {
        let dir = std::env::temp_dir().join(format!("lunar-slots-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("docs")).unwrap();
        for f in ["a.lua", "b.lua", "docs.lua", "docs/index.lua", "index.lua"] {
            std::fs::write(dir.join(f), "return function() return 1 end").unwrap();
        }
        let config = Config {
            dir: dir.clone(),
            ..Config::default()
        };
        let table = RouteTable::scan(&config, &RouteTable::empty()).unwrap();
        // `docs.lua` and `docs/index.lua` both serve `/docs`: one entry.
        assert_eq!(table.paths(), ["/", "/a", "/b", "/docs"]);
        let mut slots: Vec<usize> = table
            .paths()
            .iter()
            .map(|p| table.get_slot(p).unwrap().0)
            .collect();
        slots.sort_unstable();
        slots.dedup();
        assert_eq!(slots.len(), 4, "{slots:?}");
        assert!(slots.iter().all(|&s| s < table.slots));
        let (slot, route) = table.get_slot("/a/").unwrap();
        assert_eq!(
            (slot, route.path.as_str()),
            (table.get_slot("/a").unwrap().0, "/a")
        );
        assert!(table.get_slot("/c").is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
