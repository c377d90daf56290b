//! The `lunar` command driven as a user drives it: files, arguments, stdin
//! and environment in, stdout, stderr and the exit status checked. Ported
//! from the Go version's testscript cases (cmd/lunar/testdata/script:
//! errors, exit, script, options, stdin, init). Where `lua5.4` is
//! installed, most runs are also compared with the reference
//! interpreter's, run the same way (see `Sandbox::same_as_lua`).

mod common;

use common::Sandbox;

/// A file whose error goes through a few levels of calls.
const ERR_LUA: &str = r#"print("before")
local function f(x)
  error("boom " .. x)
end
local function g() f(1) end
g()
"#;

#[test]
fn uncaught_error_prints_message_and_traceback() {
    let sb = Sandbox::new(&[("err.lua", ERR_LUA)]);
    let r = sb.same_as_lua(&["err.lua"], None);
    assert_eq!(r.status, 1);
    assert_eq!(r.stdout, "before\n");
    assert_eq!(
        r.stderr,
        "lunar: err.lua:3: boom 1
stack traceback:
\t[C]: in function 'error'
\terr.lua:3: in upvalue 'f'
\terr.lua:5: in local 'g'
\terr.lua:6: in main chunk
\t[C]: in ?
"
    );
}

#[test]
fn traceback_names_methods_metamethods_and_tail_calls() {
    let sb = Sandbox::new(&[
        (
            "method.lua",
            "local obj = {}
function obj:method(x) return x.field end
local function caller() return obj:method(nil) + 1 end
caller()
",
        ),
        (
            "meta.lua",
            r#"local mt = {__add = function(a, b) error("no add", 2) end}
local a = setmetatable({}, mt)
local function f() return a + 1 end
f()
"#,
        ),
        (
            "tail.lua",
            r#"local function tail(n) if n == 0 then error("deep") end return tail(n - 1) end
tail(3)
"#,
        ),
    ]);
    let r = sb.same_as_lua(&["method.lua"], None);
    assert_eq!(
        r.stderr,
        "lunar: method.lua:2: attempt to index a nil value (local 'x')
stack traceback:
\tmethod.lua:2: in method 'method'
\tmethod.lua:3: in local 'caller'
\tmethod.lua:4: in main chunk
\t[C]: in ?
"
    );
    let r = sb.same_as_lua(&["meta.lua"], None);
    assert_eq!(
        r.stderr,
        "lunar: meta.lua:3: no add
stack traceback:
\t[C]: in function 'error'
\tmeta.lua:1: in metamethod 'add'
\tmeta.lua:3: in local 'f'
\tmeta.lua:4: in main chunk
\t[C]: in ?
"
    );
    let r = sb.same_as_lua(&["tail.lua"], None);
    assert_eq!(
        r.stderr,
        "lunar: tail.lua:1: deep
stack traceback:
\t[C]: in function 'error'
\ttail.lua:1: in function <tail.lua:1>
\t(...tail calls...)
\ttail.lua:2: in main chunk
\t[C]: in ?
"
    );
}

