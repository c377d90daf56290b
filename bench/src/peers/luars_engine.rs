//! luars: a pure-Rust runtime that follows Lua 5.5 (where 5.5 differs
//! from 5.4, a program's checksum may differ; the report says so).

use super::{Failure, arg_prelude, read_source};
use luars::{Lua, LuaApi, LuaResult};
use std::path::Path;

/// Runs `file` with `arg` set, printing through luars' `print`.
pub fn run(file: &Path, size: &str) -> Result<(), Failure> {
    let src = read_source(file)?;
    let mut lua = Lua::new(luars::SafeOption::default());
    let r = lua.open_stdlibs(&[luars::Stdlib::All]);
    check(&mut lua, r)?;
    let r = lua.load(&arg_prelude(file, size)).exec();
    check(&mut lua, r)?;
    let r = lua
        .load(&src)
        .set_name(format!("@{}", file.display()))
        .exec();
    check(&mut lua, r)
}

/// luars' errors are one byte; the message is kept in the runtime.
fn check<T>(lua: &mut Lua, r: LuaResult<T>) -> Result<T, Failure> {
    r.map_err(|e| Failure::classify(lua.get_error_message(e).to_string()))
}
