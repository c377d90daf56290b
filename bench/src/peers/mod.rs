//! In-process peer engines: other Lua implementations (and Rune, a stack
//! VM) that Rust programs embed, run on the benchmark programs inside a
//! child copy of the harness (`lunar-bench --inproc ENGINE FILE SIZE`).
//!
//! The engines themselves are compiled in only with the `peers` cargo
//! feature, so that a plain `cargo build -p lunar-bench` stays fast; the
//! list of peers and the classification of their failures are always
//! here, so that the harness can name them as skipped.

#[cfg(feature = "peers")]
mod lua_rs_engine;
#[cfg(feature = "peers")]
mod luars_engine;
#[cfg(feature = "peers")]
mod mlua_engine;
#[cfg(feature = "peers")]
mod piccolo_engine;
pub mod regstack;
#[cfg(feature = "peers")]
mod rune_engine;
#[cfg(feature = "peers")]
mod tsuki_engine;

use std::path::Path;

/// One in-process peer engine.
#[derive(Clone, Copy, Debug)]
pub struct Peer {
    /// Name in flags and reports.
    pub name: &'static str,
    /// The crate and version it is built from, and what it implements.
    pub version: &'static str,
    /// Dispatch model, for the register-versus-stack table.
    pub vm: &'static str,
}

/// The peers, in report order.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "mlua",
        version: "mlua 0.12 (vendored C Lua 5.4)",
        vm: "register",
    },
    Peer {
        name: "piccolo",
        version: "piccolo 0.3 (pure Rust, stackless)",
        vm: "register",
    },
    Peer {
        name: "luars",
        version: "luars 0.26 (pure Rust, Lua 5.5)",
        vm: "register",
    },
    Peer {
        name: "lua-rs",
        version: "lua-rs-runtime 0.0.33 (ianm199's lua-rs, pure Rust)",
        vm: "register",
    },
    Peer {
        name: "tsuki",
        version: "tsuki 0.4 (Lua 5.4 ported to Rust)",
        vm: "register",
    },
    Peer {
        name: "rune",
        version: "rune 0.14 (its own language: programs/rune/NAME.rn)",
        vm: "stack (slot-addressed operands)",
    },
];

/// The exit status of `--inproc` when the engine lacks a feature the
/// program needs (as opposed to a real failure).
pub const UNSUPPORTED_EXIT: u8 = 3;

/// The prefix of the message an unsupported run prints on stderr; the
/// harness reads it back (see [`crate::results::is_unsupported`]).
pub const UNSUPPORTED_PREFIX: &str = "unsupported: ";

/// Why a peer could not run a program.
#[derive(Debug)]
#[cfg_attr(
    not(feature = "peers"),
    allow(dead_code, reason = "only the peers construct failures and run chunks")
)]
pub enum Failure {
    /// The engine lacks something the program needs (a library function,
    /// a file in its language).
    Unsupported(String),
    /// A real failure.
    Failed(String),
}

#[cfg_attr(
    not(feature = "peers"),
    allow(dead_code, reason = "only the peers construct failures and run chunks")
)]
impl Failure {
    /// Classifies an engine's error message: calling a missing library
    /// function, or an error that says "not supported"/"not implemented",
    /// is a missing feature; anything else is a failure.
    pub fn classify(msg: String) -> Failure {
        let lower = msg.to_ascii_lowercase();
        let missing = [
            "attempt to call a nil value",
            "expected function, found nil",
            "not supported",
            "unsupported",
            "not implemented",
            "unimplemented",
        ];
        if missing.iter().any(|m| lower.contains(m)) {
            Failure::Unsupported(msg)
        } else {
            Failure::Failed(msg)
        }
    }
}

/// Whether the peers were compiled in.
pub const ENABLED: bool = cfg!(feature = "peers");

/// Runs `file` with `size` on the peer `engine`; `None` when no peer has
/// that name (or the peers were not compiled in).
#[cfg(feature = "peers")]
pub fn run(engine: &str, file: &Path, size: &str) -> Option<Result<(), Failure>> {
    let r = match engine {
        "mlua" => mlua_engine::run(file, size),
        "piccolo" => piccolo_engine::run(file, size),
        "luars" => luars_engine::run(file, size),
        "lua-rs" => lua_rs_engine::run(file, size),
        "tsuki" => tsuki_engine::run(file, size),
        "rune" => rune_engine::run(file, size),
        _ => return None,
    };
    Some(r)
}

/// Without the `peers` feature no peer runs.
#[cfg(not(feature = "peers"))]
pub fn run(_engine: &str, _file: &Path, _size: &str) -> Option<Result<(), Failure>> {
    None
}

/// A Lua chunk that sets the global `arg` as the `lua` command would
/// (`arg[0]` the script, `arg[1]` the size), for engines whose table API
/// is more work than running a line of Lua.
#[cfg_attr(
    not(feature = "peers"),
    allow(dead_code, reason = "only the peers construct failures and run chunks")
)]
pub fn arg_prelude(file: &Path, size: &str) -> String {
    format!(
        "arg = {{ [0] = {}, {} }}",
        lua_quote(&file.display().to_string()),
        lua_quote(size)
    )
}

/// `s` as a Lua string literal.
#[cfg_attr(
    not(feature = "peers"),
    allow(dead_code, reason = "only the peers construct failures and run chunks")
)]
fn lua_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\{}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads a program file as text (the pure-Rust engines take `&str`).
#[cfg(feature = "peers")]
fn read_source(file: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(file).map_err(|e| Failure::Failed(format!("{}: {e}", file.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_library_functions_are_unsupported() {
        let f = Failure::classify("input:3: attempt to call a nil value (field 'format')".into());
        assert!(matches!(f, Failure::Unsupported(_)));
        let f = Failure::classify("runtime error: type error, expected function, found nil".into());
        assert!(matches!(f, Failure::Unsupported(_)));
        let f = Failure::classify("input:3: attempt to index a nil value".into());
        assert!(matches!(f, Failure::Failed(_)));
    }

    #[test]
    fn the_arg_prelude_quotes_its_strings() {
        let p = arg_prelude(Path::new("/a \"b\"\\c.lua"), "36");
        assert_eq!(p, r#"arg = { [0] = "/a \"b\"\\c.lua", "36" }"#);
    }

    #[test]
    fn every_peer_has_a_distinct_name() {
        for (i, a) in PEERS.iter().enumerate() {
            assert!(
                PEERS[i + 1..].iter().all(|b| b.name != a.name),
                "{} twice",
                a.name
            );
        }
    }
}