#[test]
fn error_objects() {
    let sb = Sandbox::new(&[(
        "tostring.lua",
        r#"local t = setmetatable({}, {__tostring = function() return "custom!" end})
error(t)
"#,
    )]);
    // An error object with __tostring is shown through it, without a
    // traceback.
    let r = sb.same_as_lua(&["tostring.lua"], None);
    assert_eq!((r.status, r.stderr.as_str()), (1, "lunar: custom!\n"));
    // Other error objects are described by their type.
    let r = sb.same_as_lua(&["-e", "error({})"], None);
    assert_eq!(
        r.stderr,
        "lunar: (error object is a table value)
stack traceback:
\t[C]: in function 'error'
\t(command line):1: in main chunk
\t[C]: in ?
"
    );
    let r = sb.same_as_lua(&["-e", "error()"], None);
    assert!(
        r.stderr
            .starts_with("lunar: (error object is a nil value)\n"),
        "{}",
        r.stderr
    );
    let r = sb.same_as_lua(&["-e", "error(42)"], None);
    assert!(r.stderr.starts_with("lunar: 42\n"), "{}", r.stderr);
    let r = sb.same_as_lua(
        &[
            "-e",
            "error(setmetatable({}, {__tostring = function() return 1 end}))",
        ],
        None,
    );
    assert!(
        r.stderr
            .starts_with("lunar: (error object is a table value)\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn syntax_errors_show_the_first_error_without_traceback() {
    let sb = Sandbox::new(&[("syntax.lua", "local x = 1\nif x then\n  print(x)\n")]);
    let r = sb.same_as_lua(&["syntax.lua"], None);
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "lunar: syntax.lua:4: 'end' expected (to close 'if' at line 2) near <eof>\n"
    );
    let r = sb.same_as_lua(&["-e", "x ="], None);
    assert_eq!(
        r.stderr,
        "lunar: (command line):1: unexpected symbol near <eof>\n"
    );
    // Only files skip a first line starting with '#'.
    let r = sb.same_as_lua(&["-e", "#x"], None);
    assert_eq!(
        r.stderr,
        "lunar: (command line):1: unexpected symbol near '#'\n"
    );
}

#[test]
fn an_error_in_e_stops_before_the_script() {
    let sb = Sandbox::new(&[("err.lua", ERR_LUA)]);
    let r = sb.same_as_lua(&["-e", "error(\"stop\")", "err.lua"], None);
    assert_eq!(r.status, 1);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.starts_with("lunar: (command line):1: stop\n"),
        "{}",
        r.stderr
    );
    // Output printed before the error is not lost.
    let r = sb.same_as_lua(
        &["-e", "for i = 1, 3 do print(i) end error(\"late\")"],
        None,
    );
    assert_eq!((r.status, r.stdout.as_str()), (1, "1\n2\n3\n"));
}

#[test]
fn long_tracebacks_skip_the_middle_levels() {
    let sb = Sandbox::new(&[(
        "deep.lua",
        r#"local function r(n)
  if n == 0 then error("deep") end
  r(n - 1)
end
r(30)
"#,
    )]);
    let r = sb.same_as_lua(&["deep.lua"], None);
    let mut want = String::from(
        "lunar: deep.lua:2: deep\nstack traceback:\n\t[C]: in function 'error'\n\tdeep.lua:2: in upvalue 'r'\n",
    );
    want += &"\tdeep.lua:3: in upvalue 'r'\n".repeat(8);
    // Like lua5.4, it says one level fewer skipped than it skips.
    want += "\t...\t(skipping 12 levels)\n";
    want += &"\tdeep.lua:3: in upvalue 'r'\n".repeat(8);
    want += "\tdeep.lua:3: in local 'r'\n\tdeep.lua:5: in main chunk\n\t[C]: in ?\n";
    assert_eq!(r.stderr, want);
}

#[test]
fn os_exit_sets_the_status() {
    let sb = Sandbox::new(&[]);
    for (code, status) in [
        ("os.exit(3)", 3),
        ("os.exit(true)", 0),
        ("os.exit(false)", 1),
        ("os.exit()", 0),
        ("error(1)", 1),
        ("x = 1", 0),
        ("pcall(os.exit, 5)", 5),
        ("coroutine.wrap(function() os.exit(6) end)()", 6),
        (
            "print(coroutine.resume(coroutine.create(function() os.exit(7) end)))",
            7,
        ),
    ] {
        let r = sb.same_as_lua(&["-e", code], None);
        assert_eq!(r.status, status, "{code}: {r:?}");
    }
}

