//! Lunar's own tools, as subcommands of `lunar`: `compile` (a binary chunk,
//! as luac writes), `disasm` (a `luac -l -l` listing), `serve`, `stress`,
//! `version` and `help`. A script with the same name as a tool still runs as
//! `lunar ./name` or `lunar -- name`.
//!
//! The tools parse their options with clap; the lua-compatible options of
//! the command itself keep lua's exact syntax and are parsed by hand
//! (`options.rs`).

use crate::load::{file_error, path_of, to_os};
use clap::{Arg, ArgAction, Command};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::sync::Arc;

/// A subcommand: gets the arguments after its name, returns the exit
/// status.
type Tool = fn(&[Vec<u8>]) -> i32;

/// The subcommands, by name.
const TOOLS: &[(&str, Tool)] = &[
    ("compile", cmd_compile),
    ("disasm", cmd_disasm),
    ("help", cmd_help),
    ("serve", crate::serve::cmd_serve),
    ("stress", crate::stress::cmd_stress),
    ("version", cmd_version),
];

/// The tool named by `name`, if there is one.
pub fn find(name: &[u8]) -> Option<Tool> {
    TOOLS
        .iter()
        .find(|(n, _)| n.as_bytes() == name)
        .map(|&(_, t)| t)
}

/// What `lunar help` prints.
const HELP_TEXT: &str = "\
Lunar runs Lua 5.4 programs; it is a drop-in for the lua command.

usage: lunar [options] [script [args]]
       lunar <command> [arguments]

