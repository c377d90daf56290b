//! ianm199's lua-rs through its embedding crate `lua-rs-runtime`: a
//! pure-Rust Lua 5.4.

use super::{Failure, arg_prelude};
use std::path::Path;

/// Runs `file` with `arg` set, printing through lua-rs' `print`.
pub fn run(file: &Path, size: &str) -> Result<(), Failure> {
    let src =
        std::fs::read(file).map_err(|e| Failure::Failed(format!("{}: {e}", file.display())))?;
    let lua = lua_rs_runtime::Lua::new();
    let err = |e: lua_rs_runtime::Error| Failure::classify(e.to_string());
    lua.load(arg_prelude(file, size)).exec().map_err(err)?;
    lua.load(&src)
        .set_name(format!("@{}", file.display()))
        .exec()
        .map_err(err)
}