#[test]
fn os_exit_writes_buffered_output_first() {
    let sb = Sandbox::new(&[]);
    let r = sb.same_as_lua(&["-e", "io.write(\"kept\") os.exit(4)"], None);
    assert_eq!((r.status, r.stdout.as_str()), (4, "kept"));
    let r = sb.same_as_lua(&["-e", "for i = 1, 2000 do print(i) end os.exit(0)"], None);
    assert!(
        r.stdout.ends_with("\n1999\n2000\n"),
        "{}",
        &r.stdout[r.stdout.len().saturating_sub(30)..]
    );
    // Nothing runs after os.exit; its message is not an error.
    let r = sb.same_as_lua(&["-e", "os.exit(0)", "-e", "print(\"after\")"], None);
    assert_eq!(
        r,
        common::Run {
            status: 0,
            stdout: String::new(),
            stderr: String::new()
        }
    );
}

#[test]
fn files_written_by_the_script_are_flushed_at_exit() {
    let sb = Sandbox::new(&[]);
    sb.lunar(
        &[
            "-e",
            r#"local f = io.open("out.txt", "w") f:write("data") os.exit(0)"#,
        ],
        None,
    );
    sb.lunar(
        &[
            "-e",
            r#"local f = io.open("out2.txt", "w") f:write("data2")"#,
        ],
        None,
    );
    let read = |n: &str| std::fs::read_to_string(sb.path().join(n)).unwrap_or_default();
    assert_eq!(read("out.txt") + &read("out2.txt"), "datadata2");
}

#[test]
fn os_exit_with_close_closes_pending_variables() {
    let sb = Sandbox::new(&[(
        "closevars.lua",
        r#"local x <close> = setmetatable({}, {__close = function (_, e) print("x", e) end})
pcall(function ()
  local y <close> = setmetatable({}, {__close = function (_, e) print("y", e) end})
  os.exit(true, true)
end)
print("not reached")
"#,
    )]);
    let r = sb.same_as_lua(&["closevars.lua"], None);
    assert_eq!((r.status, r.stdout.as_str()), (0, "y\tnil\nx\tnil\n"));
}

#[test]
fn os_exit_with_close_from_a_coroutine_closes_the_main_variables() {
    // lua_close closes the main thread's variables (not the coroutine's),
    // then runs the finalizers; a finalizer's os.exit ends the process.
    let sb = Sandbox::new(&[(
        "coclose.lua",
        r#"keep = {setmetatable({}, {__gc = function () print("gc1") end}),
  setmetatable({}, {__gc = function () print("gc2") os.exit(9) end})}
local a <close> = setmetatable({}, {__close = function (_, e) print("a", e) end})
coroutine.wrap(function ()
  local i <close> = setmetatable({}, {__close = function () print("inner") end})
  os.exit(4, true)
end)()
"#,
    )]);
    let r = sb.same_as_lua(&["coclose.lua"], None);
    assert_eq!((r.status, r.stdout.as_str()), (9, "a\tnil\ngc2\n"));
}

#[test]
fn an_error_in_a_closing_method_while_unwinding_has_its_own_traceback() {
    // The message handler sees the closing method's error with the frames
    // of the failed call intact, so `error` is named as lua5.4 names it.
    let sb = Sandbox::new(&[(
        "closeerr.lua",
        r#"local t = setmetatable({}, {__close = function () error("in close") end})
local x <close> = t
error("main")
"#,
    )]);
    let r = sb.same_as_lua(&["closeerr.lua"], None);
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "lunar: closeerr.lua:1: in close
stack traceback:
\t[C]: in function 'error'
\tcloseerr.lua:1: in function <closeerr.lua:1>
\t[C]: in ?
"
    );
}

#[test]
fn finalizers_run_at_close() {
    // Finalizers run by the final close: collectgarbage fails inside them,
    // an os.exit there sets the exit status, and no finalizer of an object
    // made during the close runs.
    let sb = Sandbox::new(&[(
        "closegc.lua",
        r#"setmetatable({}, {__gc = function () print("first") end})
setmetatable({}, {__gc = function ()
  print("second", collectgarbage(), collectgarbage("count"))
  setmetatable({}, {__gc = function () print("made while closing") end})
  os.exit(3, true)
end})
"#,
    )]);
    let r = sb.lunar(&["-W", "closegc.lua"], None);
    assert_eq!(r.stdout, "second\tnil\tnil\nfirst\n");
    assert_eq!(r.stderr, "");
    assert_eq!(r.status, 3);
}

