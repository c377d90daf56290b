//! `--inproc ENGINE FILE SIZE`: runs one program inside this process, so
//! that the harness can time an embedded engine as a child process like
//! the others (start-up included, measured by GNU time). Besides Lunar,
//! the peer engines of [`crate::peers`] run here (with `--features peers`);
//! a peer that lacks a feature a program needs exits with
//! [`crate::peers::UNSUPPORTED_EXIT`], which the harness reports as
//! unsupported rather than failed.

use std::path::Path;
use std::process::ExitCode;

/// Runs `file` with `size` as `arg[1]` on the in-process engine `engine`,
/// printing what the program prints.
pub fn run_once(engine: &str, file: &Path, size: &str) -> ExitCode {
    let result = match engine {
        "lunar" => run_lunar(file, size),
        other => match crate::peers::run(other, file, size) {
            Some(Ok(())) => Ok(()),
            Some(Err(crate::peers::Failure::Failed(msg))) => Err(msg),
            Some(Err(crate::peers::Failure::Unsupported(msg))) => {
                eprintln!("lunar-bench: {}{msg}", crate::peers::UNSUPPORTED_PREFIX);
                return ExitCode::from(crate::peers::UNSUPPORTED_EXIT);
            }
            None if crate::peers::PEERS.iter().any(|p| p.name == other) => Err(format!(
                "{other} is not compiled in: build with --features peers"
            )),
            None => Err(format!("unknown in-process engine {other:?}")),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("lunar-bench: {msg}");
            ExitCode::from(1)
        }
    }
}

/// Lunar through its embedding crate: a state with the standard library,
/// `arg` set as the command would set it, the program compiled and run.
fn run_lunar(file: &Path, size: &str) -> Result<(), String> {
    use lunar::Program;
    use lunar::raw::{StateExt, Value};
    let src = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let name = format!("@{}", file.display());
    let program = Program::compile(&name, &src).map_err(|e| e.to_string())?;
    let mut state = lunar::raw::new_state();
    // Buffered, as the lunar command's output is when it is not a terminal.
    state.set_stdout(Box::new(std::io::BufWriter::new(std::io::stdout())));
    let arg = state.new_table(2, 0);
    let script = state.str_value(file.display().to_string().as_bytes());
    let size_v = state.str_value(size.as_bytes());
    state
        .raw_set(arg, Value::Int(0), script)
        .map_err(|_| "cannot set arg[0]".to_string())?;
    state
        .raw_set(arg, Value::Int(1), size_v)
        .map_err(|_| "cannot set arg[1]".to_string())?;
    state.set_global("arg", Value::Table(arg));
    state.run(&program, &[size_v]).map_err(|e| e.to_string())?;
    lunar::raw::flush_output(&mut state);
    lunar::raw::close_state(state);
    Ok(())
}
