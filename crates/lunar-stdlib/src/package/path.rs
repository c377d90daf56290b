//! The package library's path logic, free of the VM: the default paths,
//! `package.path`/`package.cpath` from the environment with ";;"
//! expansion (loadlib.c's `setpath`), and the template search of
//! `package.searchpath` (`searchpath`).

/// The default `package.path`: the reference's `LUA_PATH_DEFAULT` for
/// `LUA_ROOT` "/usr/local/".
pub const DEFAULT_PATH: &str = "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;\
/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;\
./?.lua;./?/init.lua";

/// The default `package.cpath`: the reference's `LUA_CPATH_DEFAULT`.
pub const DEFAULT_CPATH: &str =
    "/usr/local/lib/lua/5.4/?.so;/usr/local/lib/lua/5.4/loadall.so;./?.so";

/// `package.config`: the directory separator, the path separator, the
/// substitution mark, the executable-directory mark and the mark that
/// ends a C library's open-function name.
pub const CONFIG: &str = "/\n;\n?\n!\n-\n";

/// The initial value of a path: `given` (with ";;" expanded) when
/// present, else the environment's `{env}_5_4` or `{env}` variable (with
/// ";;" expanded) unless `no_env`, else `dft`. `getenv` reads a variable
/// (the process environment in the library, a fake one in tests).
pub fn init_path(
    given: Option<&[u8]>,
    env: &str,
    dft: &str,
    no_env: bool,
    getenv: impl Fn(&str) -> Option<Vec<u8>>,
) -> Vec<u8> {
    init_path_from(given, &format!("{env}_5_4"), env, dft, no_env, getenv).into_owned()
}

/// [`init_path`] with the versioned variable's name given (`env_5_4`, as
/// `LUA_PATH_5_4`), borrowing `dft` when it is the result: what the
/// library calls when a state opens it (no copy of the default path).
pub(crate) fn init_path_from<'a>(
    given: Option<&[u8]>,
    env_5_4: &str,
    env: &str,
    dft: &'a str,
    no_env: bool,
    getenv: impl Fn(&str) -> Option<Vec<u8>>,
) -> std::borrow::Cow<'a, [u8]> {
    if let Some(g) = given {
        return expand_default(g, dft.as_bytes()).into();
    }
    if no_env {
        return dft.as_bytes().into();
    }
    match getenv(env_5_4).or_else(|| getenv(env)) {
        Some(v) => expand_default(&v, dft.as_bytes()).into(),
        None => dft.as_bytes().into(),
    }
}

/// Replaces the first ";;" of `p` by ";" + `dft` + ";", without the
/// separators at either end of `p` (the reference's `setpath`).
pub fn expand_default(p: &[u8], dft: &[u8]) -> Vec<u8> {
    let Some(i) = find(p, b";;") else {
        return p.to_vec();
    };
    let mut out = Vec::with_capacity(p.len() + dft.len() + 2);
    if i > 0 {
        out.extend_from_slice(&p[..i]);
        out.push(b';');
    }
    out.extend_from_slice(dft);
    if i + 2 < p.len() {
        out.push(b';');
        out.extend_from_slice(&p[i + 2..]);
    }
    out
}

/// Looks for `name` along `path` as `package.searchpath` does: each `sep`
/// in `name` becomes `dirsep`, each "?" of `path` becomes the name, and
/// the first template (`path` split at ";") for which `readable` holds
/// wins. When none does, the error is the reference's message listing
/// every file tried ("no file 'a'\n\tno file 'b'").
pub fn search_path(
    name: &[u8],
    path: &[u8],
    sep: &[u8],
    dirsep: &[u8],
    mut readable: impl FnMut(&[u8]) -> bool,
) -> Result<Vec<u8>, Vec<u8>> {
    // The reference looks for the first byte of sep before replacing
    // (strchr); an empty sep replaces nothing.
    let name = match sep.first() {
        Some(c) if name.contains(c) => replace_all(name, sep, dirsep),
        _ => name.to_vec(),
    };
    let names = replace_all(path, b"?", &name);
    if !names.is_empty() {
        for f in names.split(|&c| c == b';') {
            if readable(f) {
                return Ok(f.to_vec());
            }
        }
    }
    let mut msg = b"no file '".to_vec();
    msg.extend_from_slice(&replace_all(&names, b";", b"'\n\tno file '"));
    msg.push(b'\'');
    Err(msg)
}