const ARGS_LUA: &str = r##"print(select("#", ...), ...)
for i = -3, #arg do print(i, arg[i]) end
"##;

#[test]
fn script_arguments_and_arg_table() {
    let sb = Sandbox::new(&[
        ("args.lua", ARGS_LUA),
        ("dots.lua", "print(select(\"#\", ...), ...)\n"),
    ]);
    let r = sb.same_as_lua(&["-e", "x = 1", "args.lua", "a", "b c"], None);
    assert_eq!(r.stderr, "");
    assert_eq!(
        r.stdout,
        "2\ta\tb c\n-3\tlunar\n-2\t-e\n-1\tx = 1\n0\targs.lua\n1\ta\n2\tb c\n"
    );
    // Without a script, arg[0] is the interpreter and the options follow.
    let r = sb.same_as_lua(&["-e", "print(arg[-1], arg[0], arg[1], arg[2])"], None);
    assert_eq!(
        r.stdout,
        "nil\tlunar\t-e\tprint(arg[-1], arg[0], arg[1], arg[2])\n"
    );
    // The main chunk's '...' follows the global arg as it is when the
    // script starts (-e may change it).
    let r = sb.same_as_lua(
        &["-e", "arg = {\"x\", \"y\"}", "dots.lua", "a", "b", "c"],
        None,
    );
    assert_eq!(r.stdout, "2\tx\ty\n");
    let r = sb.same_as_lua(&["-e", "arg = nil", "dots.lua"], None);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (1, "lunar: 'arg' is not a table\n")
    );
}

#[test]
fn first_line_comment_and_bom_are_skipped() {
    let sb = Sandbox::new(&[
        (
            "shebang.lua",
            "#!/usr/bin/env lunar\nprint(\"before\")\nerror(\"line three\")\n",
        ),
        (
            "bom.lua",
            "\u{FEFF}#!/usr/bin/env lunar\nprint(\"bom\")\nerror(\"line three\")\n",
        ),
    ]);
    let r = sb.same_as_lua(&["shebang.lua"], None);
    assert_eq!(r.stdout, "before\n");
    assert!(
        r.stderr.starts_with("lunar: shebang.lua:3: line three\n"),
        "{}",
        r.stderr
    );
    let r = sb.same_as_lua(&["bom.lua"], None);
    assert_eq!(r.stdout, "bom\n");
    assert!(
        r.stderr.starts_with("lunar: bom.lua:3: line three\n"),
        "{}",
        r.stderr
    );
}

/// Reads and seeks the standard input, printing what each step returns.
const STDIN_SEEK_LUA: &str = r#"print(io.read("l"))
print(io.stdin:seek("cur"))
print(io.stdin:seek("set", 0))
print(io.read("l"))
print(io.stdin:seek("end"))
print(io.read("l"))
print(io.stdin:seek("set", 2))
print(io.read("a"))
print(io.stdin:seek("cur", -3))
print(io.read(2))
"#;

