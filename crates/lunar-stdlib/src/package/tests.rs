//! Tests of the package library through the VM (ported from the Go
//! version's package_test.go).

use super::*;

/// A state with the base, package (opened with `opts`), string, table
/// and coroutine libraries.
fn pkg_state(opts: &PackageOptions) -> State {
    let mut st = State::new();
    crate::open_base(&mut st);
    open_package_with(&mut st, opts);
    crate::string::open_string(&mut st);
    crate::table::open_table(&mut st);
    crate::open_coroutine(&mut st);
    st
}

/// Runs `src` (chunk name "=test"); its results converted with tostring
/// and joined with "|", or the error message.
fn exec(st: &mut State, src: &str) -> Result<String, String> {
    let f = match st.load(src.as_bytes(), b"=test", "t", None) {
        Ok(f) => f,
        Err(_) => {
            let e = st.take_error_value();
            return Err(format!("load: {e:?}"));
        }
    };
    match st.pcall(f, &[], None) {
        Ok(res) => {
            let mut parts = Vec::new();
            for v in res {
                let s = st
                    .to_display(v)
                    .map_err(|_| "tostring failed".to_string())?;
                parts.push(s.to_str_lossy().into_owned());
            }
            Ok(parts.join("|"))
        }
        Err(_) => {
            let e = st.take_error_value();
            Err(match e {
                Value::Str(s) => s.to_str_lossy().into_owned(),
                other => format!("{other:?}"),
            })
        }
    }
}

fn run(st: &mut State, src: &str) -> String {
    exec(st, src).unwrap_or_else(|e| panic!("{src}:\n{e}"))
}

fn run_err(st: &mut State, src: &str) -> String {
    match exec(st, src) {
        Ok(r) => panic!("{src}: no error (results {r:?})"),
        Err(e) => e,
    }
}

fn test_files() -> Arc<dyn ModuleFiles> {
    Arc::new(
        MemFiles::new()
            .with(
                "m.lua",
                "local name, file = ...\nreturn {name = name, file = file}\n",
            )
            .with("lib/deep/mod.lua", "return 'deep ' .. select(1, ...)\n")
            .with("pkg/init.lua", "return 'init of ' .. ...\n")
            .with("abs/a.lua", "return 'absolute'\n")
            .with("none.lua", "x_loaded = (x_loaded or 0) + 1\n")
            .with("self.lua", "package.loaded[...] = 'set by itself'\n")
            .with("false.lua", "return false\n")
            .with("bad.lua", "local x = = 1\n")
            .with("shebang.lua", "#!/usr/bin/env lua\n\nerror('line three')\n")
            .with(
                "bomsh.lua",
                &b"\xEF\xBB\xBF# comment\nreturn 'bom', debug_line\n"[..],
            )
            .with("onlyshebang.lua", "#!/usr/bin/env lua")
            .with("dir.lua/x", "")
            .with("clib.so", &b"\x7fELF"[..])
            .with("runtime.lua", "local t = nil\nreturn t.x\n"),
    )
}

fn opts(files: Arc<dyn ModuleFiles>, path: &str, cpath: Option<&str>) -> PackageOptions {
    PackageOptions {
        path: Some(path.as_bytes().to_vec()),
        cpath: cpath.map(|c| c.as_bytes().to_vec()),
        ignore_env: true,
        files: Some(files),
    }
}

