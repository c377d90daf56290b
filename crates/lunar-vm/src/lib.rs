//! Lunar's virtual machine: values, the per-state heap and its collector,
//! strings, tables, closures, the dispatch loop, calls, coroutines,
//! metamethods, errors and the native-function API that the standard
//! library and hosts are written against.
//!
//! Module ownership (while the port is under way):
//! - objects: `value`, `gc`, `string`, `table`, `number`, `numfmt`, `userdata`
//! - execution: `state`, `api`, `error`, `function`, `proto`, `vm`,
//!   `call`, `meta`, `coroutine`, `debug`, `hooks`
//!
//! How execution is organised: `vm` is the dispatch loop (one function,
//! two copies: with and without line/count hooks); `call` pushes frames,
//! moves results, drives the loop (`execute`) and recovers errors in
//! protected calls; `meta` has the operators' slow paths and metamethods,
//! run as frames of the loop with `call::finish_op` completing the
//! interrupted instruction; `coroutine` swaps thread stacks in and out of
//! the state; `debug` names values in messages and builds tracebacks;
//! `api` is the native-function API (its module docs describe calls with
//! continuations).

pub mod api;
mod call;
pub mod coroutine;
mod debug;
pub mod error;
pub mod function;
pub mod gc;
mod hooks;
pub mod image;
pub mod limits;
mod meta;
pub mod number;
pub mod numfmt;
pub mod proto;
pub mod roots;
pub mod state;
pub mod string;
pub mod table;
#[cfg(test)]
mod tests;
pub mod userdata;
pub mod value;
mod vm;

pub use debug::DebugInfo;
pub use error::{Error, RuntimeError};
pub use function::NativeFn;
pub use gc::Gc;
pub use limits::{InterruptHandle, Limit, Limits};
pub use roots::Root;
pub use state::{CoStatus, ContFn, LIB_SLOTS, State, Thread};
pub use string::LuaStr;
pub use table::Table;
pub use userdata::UserData;
pub use value::{Type, Value};