#[test]
fn stdin_seeks_when_it_is_a_file() {
    // Redirected from a file, the standard input moves as C's stdin does
    // under fseek (the read-ahead given back); from a pipe, every seek is
    // "Illegal seek".
    let sb = Sandbox::new(&[("seek.lua", STDIN_SEEK_LUA), ("in.txt", "line1\nline2\n")]);
    let run = |program: &std::path::Path| {
        let input = std::fs::File::open(sb.path().join("in.txt")).expect("in.txt");
        let out = std::process::Command::new(program)
            .arg("seek.lua")
            .current_dir(sb.path())
            .stdin(input)
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let got = run(std::path::Path::new(env!("CARGO_BIN_EXE_lunar")));
    assert_eq!(got, "line1\n6\n0\nline1\n12\nnil\n2\nne1\nline2\n\n9\ne2\n");
    if let Some(lua) = common::lua54() {
        assert_eq!(got, run(&lua), "differs from lua5.4 (right)");
    }
    let piped = sb.same_as_lua(&["seek.lua"], Some("line1\nline2\n"));
    assert_eq!(
        piped.stdout,
        "line1\nnil\tIllegal seek\t29\nnil\tIllegal seek\t29\nline2\n\
         nil\tIllegal seek\t29\nnil\nnil\tIllegal seek\t29\n\n\
         nil\tIllegal seek\t29\nnil\n"
    );
}

#[test]
fn unreadable_scripts() {
    let sb = Sandbox::new(&[]);
    let r = sb.same_as_lua(&["nofile.lua"], None);
    assert_eq!(
        r,
        common::Run {
            status: 1,
            stdout: String::new(),
            stderr: "lunar: cannot open nofile.lua: No such file or directory\n".into()
        }
    );
    std::fs::create_dir(sb.path().join("adir")).unwrap();
    let r = sb.lunar(&["adir"], None);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (1, "lunar: cannot read adir: Is a directory\n")
    );
}

/// lua's option summary, after the first line.
const USAGE: &str = "usage: lunar [options] [script [args]]
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

