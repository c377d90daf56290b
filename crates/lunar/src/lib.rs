//! Lunar: a Lua 5.4 interpreter to embed in Rust programs.
//!
//! The whole host loop: compile a script once into a [`Program`]
//! (immutable, `Send + Sync`, cheap to clone), make a [`State`] per
//! thread or per request (each one a Lua universe with its own heap), set
//! its [`Limits`], give it Rust functions, run, and read the results as
//! Rust values.
//!
//! ```
//! use lunar::{Limits, Program, State};
//!
//! let program = Program::compile("filter.lua", r#"
//!     local request = ...
//!     if not allowed(request.path) then
//!         return false, "forbidden: " .. request.path
//!     end
//!     return true
//! "#).unwrap();
//!
//! let mut state = State::new();
//! state.set_limits(Limits { instructions: Some(10_000_000), ..Default::default() });
//! state.register("allowed", |_, path: String| Ok(!path.starts_with("/admin"))).unwrap();
//!
//! let request = std::collections::HashMap::from([("path", "/admin/users")]);
//! let (ok, why): (bool, Option<String>) = state.run_with(&program, request).unwrap();
//! assert!(!ok);
//! assert_eq!(why.as_deref(), Some("forbidden: /admin/users"));
//!
//! // Errors name the chunk, line and variable; limits name the limit.
//! let err = state.exec::<()>("bad.lua", "local t = nil\nreturn t.x").unwrap_err();
//! assert_eq!(err.message(), "bad.lua:2: attempt to index a nil value (local 't')");
//! let err = state.exec::<()>("spin.lua", "while true do end").unwrap_err();
//! assert_eq!(err.limit(), Some(lunar::Limit::Instructions));
//! ```
//!
//! With the `async` feature (on by default), `async fn`s become Lua
//! functions (`State::register_async`) and `State::run_async` returns a
//! future that is pending while the script waits on one: a server runs
//! thousands of waiting scripts on a few threads.
//!
//! Values that stay with the host ([`Table`], [`Function`],
//! [`LuaString`]…) are handles that keep their object alive; they belong
//! to the state that made them. Rust functions receive a [`Ctx`], which
//! offers what [`State`] offers. [`raw`] and [`vm`] are the lower layers,
//! for hosts that need the VM's native API.
//!
//! Where to go next: [`IntoLua`]/[`FromLua`] for the conversion rules,
//! [`UserData`] to give scripts Rust values with methods, `Serde` (feature
//! `serde`, on by default) for any `Serialize`/`Deserialize` type, [`Pool`]
//! for a state per worker thread, reset after each use, and [`Error`] for
//! what a failure carries (kind, message, Lua value, traceback, Rust
//! cause).

#![forbid(unsafe_code)]

#[cfg(feature = "async")]
mod async_host;
mod convert;
mod error;
mod handles;
mod host;
mod pool;
mod program;
pub mod raw;
#[cfg(feature = "serde")]
mod serde;
mod state;
mod userdata;
mod value;

pub use convert::{FromLua, FromLuaMulti, IntoLua, IntoLuaMulti, MultiValue, Variadic};
pub use error::{Error, ErrorKind, Result, TraceFrame};
pub use program::{BINARY_SIGNATURE, Program, skip_comment};
pub use state::{Ctx, Lua, State, StateBuilder, StdLib};
pub use value::{AnyUserData, Function, LuaString, Table, Thread, Value};

#[cfg(feature = "serde")]
pub use self::serde::Serde;
pub use pool::{Pool, PooledState};
pub use userdata::{MetaMethod, UserData, UserDataFields, UserDataMethods};

pub use lunar_compile::Proto;
pub use lunar_syntax::SyntaxError;
pub use lunar_vm::{InterruptHandle, Limit, Limits};

/// The virtual machine, for hosts that need its native API directly.
///
/// ```
/// use lunar::vm::Value;
/// let mut state = lunar::State::new();
/// let vm: &mut lunar::vm::State = state.vm();
/// let t = vm.new_table(0, 1);
/// vm.set_field(t, "x", Value::Int(1));
/// vm.set_global("t", Value::Table(t));
/// assert_eq!(state.exec::<i64>("t.lua", "return t.x + 1").unwrap(), 2);
/// ```
pub use lunar_vm as vm;

/// The standard library, for hosts that open libraries one by one or set
/// its hooks (`stdlib::os::set_exit_hook`).
///
/// ```
/// // `os.exit` hands the status back instead of ending the process.
/// fn no_exit(vm: &mut lunar::vm::State) -> Result<usize, lunar::vm::Error> {
///     let status = vm.arg(1);
///     vm.push(status);
///     Ok(1)
/// }
/// let mut state = lunar::State::new();
/// lunar::stdlib::os::set_exit_hook(state.vm(), no_exit);
/// assert_eq!(state.exec::<i64>("t.lua", "return os.exit(3)").unwrap(), 3);
/// ```
pub use lunar_stdlib as stdlib;
