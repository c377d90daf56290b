//! tsuki: Lua 5.4 ported to Rust (via C2Rust, then rewritten).

use super::{Failure, arg_prelude};
use std::path::Path;
use tsuki::builtin::{BaseLib, CoroLib, IoLib, MathLib, StrLib, TableLib, Utf8Lib};

/// Runs `file` with `arg` set, printing through tsuki's `print`.
pub fn run(file: &Path, size: &str) -> Result<(), Failure> {
    let src =
        std::fs::read(file).map_err(|e| Failure::Failed(format!("{}: {e}", file.display())))?;
    let lua = tsuki::Lua::new(());
    let err = |e: &dyn std::fmt::Display| Failure::classify(e.to_string());
    lua.use_module(None, true, BaseLib).map_err(|e| err(&e))?;
    lua.use_module(None, true, CoroLib).map_err(|e| err(&e))?;
    lua.use_module(None, true, IoLib).map_err(|e| err(&e))?;
    lua.use_module(None, true, MathLib).map_err(|e| err(&e))?;
    lua.use_module(None, true, StrLib).map_err(|e| err(&e))?;
    lua.use_module(None, true, TableLib).map_err(|e| err(&e))?;
    lua.use_module(None, true, Utf8Lib).map_err(|e| err(&e))?;
    let th = lua.create_thread();
    let prelude = lua
        .load("arg", arg_prelude(file, size))
        .map_err(|e| err(&e))?;
    th.call::<()>(prelude, ()).map_err(|e| err(&e))?;
    let chunk = lua
        .load(file.display().to_string(), src)
        .map_err(|e| err(&e))?;
    th.call::<()>(chunk, ()).map_err(|e| err(&e))
}
