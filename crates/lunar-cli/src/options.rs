//! The command line as the reference interpreter reads it (`lua.c`'s
//! `collectargs`): options before the script name, the script, and its
//! arguments; and the usage text printed for a bad option.

use std::io::Write;

/// What [`collect_args`] finds on the command line: the flags needed
/// before any Lua code runs, and where the script is. The `-e`, `-l` and
/// `-W` options are run later, in order, from [`option_args`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `-i`
    pub interactive: bool,
    /// `-v` (and `-i`)
    pub version: bool,
    /// `-e` was given
    pub exec: bool,
    /// `-E`
    pub no_env: bool,
    /// The index in `args` of the script name (`-` for stdin), or
    /// `args.len()` when there is none.
    pub script: usize,
    /// The index of the malformed option, or 0 when all are good.
    pub bad: usize,
}

/// Reads lua-style options up to the script name, with the rules of the
/// reference interpreter: options are whole words (`-iv` is not `-i -v`),
/// `-e` and `-l` take the rest of their word or the next word, which must
/// not start with `-`, `--` ends the options and `-` is the script read
/// from stdin. `args[0]` is the program name.
pub fn collect_args(args: &[Vec<u8>]) -> Options {
    let mut o = Options::default();
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        if a.first() != Some(&b'-') || a.len() == 1 {
            // A script name, or "-": the script is stdin.
            o.script = i;
            return o;
        }
        let whole = a.len() == 2; // nothing after the option letter
        match a[1] {
            b'-' => {
                if !whole {
                    o.bad = i;
                    return o;
                }
                o.script = i + 1;
                return o;
            }
            b'E' | b'W' | b'i' | b'v' if !whole => {
                o.bad = i;
                return o;
            }
            b'E' => o.no_env = true,
            b'W' => {}
            b'i' => {
                o.interactive = true;
                o.version = true;
            }
            b'v' => o.version = true,
            b'e' | b'l' => {
                if a[1] == b'e' {
                    o.exec = true;
                }
                if whole {
                    let next = args.get(i + 1);
                    if next.is_none_or(|n| n.first() == Some(&b'-')) {
                        o.bad = i;
                        return o;
                    }
                    i += 1;
                }
            }
            _ => {
                o.bad = i;
                return o;
            }
        }
        i += 1;
    }
    o.script = args.len();
    o
}

/// One option to run before the script, in command-line order.
#[derive(Debug, PartialEq, Eq)]
pub enum RunOption {
    /// `-e stat`
    Exec(Vec<u8>),
    /// `-l mod` or `-l g=mod`
    Library(Vec<u8>),
    /// `-W`
    Warnings,
}

/// Lists the `-e`, `-l` and `-W` options before the script, in order.
pub fn option_args(args: &[Vec<u8>], script: usize) -> Vec<RunOption> {
    let mut out = Vec::new();
    let mut i = 1;
    while i < script && i < args.len() {
        let a = &args[i];
        if a.len() >= 2 && a[0] == b'-' {
            match a[1] {
                b'e' | b'l' => {
                    let mut v = a[2..].to_vec();
                    if v.is_empty() && i + 1 < args.len() {
                        i += 1;
                        v = args[i].clone();
                    }
                    out.push(if a[1] == b'e' {
                        RunOption::Exec(v)
                    } else {
                        RunOption::Library(v)
                    });
                }
                b'W' => out.push(RunOption::Warnings),
                _ => {}
            }
        }
        i += 1;
    }
    out
}

/// The reference interpreter's option summary; `{}` is the program name.
const USAGE: &str = "usage: {} [options] [script [args]]
Available options are:
  -e stat   execute string 'stat'
  -i        enter interactive mode after executing 'script'
  -l mod    require library 'mod' into global 'mod'
  -l g=mod  require library 'mod' into global 'g'
  -v        show version information
  -E        ignore environment variables
  -W        turn warnings on
  --        stop handling options
  -         stop handling options and execute stdin
";

/// Reports a bad option and the usage text on `w`, as lua does.
pub fn print_usage(w: &mut dyn Write, progname: &[u8], bad_option: &[u8]) {
    let mut msg = progname.to_vec();
    if bad_option.len() > 1 && (bad_option[1] == b'e' || bad_option[1] == b'l') {
        msg.extend_from_slice(b": '");
        msg.extend_from_slice(bad_option);
        msg.extend_from_slice(b"' needs argument\n");
    } else {
        msg.extend_from_slice(b": unrecognized option '");
        msg.extend_from_slice(bad_option);
        msg.extend_from_slice(b"'\n");
    }
    let (head, tail) = USAGE
        .split_once("{}")
        .expect("usage text has a placeholder");
    msg.extend_from_slice(head.as_bytes());
    msg.extend_from_slice(progname);
    msg.extend_from_slice(tail.as_bytes());
    // Nothing sensible to do when stderr is gone.
    let _ = w.write_all(&msg);
    let _ = w.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<Vec<u8>> {
        std::iter::once("lunar")
            .chain(words.iter().copied())
            .map(|w| w.as_bytes().to_vec())
            .collect()
    }

    #[test]
    fn collects_options_before_the_script() {
        let a = args(&["-E", "-e", "x=1", "-lmod", "-W", "s.lua", "-v"]);
        let o = collect_args(&a);
        assert_eq!(o.script, 6);
        assert!(o.no_env && o.exec && !o.version && o.bad == 0);
        assert_eq!(
            option_args(&a, o.script),
            vec![
                RunOption::Exec(b"x=1".to_vec()),
                RunOption::Library(b"mod".to_vec()),
                RunOption::Warnings
            ]
        );
    }

    #[test]
    fn no_script_and_stdin() {
        assert_eq!(collect_args(&args(&[])).script, 1);
        assert_eq!(collect_args(&args(&["-v"])).script, 2);
        assert_eq!(collect_args(&args(&["-", "a"])).script, 1);
        assert_eq!(collect_args(&args(&["--"])).script, 2);
        assert_eq!(collect_args(&args(&["--", "-x"])).script, 2);
        let o = collect_args(&args(&["-i"]));
        assert!(o.interactive && o.version);
    }

    #[test]
    fn bad_options() {
        for (bad, at) in [
            (&["-x"][..], 1),
            (&["-vx"], 1),
            (&["-Ex"], 1),
            (&["--x"], 1),
            (&["-W1"], 1),
            (&["-e"], 1),
            (&["-e", "-v"], 1),
            (&["-i", "-l"], 2),
            (&["-v", "-l", "--", "x"], 2),
        ] {
            assert_eq!(collect_args(&args(bad)).bad, at, "{bad:?}");
        }
    }

    #[test]
    fn usage_text() {
        let mut out = Vec::new();
        print_usage(&mut out, b"lunar", b"-e");
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("lunar: '-e' needs argument\nusage: lunar [options]"));
        let mut out = Vec::new();
        print_usage(&mut out, b"lua", b"-x");
        assert!(
            String::from_utf8(out)
                .unwrap()
                .starts_with("lua: unrecognized option '-x'\n")
        );
    }
}