#[test]
fn bad_options_print_the_usage() {
    let sb = Sandbox::new(&[]);
    let r = sb.same_as_lua(&["-x"], None);
    assert_eq!(r.status, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        format!("lunar: unrecognized option '-x'\n{USAGE}")
    );
    let r = sb.same_as_lua(&["-e"], None);
    assert_eq!(r.stderr, format!("lunar: '-e' needs argument\n{USAGE}"));
    // -e and -l refuse an argument that looks like an option.
    let r = sb.same_as_lua(&["-e", "-v"], None);
    assert!(r.stderr.starts_with("lunar: '-e' needs argument\n"));
    let r = sb.same_as_lua(&["-i", "-l"], None);
    assert!(r.stderr.starts_with("lunar: '-l' needs argument\n"));
    // Options are whole words.
    for bad in ["-vx", "-Ex", "--x", "-W1"] {
        let r = sb.same_as_lua(&[bad], None);
        assert_eq!(r.status, 1);
        assert!(
            r.stderr
                .starts_with(&format!("lunar: unrecognized option '{bad}'\n")),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn options_after_the_script_belong_to_it() {
    let sb = Sandbox::new(&[(
        "show.lua",
        r#"local t = {}
for i = 1, #arg do t[#t + 1] = i .. "=" .. arg[i] end
print(table.concat(t, " "))
"#,
    )]);
    let r = sb.same_as_lua(&["show.lua", "-x", "--y", "-"], None);
    assert_eq!(r.stdout, "1=-x 2=--y 3=-\n");
}

#[test]
fn e_runs_in_order_and_v_prints_the_version_first() {
    let sb = Sandbox::new(&[]);
    let r = sb.lunar(
        &["-e", "io.write(1)", "-eio.write(2)", "-v", "-e", "print(3)"],
        None,
    );
    assert_eq!(r.stderr, "");
    let (version, rest) = r.stdout.split_once('\n').unwrap();
    assert!(version.starts_with("Lua 5.4"), "{version}");
    assert!(version.contains("Lunar"), "{version}");
    assert_eq!(rest, "123\n");
    let r = sb.lunar(&["-v"], None);
    assert!(r.stdout.starts_with("Lua 5.4") && r.status == 0, "{r:?}");
    // -v alone runs nothing from stdin.
    let r = sb.lunar(&["-v"], Some("print('stdin ran')"));
    assert!(!r.stdout.contains("stdin ran"));
}

#[test]
fn double_dash_ends_the_options() {
    let sb = Sandbox::new(&[
        ("-x", "print(\"dash x ran\")\n"),
        ("-", "print(\"file named dash\")\n"),
    ]);
    // -- with no script: stdin is run.
    let r = sb.same_as_lua(&["--"], Some("print(\"hello from stdin\")\n"));
    assert_eq!(r.stdout, "hello from stdin\n");
    // -- then a name that looks like an option: it is the script.
    let r = sb.same_as_lua(&["--", "-x"], None);
    assert_eq!(r.stdout, "dash x ran\n");
    // After "--", "-" names a file.
    let r = sb.same_as_lua(&["--", "-"], None);
    assert_eq!(r.stdout, "file named dash\n");
}

#[test]
fn stdin_is_the_script_when_there_is_none() {
    let sb = Sandbox::new(&[]);
    let prog = "print(\"from stdin \" .. select(\"#\", ...))\n";
    let r = sb.same_as_lua(&[], Some(prog));
    assert_eq!(r.stdout, "from stdin 0\n");
    // "-" is stdin too, with arguments; its chunk name is "stdin".
    let r = sb.same_as_lua(&["-", "a", "b"], Some(prog));
    assert_eq!(r.stdout, "from stdin 2\n");
    let r = sb.same_as_lua(&["-"], Some("local x = 1\nerror(\"bad stdin\")\n"));
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.starts_with("lunar: stdin:2: bad stdin\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("\n\tstdin:2: in main chunk\n"),
        "{}",
        r.stderr
    );
    // -e, -v or a script: stdin is left alone.
    let r = sb.same_as_lua(&["-e", "print(1)"], Some(prog));
    assert_eq!(r.stdout, "1\n");
    // Syntax errors in stdin. As in lua.c, an error in the program read
    // from stdin when no script is given does not change the exit status.
    let r = sb.same_as_lua(&[], Some("x = )\n"));
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (0, "lunar: stdin:1: unexpected symbol near ')'\n")
    );
    let r = sb.same_as_lua(&[], Some("error('e')\n"));
    assert_eq!(r.status, 0);
    assert!(r.stderr.starts_with("lunar: stdin:1: e\n"), "{}", r.stderr);
}

#[test]
fn lua_init_runs_first() {
    let mut sb = Sandbox::new(&[
        ("init.lua", "print(\"from init.lua\")\nanswer = 42\n"),
        (
            "script.lua",
            "print(\"script sees \" .. tostring(answer))\n",
        ),
    ]);
    sb.env("LUA_INIT", "print(\"init\")");
    let r = sb.same_as_lua(&["-e", "print(\"e\")"], None);
    assert_eq!(r.stdout, "init\ne\n");
    sb.env("LUA_INIT", "x =");
    let r = sb.same_as_lua(&["script.lua"], None);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (1, "lunar: LUA_INIT:1: unexpected symbol near <eof>\n")
    );
    sb.env("LUA_INIT", "print(\"init\")");
    // LUA_INIT_5_4 wins over LUA_INIT.
    sb.env("LUA_INIT_5_4", "print(\"init 5.4\")");
    let r = sb.same_as_lua(&["-e", "print(\"e\")"], None);
    assert_eq!(r.stdout, "init 5.4\ne\n");
    // -E ignores both.
    let r = sb.same_as_lua(&["-E", "-e", "print(\"e\")"], None);
    assert_eq!(r.stdout, "e\n");
    // @file runs a file.
    sb.env("LUA_INIT_5_4", "@init.lua");
    let r = sb.same_as_lua(&["script.lua"], None);
    assert_eq!(r.stdout, "from init.lua\nscript sees 42\n");
    // Errors in LUA_INIT stop the run, with the variable as the chunk name.
    sb.env("LUA_INIT_5_4", "error(\"bad init\")");
    let r = sb.same_as_lua(&["script.lua"], None);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "lunar: LUA_INIT_5_4:1: bad init
stack traceback:
\t[C]: in function 'error'
\tLUA_INIT_5_4:1: in main chunk
\t[C]: in ?
"
    );
    sb.env("LUA_INIT_5_4", "@missing.lua");
    let r = sb.same_as_lua(&["script.lua"], None);
    assert_eq!(
        r.stderr,
        "lunar: cannot open missing.lua: No such file or directory\n"
    );
    // An empty LUA_INIT_5_4 is set: LUA_INIT is not looked at.
    sb.env("LUA_INIT_5_4", "");
    let r = sb.same_as_lua(&["script.lua"], None);
    assert_eq!(r.stdout, "script sees nil\n");
}

