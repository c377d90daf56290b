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
//! functions ([`State::register_async`]) and [`State::run_async`] returns a
//! future that is pending while the script waits on one: a server runs
//! thousands of waiting scripts on a few threads.
//!
//! Values that stay with the host ([`Table`], [`Function`],
//! [`LuaString`]…) are handles that keep their object alive; they belong
//! to the state that made them. Rust functions receive a [`Ctx`], which
//! offers what [`State`] offers. [`raw`] and [`vm`] are the lower layers,
//! for hosts that need the VM's native API.

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
pub use lunar_vm as vm;

/// The standard library, for hosts that open libraries one by one or set
/// its hooks (`stdlib::os::set_exit_hook`).
pub use lunar_stdlib as stdlib;