#[test]
fn require_from_files() {
    let mut st = pkg_state(&opts(
        test_files(),
        "./?.lua;./?/init.lua;lib/?.lua;/abs/?.lua",
        None,
    ));
    let cases = [
        (
            "local m, f = require('m') return m.name, m.file, f",
            "m|./m.lua|./m.lua",
        ),
        // A second require returns the cached value only.
        (
            "local m1 = require('m') local m2, f = require('m') return m1 == m2, f",
            "true|nil",
        ),
        (
            "return require('deep.mod')",
            "deep deep.mod|lib/deep/mod.lua",
        ),
        ("return require('pkg')", "init of pkg|./pkg/init.lua"),
        ("return require('a')", "absolute|/abs/a.lua"),
        (
            "require('none') require('none') return require('none'), x_loaded",
            "true|1",
        ),
        ("return require('self')", "set by itself|./self.lua"),
        ("return require('false')", "false|./false.lua"),
        ("return require('bomsh')", "bom|./bomsh.lua"),
        ("return require('onlyshebang')", "true|./onlyshebang.lua"),
        (
            "return package.loaded.m == require('m'), package.loaded.package == package",
            "true|true",
        ),
        (
            "return package.searchpath('deep.mod', 'x/?.lua;lib/?.lua')",
            "lib/deep/mod.lua",
        ),
        (
            "return package.searchpath('abs_a', '?.lua', '_', '/')",
            "abs/a.lua",
        ),
        (
            "return package.searchpath('a_', '?.lua;/abs/?.lua', '_', '')",
            "/abs/a.lua",
        ),
        (
            "return package.searchpath('m', '../?.lua;?.x')",
            "nil|no file '../m.lua'\n\tno file 'm.x'",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(run(&mut st, src), want, "{src}");
    }
}

#[test]
fn require_errors() {
    let cases = [
        (
            "require('nope')",
            "test:1: module 'nope' not found:\n\tno field package.preload['nope']\n\
             \tno file './nope.lua'\n\tno file 'lib/nope.lua'\n\tno file './nope.so'",
        ),
        (
            "require('no.pe')",
            "test:1: module 'no.pe' not found:\n\tno field package.preload['no.pe']\n\
             \tno file './no/pe.lua'\n\tno file 'lib/no/pe.lua'\n\tno file './no/pe.so'\n\tno file './no.so'",
        ),
        (
            "require('bad')",
            "error loading module 'bad' from file './bad.lua':\n\t./bad.lua:1: unexpected symbol near '='",
        ),
        ("require('shebang')", "./shebang.lua:3: line three"),
        (
            "require('runtime')",
            "./runtime.lua:2: attempt to index a nil value (local 't')",
        ),
        (
            "require('dir')",
            "error loading module 'dir' from file './dir.lua':\n\tcannot read ./dir.lua: Is a directory",
        ),
        (
            "require('clib')",
            "error loading module 'clib' from file './clib.so':\n\tdynamic libraries not enabled; check your Lua installation",
        ),
        (
            "require('clib.sub')",
            "error loading module 'clib.sub' from file './clib.so':\n\tdynamic libraries not enabled; check your Lua installation",
        ),
        (
            "require()",
            "test:1: bad argument #1 to 'require' (string expected, got no value)",
        ),
        (
            "package.searchers = nil require('x')",
            "test:1: 'package.searchers' must be a table",
        ),
        (
            "package.path = {} require('x')",
            "'package.path' must be a string",
        ),
        (
            "package.cpath = nil require('x')",
            "'package.cpath' must be a string",
        ),
        (
            "package.searchers = {} require('x')",
            "test:1: module 'x' not found:",
        ),
        (
            "package.searchers = {function() return 1 end, function() end, function() return nil, 'y' end, \
             function() return 'two' end} require('x')",
            "test:1: module 'x' not found:\n\t1\n\ttwo",
        ),
        (
            "package.searchpath('x')",
            "test:1: bad argument #2 to 'searchpath' (string expected, got no value)",
        ),
        (
            "package.searchpath('x', 'y', {})",
            "test:1: bad argument #3 to 'searchpath' (string expected, got table)",
        ),
    ];
    for (src, want) in cases {
        let mut st = pkg_state(&opts(test_files(), "./?.lua;lib/?.lua", Some("./?.so")));
        assert_eq!(run_err(&mut st, src), want, "{src}");
    }
}

/// A native loader in package.preload, counting its calls.
fn native_loader(st: &mut State) -> Result<usize, Error> {
    let mut got = Vec::new();
    for i in 1..=st.top() {
        let v = st.arg(i);
        got.push(
            st.to_str(v)
                .map(|s| s.to_str_lossy().into_owned())
                .unwrap_or_default(),
        );
    }
    let joined = got.join(",");
    let v = st.str_value(format!("from Rust: {joined}").as_bytes());
    st.push(v);
    Ok(1)
}

#[test]
fn preload_and_searchers() {
    let mut st = pkg_state(&opts(Arc::new(MemFiles::new()), "?.lua", Some("?.so")));
    let pkg = match st.get_global("package") {
        Value::Table(t) => t,
        other => panic!("package is {other:?}"),
    };
    let preload = match st.get_field(pkg, "preload") {
        Value::Table(t) => t,
        other => panic!("package.preload is {other:?}"),
    };
    st.set_field(preload, "rsmod", Value::LightFn(native_loader));
    // The loader gets the module name and ":preload:".
    assert_eq!(
        run(&mut st, "return require('rsmod')"),
        "from Rust: rsmod,:preload:|:preload:"
    );
    // preload is the registry's table: replacing package.preload does
    // not change what the preload searcher sees.
    assert_eq!(
        run(
            &mut st,
            "package.preload = {x = print} return package.searchers[1]('x')"
        ),
        "no field package.preload['x']"
    );
    // The searchers run in order; the first loader found wins and gets
    // the searcher's second result.
    let src = r#"
        local trace = {}
        local s = package.searchers
        package.searchers = {
            function(n) table.insert(trace, "a:" .. n) return "not a" end,
            function(n) table.insert(trace, "b:" .. n) return function(name, data) return name .. "+" .. data end, "extra" end,
            function(n) table.insert(trace, "c:" .. n) return function() return "c" end end,
        }
        local v, data = require("mod")
        package.searchers = s
        return v, data, table.concat(trace, " ")"#;
    assert_eq!(run(&mut st, src), "mod+extra|extra|a:mod b:mod");
    // The default searchers: preload, Lua, C, all-in-one.
    assert_eq!(
        run(
            &mut st,
            "local s = package.searchers return #s, s[1]('q'), s[2]('q'), s[3]('q'), s[4]('q.r'), select('#', s[4]('q'))"
        ),
        "4|no field package.preload['q']|no file 'q.lua'|no file 'q.so'|no file 'q.so'|0"
    );
}

#[test]
fn package_tables() {
    let mut st = pkg_state(&PackageOptions {
        ignore_env: true,
        ..PackageOptions::default()
    });
    let cases = [
        ("return package.config", CONFIG.to_string()),
        ("return package.path", DEFAULT_PATH.to_string()),
        ("return package.cpath", DEFAULT_CPATH.to_string()),
        (
            "return package.loadlib('x.so', 'luaopen_x')",
            format!("nil|{NO_DYNLIB}|absent"),
        ),
        (
            "return package.loaded._G == _G, package.loaded.string == string",
            "true|true".to_string(),
        ),
        (
            "return type(require), type(package.preload), type(package.searchers)",
            "function|table|table".to_string(),
        ),
        ("return require('string') == string", "true".to_string()),
        (
            "return debug == nil and package.loaded.package == package",
            "true".to_string(),
        ),
    ];
    for (src, want) in cases {
        assert_eq!(run(&mut st, src), want, "{src}");
    }
    assert_eq!(
        run_err(&mut st, "package.loadlib('x')"),
        "test:1: bad argument #2 to 'loadlib' (string expected, got no value)"
    );
}

#[test]
fn path_options_and_noenv() {
    // A given path expands ";;"; the registry's LUA_NOENV (set by `lua
    // -E` before opening the libraries) leaves the environment out.
    let o = PackageOptions {
        path: Some(b"a/?.lua".to_vec()),
        cpath: Some(b";;b/?.so".to_vec()),
        ..PackageOptions::default()
    };
    let mut st = pkg_state(&o);
    assert_eq!(
        run(&mut st, "return package.path, package.cpath"),
        format!("a/?.lua|{DEFAULT_CPATH};b/?.so")
    );

    let mut st = State::new();
    let reg = st.registry();
    st.set_field(reg, "LUA_NOENV", Value::Bool(true));
    open_package(&mut st);
    assert_eq!(
        run(&mut st, "return package.path, package.cpath"),
        format!("{DEFAULT_PATH}|{DEFAULT_CPATH}")
    );
}

/// With no file tree the host's file system is used.
#[test]
fn require_from_host() {
    let dir = std::env::temp_dir().join(format!("lunar-pkg-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("isdir.lua")).unwrap();
    std::fs::write(
        dir.join("hostmod.lua"),
        "#!lua\nreturn ..., select(2, ...)\n",
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let o = PackageOptions {
        path: Some(format!("{d}/?.lua").into_bytes()),
        ignore_env: true,
        ..Default::default()
    };
    let mut st = pkg_state(&o);
    assert_eq!(
        run(&mut st, "return require('hostmod')"),
        format!("hostmod|{d}/hostmod.lua")
    );
    assert_eq!(
        run_err(&mut st, "require('isdir')"),
        format!(
            "error loading module 'isdir' from file '{d}/isdir.lua':\n\tcannot read {d}/isdir.lua: Is a directory"
        )
    );
    assert_eq!(
        run(
            &mut st,
            &format!("return package.searchpath('hostmod', '{d}/?.lua')")
        ),
        format!("{d}/hostmod.lua")
    );
    std::fs::remove_file(dir.join("hostmod.lua")).unwrap();
    std::fs::remove_dir(dir.join("isdir.lua")).unwrap();
    std::fs::remove_dir(&dir).unwrap();
}

/// Unlike the reference (and the Go version), a module's main chunk may
/// yield: require runs its loader through the VM's continuations.
#[test]
fn require_yields_in_loader() {
    let files = MemFiles::new().with(
        "y.lua",
        "local a = coroutine.yield('in chunk') return 'y got ' .. a\n",
    );
    let mut st = pkg_state(&opts(Arc::new(files), "?.lua", None));
    let src = r#"
        package.preload.p = function(name) return name .. coroutine.yield(1) end
        local co = coroutine.create(function() return require("p"), require("y") end)
        local r = {}
        for _, v in ipairs({"x", "z", "w"}) do
            local t = table.pack(coroutine.resume(co, v))
            for i = 1, t.n do r[#r + 1] = tostring(t[i]) end
        end
        return table.concat(r, ","), package.loaded.p, package.loaded.y"#;
    assert_eq!(
        run(&mut st, src),
        "true,1,true,in chunk,true,pz,y got w,y.lua|pz|y got w"
    );
}

/// The undump hook of the test states: the VM leaves binary chunks to
/// whoever sets one up (the `lunar` crate, in time).
fn test_undump(data: &[u8]) -> Result<Arc<lunar_compile::Proto>, String> {
    lunar_compile::undump(data, b"=?")
        .map_err(|e| String::from_utf8_lossy(&e.message()).into_owned())
}

/// A precompiled chunk loads as a module, after a '#' line too.
#[test]
fn require_binary_chunk() {
    let proto =
        lunar_compile::compile_source("=bin", b"return 'binary ' .. ...").expect("compiling");
    let bin = lunar_compile::dump(&proto, false);
    let mut shbin = b"#!/usr/bin/lua\n".to_vec();
    shbin.extend_from_slice(&bin);
    let files = MemFiles::new()
        .with("bin.lua", bin)
        .with("shbin.lua", shbin);
    let mut st = pkg_state(&opts(Arc::new(files), "?.lua", None));
    st.set_undump(test_undump);
    assert_eq!(run(&mut st, "return require('bin')"), "binary bin|bin.lua");
    assert_eq!(
        run(&mut st, "return require('shbin')"),
        "binary shbin|shbin.lua"
    );
}

#[test]
fn skip_prefix_cases() {
    let cases: [(&[u8], &[u8]); 7] = [
        (b"return 1", b"return 1"),
        (b"#!lua\nreturn 1", b"\nreturn 1"),
        (b"\xEF\xBB\xBF# c\nx", b"\nx"),
        (b"\xEF\xBB\xBFx", b"x"),
        (b"#only", b""),
        (b"#!lua\n\x1bLua", b"\x1bLua"),
        (b"", b""),
    ];
    for (input, want) in cases {
        assert_eq!(skip_prefix(input), want, "{input:?}");
    }
}
