//! piccolo: a stackless pure-Rust Lua VM. Version 0.3 lacks `tonumber`
//! and `string.format`, which every benchmark program calls once to read
//! its size and print its checksum; the harness supplies small Rust
//! versions of both (see [`format`]), so the time measured is piccolo's
//! own except for those few calls. Other missing functions make a program
//! unsupported, and so do arithmetic metamethods, which piccolo 0.3 does
//! not call ("cannot add values").

use super::{Failure, arg_prelude, read_source};
use piccolo::{Callback, CallbackReturn, Closure, Executor, IntoValue, Lua, Table, Value};
use std::path::Path;

/// Runs `file` with `arg` set, printing through piccolo's `print`.
pub fn run(file: &Path, size: &str) -> Result<(), Failure> {
    let src = read_source(file)?;
    let mut lua = Lua::full();
    lua.enter(install_shims);
    let name = file.display().to_string();
    for (chunk_name, code) in [("arg", arg_prelude(file, size)), (name.as_str(), src)] {
        let ex = lua
            .try_enter(|ctx| {
                let c = Closure::load(ctx, Some(chunk_name), code.as_bytes())?;
                Ok(ctx.stash(Executor::start(ctx, c.into(), ())))
            })
            .map_err(|e| classify(e.to_string()))?;
        lua.execute::<()>(&ex)
            .map_err(|e| classify(e.to_string()))?;
    }
    Ok(())
}

/// [`Failure::classify`], plus piccolo's refusal of arithmetic on tables
/// (it has no arithmetic metamethods).
fn classify(msg: String) -> Failure {
    let ops = [
        "add",
        "subtract",
        "multiply",
        "float divide",
        "floor divide",
        "modulo",
        "exponentiate",
        "compare",
    ];
    let no_metamethod = ops
        .iter()
        .any(|op| msg.contains(&format!("cannot {op} value")));
    if no_metamethod {
        Failure::Unsupported(format!("{msg} (no arithmetic metamethods)"))
    } else {
        Failure::classify(msg)
    }
}

/// Adds `tonumber` and `string.format` where piccolo has none.
fn install_shims(ctx: piccolo::Context<'_>) {
    if ctx.get_global("tonumber").is_nil() {
        let f = Callback::from_fn(&ctx, |ctx, _, mut stack| {
            let v = stack.get(0);
            let out = match v {
                Value::Integer(_) | Value::Number(_) => v,
                Value::String(s) => match parse_number(s.as_bytes()) {
                    Some(Num::Int(i)) => Value::Integer(i),
                    Some(Num::Float(f)) => Value::Number(f),
                    None => Value::Nil,
                },
                _ => Value::Nil,
            };
            stack.replace(ctx, out);
            Ok(CallbackReturn::Return)
        });
        ctx.set_global("tonumber", f).ok();
    }
    let Value::Table(string) = ctx.get_global("string") else {
        return;
    };
    if string.get(ctx, "format").is_nil() {
        let f = Callback::from_fn(&ctx, |ctx, _, mut stack| {
            let args: Vec<Arg> = (0..stack.len())
                .map(|i| match stack.get(i) {
                    Value::Integer(n) => Arg::Int(n),
                    Value::Number(x) => Arg::Num(x),
                    Value::String(s) => Arg::Str(s.as_bytes().to_vec()),
                    other => Arg::Other(other.type_name().to_string()),
                })
                .collect();
            let Some((Arg::Str(fmt), rest)) = args.split_first() else {
                return Err("bad argument #1 to 'format' (string expected)"
                    .into_value(ctx)
                    .into());
            };
            match format(fmt, rest) {
                Ok(bytes) => {
                    stack.replace(ctx, ctx.intern(&bytes));
                    Ok(CallbackReturn::Return)
                }
                Err(msg) => Err(msg.into_value(ctx).into()),
            }
        });
        Table::set(string, ctx, "format", f).ok();
    }
}

/// A number read from a string.
enum Num {
    Int(i64),
    Float(f64),
}

fn parse_number(s: &[u8]) -> Option<Num> {
    let t = std::str::from_utf8(s).ok()?.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(Num::Int(i));
    }
    t.parse::<f64>().ok().map(Num::Float)
}

/// One argument of the `string.format` shim.
#[derive(Debug)]
pub enum Arg {
    /// An integer.
    Int(i64),
    /// A float.
    Num(f64),
    /// A string's bytes.
    Str(Vec<u8>),
    /// Anything else, by type name.
    Other(String),
}