/// The position of the first `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `hay` with every (non-overlapping, left to right) `from` replaced by
/// `to`; `from` must not be empty.
pub(crate) fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    debug_assert!(!from.is_empty());
    let mut out = Vec::with_capacity(hay.len());
    let mut rest = hay;
    while let Some(i) = find(rest, from) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(to);
        rest = &rest[i + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(b: &[u8]) -> String {
        String::from_utf8_lossy(b).into_owned()
    }

    #[test]
    fn expand_default_cases() {
        let cases = [
            ("a;b", "a;b"),
            (";;", "D"),
            ("a;;", "a;D"),
            (";;b", "D;b"),
            ("a;;b;;c", "a;D;b;;c"),
            ("a;;;b", "a;D;;b"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(
                s(&expand_default(input.as_bytes(), b"D")),
                want,
                "expand_default({input:?})"
            );
        }
    }

    #[test]
    fn init_path_sources() {
        let env = |name: &str| -> Option<Vec<u8>> {
            match name {
                "LUA_PATH" => Some(b"env;;".to_vec()),
                "LUA_CPATH_5_4" => Some(b"cenv".to_vec()),
                "LUA_CPATH" => Some(b"unversioned".to_vec()),
                _ => None,
            }
        };
        // The versioned variable wins over the plain one; ";;" expands.
        assert_eq!(
            s(&init_path(None, "LUA_PATH", DEFAULT_PATH, false, env)),
            format!("env;{DEFAULT_PATH}")
        );
        assert_eq!(
            s(&init_path(None, "LUA_CPATH", DEFAULT_CPATH, false, env)),
            "cenv"
        );
        // -E / LUA_NOENV: the defaults.
        assert_eq!(
            s(&init_path(None, "LUA_PATH", DEFAULT_PATH, true, env)),
            DEFAULT_PATH
        );
        assert_eq!(
            s(&init_path(None, "LUA_CPATH", DEFAULT_CPATH, true, env)),
            DEFAULT_CPATH
        );
        // A given path beats the environment, and expands too.
        assert_eq!(
            s(&init_path(
                Some(b"a/?.lua"),
                "LUA_PATH",
                DEFAULT_PATH,
                false,
                env
            )),
            "a/?.lua"
        );
        assert_eq!(
            s(&init_path(
                Some(b";;b/?.so"),
                "LUA_CPATH",
                DEFAULT_CPATH,
                false,
                env
            )),
            format!("{DEFAULT_CPATH};b/?.so")
        );
        // No variable at all.
        assert_eq!(
            s(&init_path(None, "LUA_PATH", DEFAULT_PATH, false, |_| None)),
            DEFAULT_PATH
        );
        // An empty variable is a path of its own (the reference tests
        // for NULL only).
        assert_eq!(
            s(&init_path(None, "LUA_PATH", DEFAULT_PATH, false, |_| Some(
                Vec::new()
            ))),
            ""
        );
    }

    /// Runs search_path over a fixed set of readable names, returning
    /// the found name or the message.
    fn search(name: &str, path: &str, sep: &str, dirsep: &str) -> (bool, String) {
        let files = ["lib/deep/mod.lua", "abs/a.lua", "/abs/a.lua", "m.lua"];
        match search_path(
            name.as_bytes(),
            path.as_bytes(),
            sep.as_bytes(),
            dirsep.as_bytes(),
            |f| files.iter().any(|x| x.as_bytes() == f),
        ) {
            Ok(f) => (true, s(&f)),
            Err(m) => (false, s(&m)),
        }
    }

    #[test]
    fn search_path_cases() {
        let ok = |v: &str| (true, v.to_string());
        let no = |v: &str| (false, v.to_string());
        assert_eq!(
            search("deep.mod", "x/?.lua;lib/?.lua", ".", "/"),
            ok("lib/deep/mod.lua")
        );
        assert_eq!(search("abs_a", "?.lua", "_", "/"), ok("abs/a.lua"));
        assert_eq!(search("a_", "?.lua;/abs/?.lua", "_", ""), ok("/abs/a.lua"));
        assert_eq!(
            search("m", "../?.lua;?.x", ".", "/"),
            no("no file '../m.lua'\n\tno file 'm.x'")
        );
        // The cases of lib_package.lua.
        assert_eq!(
            search("a.b.c", "?;?.x", ".", "/"),
            no("no file 'a/b/c'\n\tno file 'a/b/c.x'")
        );
        assert_eq!(
            search("a.b.c", "?;?.x", "", ""),
            no("no file 'a.b.c'\n\tno file 'a.b.c.x'")
        );
        assert_eq!(
            search("a.b.c", "?;?.x", "b", "XX"),
            no("no file 'a.XX.c'\n\tno file 'a.XX.c.x'")
        );
        assert_eq!(
            search("a.b.c", "?;?.x", ".", "::"),
            no("no file 'a::b::c'\n\tno file 'a::b::c.x'")
        );
        assert_eq!(search("x", "", ".", "/"), no("no file ''"));
        assert_eq!(search("x", ";", ".", "/"), no("no file ''\n\tno file ''"));
        assert_eq!(
            search("x", "a;;b;", ".", "/"),
            no("no file 'a'\n\tno file ''\n\tno file 'b'\n\tno file ''")
        );
        assert_eq!(search("x", "??", ".", "/"), no("no file 'xx'"));
        assert_eq!(
            search("a;b", "?.lua", ".", "/"),
            no("no file 'a'\n\tno file 'b.lua'")
        );
        // The first readable template wins.
        assert_eq!(search("m", "m.lua;?.lua", ".", "/"), ok("m.lua"));
    }

    #[test]
    fn search_path_tries_in_order() {
        let mut tried = Vec::new();
        let r = search_path(b"q", b"a/?;b/?;c/?", b".", b"/", |f| {
            tried.push(s(f));
            f == b"b/q"
        });
        assert_eq!(r, Ok(b"b/q".to_vec()));
        assert_eq!(tried, ["a/q", "b/q"]);
    }

    #[test]
    fn replace_all_cases() {
        assert_eq!(replace_all(b"a.b.c", b".", b"/"), b"a/b/c");
        assert_eq!(replace_all(b"aaa", b"aa", b"x"), b"xa");
        assert_eq!(replace_all(b"", b"?", b"x"), b"");
        assert_eq!(replace_all(b"??", b"?", b""), b"");
    }
}