#[test]
fn l_requires_a_module_into_a_global() {
    // Here require is a stand-in defined by LUA_INIT, so the test needs no
    // package library.
    let mut sb = Sandbox::new(&[]);
    sb.env("LUA_INIT", "function require(m) return {name = m} end");
    let r = sb.same_as_lua(
        &[
            "-l",
            "alpha",
            "-l",
            "b=beta",
            "-e",
            "print(alpha.name, b.name, beta)",
        ],
        None,
    );
    assert_eq!(r.stdout, "alpha\tbeta\tnil\n");
    // -l runs in order with -e.
    let r = sb.same_as_lua(
        &[
            "-e",
            "print(gamma)",
            "-l",
            "gamma",
            "-e",
            "print(gamma.name)",
        ],
        None,
    );
    assert_eq!(r.stdout, "nil\ngamma\n");
    // An error in require stops the run.
    sb.env(
        "LUA_INIT",
        "function require(m) error(\"no module \" .. m) end",
    );
    let r = sb.same_as_lua(&["-l", "nope", "-e", "print(\"not reached\")"], None);
    assert_eq!((r.status, r.stdout.as_str()), (1, ""));
    assert!(
        r.stderr
            .starts_with("lunar: LUA_INIT:1: no module nope\nstack traceback:\n"),
        "{}",
        r.stderr
    );
}

/// Whether the `lunar` under test has the package library (`require`).
fn has_package_library(sb: &Sandbox) -> bool {
    sb.lunar(
        &[
            "-e",
            "os.exit(type(require) == 'function' and package ~= nil)",
        ],
        None,
    )
    .status
        == 0
}

#[test]
fn l_with_the_package_library() {
    let mut sb = Sandbox::new(&[("mymod.lua", "return {name = \"local mymod\"}\n")]);
    if !has_package_library(&sb) {
        println!("skipped: no package library yet");
        return;
    }
    std::fs::create_dir(sb.path().join("lib")).unwrap();
    std::fs::create_dir(sb.path().join("lib54")).unwrap();
    sb.write("lib/libmod.lua", b"return {name = \"lib libmod\"}\n");
    sb.write("lib54/libmod.lua", b"return {name = \"lib54 libmod\"}\n");
    let r = sb.same_as_lua(&["-l", "mymod", "-e", "print(mymod.name)"], None);
    assert_eq!(r.stdout, "local mymod\n");
    let r = sb.same_as_lua(&["-lm=mymod", "-e", "print(m.name, mymod)"], None);
    assert_eq!(r.stdout, "local mymod\tnil\n");
    // The search path comes from LUA_PATH_5_4, else LUA_PATH, and -E
    // ignores both.
    sb.env("LUA_PATH", "./lib/?.lua");
    let r = sb.same_as_lua(&["-l", "libmod", "-e", "print(libmod.name)"], None);
    assert_eq!(r.stdout, "lib libmod\n");
    sb.env("LUA_PATH_5_4", "./lib54/?.lua");
    let r = sb.same_as_lua(&["-l", "libmod", "-e", "print(libmod.name)"], None);
    assert_eq!(r.stdout, "lib54 libmod\n");
    let r = sb.lunar(&["-E", "-l", "libmod"], None);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.starts_with("lunar: module 'libmod' not found:"),
        "{}",
        r.stderr
    );
}

#[test]
fn w_takes_effect_where_it_stands() {
    let sb = Sandbox::new(&[]);
    let r = sb.same_as_lua(&["-e", "warn(\"one\")", "-W", "-e", "warn(\"two\")"], None);
    assert_eq!(r.stderr, "Lua warning: two\n");
}

