//! Lunar's compiler back end for Lua 5.4: the register instruction set
//! ([`OpCode`], [`Instruction`]), function prototypes ([`Proto`]), the
//! disassembler, binary chunks (dump and undump) and the verifier that
//! establishes what the VM relies on, and the compiler from
//! `lunar-syntax`'s AST to a [`Proto`].
//!
//! This crate knows nothing of runtime values: constants are plain
//! [`Constant`]s, converted by the VM once, when a program is loaded.

#![forbid(unsafe_code)]

// Instruction set, prototypes, disassembler, chunks and verifier.
pub mod chunk;
pub mod disasm;
pub mod instruction;
pub mod opcodes;
pub mod proto;
pub mod verify;

pub use chunk::{ChunkError, dump, undump};
pub use disasm::disassemble;
pub use instruction::Instruction;
pub use opcodes::{NUM_OPCODES, OpCode, OpFormat, TagMethod};
pub use proto::{Constant, LocVar, Proto, UpvalueDesc, VarKind};
pub use verify::{VerifyError, verify};

// The compiler (AST -> Proto).
pub mod compiler;
pub use compiler::{
    CompileOptions, compile, compile_source, compile_source_mode, compile_with_options,
};
