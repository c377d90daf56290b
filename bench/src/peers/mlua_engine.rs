//! mlua with its vendored C Lua 5.4: the reference interpreter as Rust
//! programs embed it.

use super::Failure;
use std::path::Path;

/// Runs `file` with `arg` set, printing through Lua's own `print`.
pub fn run(file: &Path, size: &str) -> Result<(), Failure> {
    let src =
        std::fs::read(file).map_err(|e| Failure::Failed(format!("{}: {e}", file.display())))?;
    let lua = mlua::Lua::new();
    let err = |e: mlua::Error| Failure::classify(e.to_string());
    let arg = lua.create_table().map_err(err)?;
    arg.set(0, file.display().to_string()).map_err(err)?;
    arg.set(1, size).map_err(err)?;
    lua.globals().set("arg", arg).map_err(err)?;
    lua.load(&src[..])
        .set_name(format!("@{}", file.display()))
        .exec()
        .map_err(err)
}