#[test]
fn debug_debug_reads_commands_from_stdin() {
    // debug.debug runs the lines of stdin, prompting on stderr, until a
    // line "cont"; errors are reported and the loop goes on. The input
    // after "cont" is left for the script.
    let sb = Sandbox::new(&[]);
    let session = "print(\"in debug\")
error(\"oops\")
error(setmetatable({}, {__tostring = function () return \"custom\" end}))
x(
cont
print(\"after\")
";
    let r = sb.same_as_lua(
        &["-e", "debug.debug() print(\"read:\", io.read(\"l\"))"],
        Some(session),
    );
    assert_eq!(r.stdout, "in debug\nread:\tprint(\"after\")\n");
    assert_eq!(
        r.stderr,
        "lua_debug> lua_debug> (debug command):1: oops\nlua_debug> custom\nlua_debug> (debug command):2: unexpected symbol near <eof>\nlua_debug> "
    );
    // End of input ends it too.
    let r = sb.same_as_lua(
        &["-e", "debug.debug() print(\"done\")"],
        Some("print(\"from debug\")\n"),
    );
    assert_eq!(r.stdout, "from debug\ndone\n");
    assert_eq!(r.stderr, "lua_debug> lua_debug> ");
}

#[test]
fn w_turns_warnings_on() {
    let sb = Sandbox::new(&[]);
    let r = sb.same_as_lua(&["-W", "-e", "warn('hello', ' there')"], None);
    assert_eq!(r.stderr, "Lua warning: hello there\n");
    let r = sb.same_as_lua(&["-e", "warn('hidden')"], None);
    assert_eq!(r.stderr, "");
}

/// Finalizers that fail in several ways.
const GC_ERRORS_LUA: &str = r#"setmetatable({}, {__gc = function() error("in gc") end})
collectgarbage()
setmetatable({}, {__gc = function() error({}) end})
collectgarbage()
setmetatable({}, {__gc = function() error(42) end})
collectgarbage()
setmetatable({}, {__gc = function() local x = nil; return x.y end})
collectgarbage()
setmetatable({}, {__gc = 42})
collectgarbage()
setmetatable({}, {__gc = setmetatable({}, {__call = function() print("called __gc table") end})})
collectgarbage()
print("end")
"#;

#[test]
fn errors_in_finalizers_are_warnings() {
    // luaE_warnerror's "error in __gc (...)", a non-string error object
    // named so, and a __gc that is not a function called all the same.
    let sb = Sandbox::new(&[("gcerr.lua", GC_ERRORS_LUA)]);
    let r = sb.same_as_lua(&["-W", "gcerr.lua"], None);
    assert_eq!(r.stdout, "called __gc table\nend\n");
    assert_eq!(
        r.stderr,
        "Lua warning: error in __gc (gcerr.lua:1: in gc)\n\
         Lua warning: error in __gc (error object is not a string)\n\
         Lua warning: error in __gc (error object is not a string)\n\
         Lua warning: error in __gc (gcerr.lua:7: attempt to index a nil value (local 'x'))\n\
         Lua warning: error in __gc (attempt to call a number value (metamethod '__gc'))\n"
    );
    let r = sb.same_as_lua(&["gcerr.lua"], None);
    assert_eq!(r.stderr, "");
    // The same when the state closes at exit.
    sb.write(
        "gcclose.lua",
        b"setmetatable({}, {__gc = 42})\n\
          setmetatable({}, {__gc = function() error('at close') end})\n\
          print('end')\n",
    );
    let r = sb.same_as_lua(&["-W", "gcclose.lua"], None);
    assert_eq!(
        r.stderr,
        "Lua warning: error in __gc (gcclose.lua:2: at close)\n\
         Lua warning: error in __gc (attempt to call a number value (metamethod '__gc'))\n"
    );
}

#[test]
fn a_closed_stdout_ends_the_run_as_sigpipe_would() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_lunar"))
        .args([
            "-e",
            "for i = 1, 1e7 do print(i) end io.stderr:write('ran to the end')",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start lunar");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader goes away (as `| head -1` does).
    assert_eq!(first, "1\n");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(128 + 13));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