Options (as lua's):
  -e stat   execute string 'stat'
  -i        enter interactive mode after executing 'script'
  -l mod    require library 'mod' into global 'mod'
  -l g=mod  require library 'mod' into global 'g'
  -v        show version information
  -E        ignore environment variables
  -W        turn warnings on
  --        stop handling options
  -         stop handling options and execute stdin

The script gets its arguments as '...' and in the global table arg (arg[0]
is the script, negative indices hold the interpreter and its options).
Without a script, lunar starts the interactive loop when stdin is a
terminal, and runs the program on stdin otherwise.

Commands:
  lunar compile [-o out.luac] [-s] file.lua
                      precompile a chunk to a binary chunk (default output
                      luac.out, '-o -' for stdout; -s strips debug
                      information); run it with lunar out.luac
  lunar disasm file.lua...
                      list the bytecode of every function, as luac -l -l
  lunar serve DIR [--listen ADDR:PORT] [--workers N] [--config FILE]
                      serve every script under DIR as an HTTP route
                      (DIR/api/users.lua serves /api/users); see
                      lunar help serve
  lunar stress [--quick] [--out DIR] [--target URL]
                      the five pre-launch stress tests of lunar serve
                      (stepped load to saturation, scaling across
                      cores, cold start, mixed CPU and I/O, soak with
                      faults), written to DIR/report.html and
                      DIR/report.json; see lunar help stress
  lunar version       print the version of Lunar, of the Rust compiler that
                      built it and the platform
  lunar help [command]
                      print this text, or the options of a command

A script named like a command runs as \"lunar ./name\" or \"lunar -- name\".

Environment:
  LUA_INIT_5_4, LUA_INIT
                      Lua code run before the script, or @file to run a
                      file (LUA_INIT only when LUA_INIT_5_4 is not set;
                      neither under -E)
  LUA_PATH_5_4, LUA_PATH, LUA_CPATH_5_4, LUA_CPATH
                      search paths of require (package library; not
                      under -E)
  LUNAR_HISTORY       history file of the interactive loop (default
                      ~/.lunar_history; empty: no history)

Interactive loop: a line is run as an expression when it is one (its values
are printed: \"> 1+1\" prints 2; \"=expr\" works too), as a statement
otherwise; an incomplete statement continues on \">> \" lines. On a terminal:
line editing, history (arrows, Ctrl-R) and Tab completion of names and
fields (string.fo<Tab>); Ctrl-C stops a running chunk or drops the line
being typed; Ctrl-D on an empty line leaves.
";

/// The command-line syntax of a tool, for clap.
fn tool_command(name: &'static str) -> Command {
    let base = Command::new(format!("lunar {name}"))
        .bin_name(format!("lunar {name}"))
        .disable_version_flag(true);
    match name {
        "compile" => base
            .about("Precompiles a Lua chunk to a binary chunk, as luac does")
            .override_usage("lunar compile [-o out.luac] [-s] file.lua")
            .arg(
                Arg::new("output")
                    .short('o')
                    .value_name("FILE")
                    .value_parser(clap::value_parser!(OsString))
                    .default_value("luac.out")
                    .help("write the binary chunk to FILE ('-' for stdout)"),
            )
            .arg(
                Arg::new("strip")
                    .short('s')
                    .action(ArgAction::SetTrue)
                    .help("strip debug information (line numbers, local names)"),
            )
            .arg(
                Arg::new("file")
                    .required(true)
                    .value_parser(clap::value_parser!(OsString))
                    .help("the source file ('-' for stdin) or a binary chunk"),
            ),
        "disasm" => base
            .about("Lists the bytecode of every function of chunks, as luac -l -l")
            .override_usage("lunar disasm file.lua...")
            .arg(
                Arg::new("files")
                    .required(true)
                    .num_args(1..)
                    .value_parser(clap::value_parser!(OsString))
                    .help("source files ('-' for stdin) or binary chunks"),
            ),
        "serve" => crate::serve::command(base),
        "stress" => crate::stress::command(base),
        "version" => base
            .about("Prints the version of Lunar, of its Rust compiler and the platform")
            .override_usage("lunar version"),
        _ => base
            .about("Prints the help of lunar, or of one of its commands")
            .override_usage("lunar help [command]")
            .arg(Arg::new("command").help("the command to describe")),
    }
}

/// Parses a tool's arguments; on an error (or `--help`) prints clap's
/// message and gives the exit status (2 for a usage error, 0 for help).
pub fn parse(name: &'static str, args: &[Vec<u8>]) -> Result<clap::ArgMatches, i32> {
    let words = std::iter::once(OsString::from(format!("lunar {name}")))
        .chain(args.iter().map(|a| to_os(a)));
    match tool_command(name).try_get_matches_from(words) {
        Ok(m) => Ok(m),
        Err(e) => {
            let _ = e.print();
            Err(e.exit_code())
        }
    }
}

/// Prints "lunar TOOL: message" on stderr.
pub fn tool_error(name: &str, msg: &[u8]) {
    let mut line = format!("lunar {name}: ").into_bytes();
    line.extend_from_slice(msg);
    line.push(b'\n');
    let _ = std::io::stderr().lock().write_all(&line);
}

/// Writes `bytes` to stdout; a closed stdout is not an error worth a
/// message (as `luac -l | head`).
fn write_stdout(bytes: &[u8]) -> bool {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|_| out.flush()).is_ok()
}

/// `lunar help [command]`
fn cmd_help(args: &[Vec<u8>]) -> i32 {
    let m = match parse("help", args) {
        Ok(m) => m,
        Err(status) => return status,
    };
    match m.get_one::<String>("command") {
        None => {
            write_stdout(HELP_TEXT.as_bytes());
            0
        }
        Some(c) => match TOOLS.iter().find(|(n, _)| n == c) {
            Some((n, _)) => {
                let help = tool_command(n).render_help();
                write_stdout(help.to_string().as_bytes());
                0
            }
            None => {
                tool_error("help", format!("unknown command '{c}'").as_bytes());
                2
            }
        },
    }
}

/// The version line of the interpreter (`lunar -v`).
pub const VERSION_TEXT: &str = concat!(
    "Lua 5.4.7 (Lunar ",
    env!("CARGO_PKG_VERSION"),
    ")  Copyright (C) 1994-2024 Lua.org, PUC-Rio; Lunar in Rust"
);

/// What `lunar version` prints: the interpreter's version line, then
/// Lunar's version, the compiler that built it and the target.
pub fn version_text() -> String {
    format!(
        "{VERSION_TEXT}\nlunar {} {} {}\n",
        env!("CARGO_PKG_VERSION"),
        env!("LUNAR_RUSTC_VERSION"),
        env!("LUNAR_TARGET"),
    )
}

/// `lunar version`
fn cmd_version(args: &[Vec<u8>]) -> i32 {
    if let Err(status) = parse("version", args) {
        return status;
    }
    write_stdout(version_text().as_bytes());
    0
}

/// Reads a chunk for the tools (`-` is stdin) and returns its main
/// function's prototype: source text is compiled, a binary chunk is
/// loaded (and verified). The message of a failure is worded as lua's.
pub fn read_proto(name: &[u8]) -> Result<Arc<lunar::Proto>, Vec<u8>> {
    let (src, chunk_name) = if name == b"-" {
        let mut src = Vec::new();
        if let Err(e) = std::io::stdin().lock().read_to_end(&mut src) {
            return Err(file_error("read", b"stdin", &e).0);
        }
        (src, b"=stdin".to_vec())
    } else {
        let src = std::fs::read(path_of(name)).map_err(|e| file_error("open", name, &e).0)?;
        let mut chunk_name = b"@".to_vec();
        chunk_name.extend_from_slice(name);
        (src, chunk_name)
    };
    let src = lunar::skip_comment(&src);
    if src.starts_with(lunar::BINARY_SIGNATURE) {
        return lunar_compile::undump(src, &chunk_name).map_err(|e| e.message());
    }
    let chunk_name = String::from_utf8_lossy(&chunk_name);
    lunar_compile::compile_source(&chunk_name, src).map_err(|e| e.to_bytes())
}

/// `lunar compile [-o FILE] [-s] file.lua`: writes the binary chunk of a
/// file's main function, as luac does; lunar runs it like the source.
fn cmd_compile(args: &[Vec<u8>]) -> i32 {
    let m = match parse("compile", args) {
        Ok(m) => m,
        Err(status) => return status,
    };
    let file = m.get_one::<OsString>("file").expect("required");
    let output = m.get_one::<OsString>("output").expect("has a default");
    let strip = m.get_flag("strip");
    let proto = match read_proto(&crate::os_bytes(file.clone())) {
        Ok(p) => p,
        Err(msg) => {
            tool_error("compile", &msg);
            return 1;
        }
    };
    let chunk = lunar_compile::dump(&proto, strip);
    if output == "-" {
        return if write_stdout(&chunk) { 0 } else { 1 };
    }
    if let Err(e) = std::fs::write(output, &chunk) {
        let name = crate::os_bytes(output.clone());
        tool_error("compile", &file_error("write", &name, &e).0);
        return 1;
    }
    0
}

/// `lunar disasm file.lua...`: the listing of every function of each
/// file, as `luac -l -l` prints it (functions numbered instead of
/// addresses).
fn cmd_disasm(args: &[Vec<u8>]) -> i32 {
    let m = match parse("disasm", args) {
        Ok(m) => m,
        Err(status) => return status,
    };
    for file in m.get_many::<OsString>("files").expect("required") {
        let proto = match read_proto(&crate::os_bytes(file.clone())) {
            Ok(p) => p,
            Err(msg) => {
                tool_error("disasm", &msg);
                return 1;
            }
        };
        let listing = lunar_compile::disassemble(&proto, true);
        if !write_stdout(listing.as_bytes()) {
            return 1;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_are_found_by_exact_name() {
        for (name, _) in TOOLS {
            assert!(find(name.as_bytes()).is_some());
        }
        assert!(find(b"compil").is_none());
        assert!(find(b"./compile").is_none());
        assert!(find(b"").is_none());
    }

    #[test]
    fn every_tool_has_a_valid_command_line() {
        for (name, _) in TOOLS {
            tool_command(name).debug_assert();
        }
    }

    #[test]
    fn help_names_every_tool() {
        for (name, _) in TOOLS {
            assert!(HELP_TEXT.contains(&format!("  lunar {name}")), "{name}");
        }
    }

    #[test]
    fn version_text_names_the_compiler_and_target() {
        let v = version_text();
        let lines: Vec<&str> = v.lines().collect();
        assert_eq!(lines[0], VERSION_TEXT);
        assert!(lines[1].starts_with(concat!("lunar ", env!("CARGO_PKG_VERSION"), " rustc ")));
        assert!(lines[1].ends_with(env!("LUNAR_TARGET")));
    }
}