/// A small `string.format`: flags `-` and `0`, width, precision, and the
/// conversions `d i s f x %`; anything else is reported as unsupported, so
/// that a program needing it is a note in the report, not a wrong result.
pub fn format(fmt: &[u8], args: &[Arg]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut args = args.iter();
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        i += 1;
        if c != b'%' {
            out.push(c);
            continue;
        }
        let (mut left, mut zero) = (false, false);
        while i < fmt.len() && matches!(fmt[i], b'-' | b'0') {
            left |= fmt[i] == b'-';
            zero |= fmt[i] == b'0';
            i += 1;
        }
        let mut width = 0usize;
        while i < fmt.len() && fmt[i].is_ascii_digit() {
            width = width * 10 + (fmt[i] - b'0') as usize;
            i += 1;
        }
        let mut prec = None;
        if i < fmt.len() && fmt[i] == b'.' {
            i += 1;
            let mut p = 0usize;
            while i < fmt.len() && fmt[i].is_ascii_digit() {
                p = p * 10 + (fmt[i] - b'0') as usize;
                i += 1;
            }
            prec = Some(p);
        }
        let Some(&conv) = fmt.get(i) else {
            return Err("invalid conversion '%' to 'format'".into());
        };
        i += 1;
        let body: Vec<u8> = match conv {
            b'%' => {
                out.push(b'%');
                continue;
            }
            b'd' | b'i' => match args.next() {
                Some(Arg::Int(n)) => n.to_string().into_bytes(),
                Some(Arg::Num(x)) if x.fract() == 0.0 => (*x as i64).to_string().into_bytes(),
                _ => {
                    return Err(
                        "bad argument to 'format' (number has no integer representation)".into(),
                    );
                }
            },
            b'x' => match args.next() {
                Some(Arg::Int(n)) => format!("{n:x}").into_bytes(),
                _ => return Err("bad argument to 'format' (integer expected)".into()),
            },
            b'f' => match args.next() {
                Some(Arg::Int(n)) => format!("{:.*}", prec.unwrap_or(6), *n as f64).into_bytes(),
                Some(Arg::Num(x)) => format!("{:.*}", prec.unwrap_or(6), x).into_bytes(),
                _ => return Err("bad argument to 'format' (number expected)".into()),
            },
            b's' => {
                let mut s = match args.next() {
                    Some(Arg::Str(s)) => s.clone(),
                    Some(Arg::Int(n)) => n.to_string().into_bytes(),
                    Some(Arg::Num(x)) => format!("{x}").into_bytes(),
                    Some(Arg::Other(t)) => {
                        return Err(format!("string.format: %s of a {t} is not supported"));
                    }
                    None => return Err("bad argument to 'format' (no value)".into()),
                };
                if let Some(p) = prec {
                    s.truncate(p);
                }
                s
            }
            other => {
                return Err(format!(
                    "string.format: conversion '%{}' is not supported",
                    other as char
                ));
            }
        };
        let pad = width.saturating_sub(body.len());
        if left {
            out.extend_from_slice(&body);
            out.extend(std::iter::repeat_n(b' ', pad));
        } else if zero && conv != b's' {
            // Zeros go after a sign.
            let (sign, digits) = if body.first() == Some(&b'-') {
                body.split_at(1)
            } else {
                body.split_at(0)
            };
            out.extend_from_slice(sign);
            out.extend(std::iter::repeat_n(b'0', pad));
            out.extend_from_slice(digits);
        } else {
            out.extend(std::iter::repeat_n(b' ', pad));
            out.extend_from_slice(&body);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_shim_formats_what_the_programs_print() {
        let f = |fmt: &str, args: &[Arg]| {
            String::from_utf8(format(fmt.as_bytes(), args).unwrap()).unwrap()
        };
        assert_eq!(
            f("fib(%d) = %d", &[Arg::Int(20), Arg::Int(6765)]),
            "fib(20) = 6765"
        );
        assert_eq!(
            f(
                "%.9f|%5d|%-3s|%05d|%%",
                &[
                    Arg::Num(0.5),
                    Arg::Int(42),
                    Arg::Str(b"a".to_vec()),
                    Arg::Int(-7)
                ]
            ),
            "0.500000000|   42|a  |-0007|%"
        );
        assert!(
            format(b"%g", &[Arg::Num(1.0)])
                .unwrap_err()
                .contains("not supported")
        );
    }
}
