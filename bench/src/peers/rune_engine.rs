//! Rune, an embeddable language with its own VM, for the register-versus-
//! stack table: it runs `programs/rune/NAME.rn` (the twin of
//! `programs/NAME.lua`, printing the same checksum line) by calling its
//! `main(N)`. A program without a Rune twin is unsupported.

use super::Failure;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The Rune twin of a Lua program file: `programs/NAME.lua` ->
/// `programs/rune/NAME.rn`.
pub fn twin(file: &Path) -> Option<PathBuf> {
    let stem = file.file_stem()?.to_str()?;
    Some(file.parent()?.join("rune").join(format!("{stem}.rn")))
}

/// Compiles the twin of `file` and calls its `main(size)`.
pub fn run(file: &Path, size: &str) -> Result<(), Failure> {
    let Some(path) = twin(file).filter(|p| p.is_file()) else {
        return Err(Failure::Unsupported(format!(
            "no Rune version of {}",
            file.display()
        )));
    };
    let n: i64 = size
        .parse()
        .map_err(|_| Failure::Failed(format!("size {size:?} is not an integer")))?;
    let src = std::fs::read_to_string(&path)
        .map_err(|e| Failure::Failed(format!("{}: {e}", path.display())))?;
    let fail = |e: &dyn std::fmt::Display| Failure::Failed(e.to_string());
    let context = rune::Context::with_default_modules().map_err(|e| fail(&e))?;
    let runtime = Arc::new(context.runtime().map_err(|e| fail(&e))?);
    let mut sources = rune::Sources::new();
    sources
        .insert(rune::Source::new(path.display().to_string(), src).map_err(|e| fail(&e))?)
        .map_err(|e| fail(&e))?;
    let mut diagnostics = rune::Diagnostics::new();
    let unit = rune::prepare(&mut sources)
        .with_context(&context)
        .with_diagnostics(&mut diagnostics)
        .build();
    if !diagnostics.is_empty() {
        let mut w = rune::termcolor::StandardStream::stderr(rune::termcolor::ColorChoice::Never);
        diagnostics.emit(&mut w, &sources).ok();
    }
    let unit = unit.map_err(|e| fail(&e))?;
    let mut vm = rune::Vm::new(runtime, Arc::new(unit));
    vm.call(["main"], (n,)).map_err(|e| fail(&e))?;
    Ok(())
}
