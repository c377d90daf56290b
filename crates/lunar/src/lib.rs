//! Lunar: a Lua 5.4 interpreter to embed in Rust programs.
//!
//! Compile a script once into a [`Program`] (immutable, `Send + Sync`,
//! cheap to clone), then run it on any number of [`State`]s, each one a
//! Lua universe with its own heap, on any number of threads at once.
//!
//! ```
//! use lunar::Program;
//! use lunar::raw::{StateExt, Value};
//!
//! let program = Program::compile("sum.lua", b"
//!     local n = ...
//!     local total = 0
//!     for i = 1, n do total = total + i end
//!     return 'total', total
//! ").unwrap();
//!
//! let mut state = lunar::raw::new_state(); // the standard library is open
//! let results = state.run(&program, &[Value::Int(100)]).unwrap();
//! assert!(matches!(results[1], Value::Int(5050)));
//!
//! let failing = Program::compile("fail.lua", b"local t = nil\nreturn t.x").unwrap();
//! let err = state.run(&failing, &[]).unwrap_err();
//! assert_eq!(err.message, "fail.lua:2: attempt to index a nil value (local 't')");
//! ```
//!
//! This is the first, small version of the embedding API: compiling,
//! states with the standard library, running programs, and what hosts need
//! from the VM ([`State`]'s native API, [`Value`]) re-exported.

#![forbid(unsafe_code)]

mod program;
pub mod raw;

pub use program::{BINARY_SIGNATURE, Program, skip_comment};

pub use lunar_compile::Proto;
pub use lunar_syntax::SyntaxError;

/// The virtual machine, for hosts that need its native API directly.
pub use lunar_vm as vm;

/// The standard library, for hosts that open libraries one by one or set
/// its hooks (`stdlib::os::set_exit_hook`).
pub use lunar_stdlib as stdlib;
