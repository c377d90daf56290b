//! Golden runtime error messages: each case of `tests/data/errors.golden`
//! is a Lua chunk (named `=input`) and the exact text the standalone
//! interpreter prints when it fails: the message and the traceback, or a
//! syntax error's message. Each case is a test of its own (so that a case
//! that shows a known VM bug can be ignored alone), and
//! `expectations_match_lua54` checks the file against `lua5.4 -e` where
//! that interpreter is installed.
//!
//! `LUNAR_BLESS=1 cargo test -p lunar --test errors_golden` rewrites the
//! expected texts from what Lunar prints now (cases listed in
//! [`KNOWN_BUGS`] keep theirs). To add a case, append `=== name`, its
//! source and a `--- error` line to the file, list the name in
//! `golden_tests!` and bless.
//!
//! (The Go version checked these texts in its conformance scripts and in
//! examples; this file gathers them, and more, in one place.)

use lunar::Program;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The chunk name of every case: `input:LINE:` in messages.
const CHUNK: &str = "=input";

/// What `lua5.4 -e` calls its chunk, replaced by `input` to compare.
const LUA_CHUNK: &str = "(command line)";

/// The text of a run that raised no error.
const NO_ERROR: &str = "(no error)";

/// One case of the golden file.
#[derive(Clone, Debug)]
struct Case {
    name: String,
    /// Why `lua5.4` (Debian's 5.4.4) prints something else, when it does
    /// (a `--- lua5.4 differs: REASON` line after the name).
    lua_differs: Option<String>,
    source: String,
    expected: String,
}

/// The golden file's path.
fn golden_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/errors.golden")
}

/// Splits the golden file into its header (the `#` lines before the first
/// case) and its cases.
fn parse(text: &str) -> (String, Vec<Case>) {
    let mut header = String::new();
    let mut cases: Vec<Case> = Vec::new();
    // Which part of the current case the lines go to.
    #[derive(PartialEq)]
    enum Part {
        Source,
        Expected,
    }
    let mut part = Part::Source;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("=== ") {
            cases.push(Case {
                name: name.trim().to_string(),
                lua_differs: None,
                source: String::new(),
                expected: String::new(),
            });
            part = Part::Source;
            continue;
        }
        let Some(case) = cases.last_mut() else {
            header.push_str(line);
            header.push('\n');
            continue;
        };
        if part == Part::Source
            && case.source.is_empty()
            && let Some(reason) = line.strip_prefix("--- lua5.4 differs:")
        {
            case.lua_differs = Some(reason.trim().to_string());
            continue;
        }
        if line == "--- error" && part == Part::Source {
            part = Part::Expected;
            continue;
        }
        let to = match part {
            Part::Source => &mut case.source,
            Part::Expected => &mut case.expected,
        };
        to.push_str(line);
        to.push('\n');
    }
    for c in &mut cases {
        trim_end_newlines(&mut c.source);
        trim_end_newlines(&mut c.expected);
    }
    (header, cases)
}

/// Drops the newlines at the end of `s` (cases are separated by a blank
/// line that belongs to none).
fn trim_end_newlines(s: &mut String) {
    while s.ends_with('\n') {
        s.pop();
    }
}

/// The golden file's text for `header` and `cases`.
fn render(header: &str, cases: &[Case]) -> String {
    let mut out = header.to_string();
    for (i, c) in cases.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("=== {}\n", c.name));
        if let Some(r) = &c.lua_differs {
            out.push_str(&format!("--- lua5.4 differs: {r}\n"));
        }
        out.push_str(&c.source);
        out.push_str("\n--- error\n");
        out.push_str(&c.expected);
        out.push('\n');
    }
    out
}

/// Reads and parses the golden file.
fn load() -> (String, Vec<Case>) {
    let path = golden_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse(&text)
}

/// What Lunar prints for `source` as `lua5.4 -e` would: a syntax error's
/// message, or the message of the runtime error and (as lua.c's message
/// handler does, except after a `__tostring` text) the traceback.
fn lunar_output(source: &str) -> String {
    let source = source.to_string();
    // Deep recursion (the stack overflow case) wants more than a test
    // thread's default stack.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let program = match Program::compile(CHUNK, source.as_bytes()) {
                Ok(p) => p,
                Err(e) => return e.to_string(),
            };
            let mut state = lunar::raw::new_state();
            let f = lunar::raw::load_program(&mut state, &program)
                .expect("a compiled program verifies");
            match lunar::raw::call_traced(&mut state, f, &[]) {
                Ok(_) => NO_ERROR.to_string(),
                Err(e) => {
                    let (msg, with_traceback) = lunar::raw::describe_error(&mut state, e.value);
                    let mut out = String::from_utf8_lossy(&msg).into_owned();
                    if with_traceback && let Some(tb) = e.traceback {
                        out.push('\n');
                        out.push_str(tb.trim_end_matches('\n'));
                    }
                    out
                }
            }
        })
        .expect("spawn a case thread")
        .join()
        .unwrap_or_else(|p| {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("(panic: {msg})")
        })
}

/// Runs the case `name` and compares its output with the golden text.
fn check_case(name: &str) {
    if blessing() {
        // `golden_file_lists_the_tests` rewrites the file meanwhile.
        return;
    }
    let (_, cases) = load();
    let case = cases
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name} in {}", golden_path().display()));
    let got = lunar_output(&case.source);
    assert!(
        got == case.expected,
        "case {name}:\n--- source\n{}\n--- got\n{got}\n--- want\n{}\n(LUNAR_BLESS=1 rewrites the golden file)",
        case.source,
        case.expected
    );
}

/// Whether this run rewrites the golden file.
fn blessing() -> bool {
    std::env::var_os("LUNAR_BLESS").is_some_and(|v| v == "1")
}

/// One test per case; `TESTED` lists them all.
macro_rules! golden_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_case(stringify!($name));
            }
        )*
        /// Every case that has a test.
        const TESTED: &[&str] = &[$(stringify!($name)),*];
    };
}

/// Cases that fail because of a bug in the VM or the libraries: each is a
/// test marked `#[ignore]` with the reason, and blessing keeps its
/// expected text.
macro_rules! known_bugs {
    ($($name:ident: $reason:literal),* $(,)?) => {
        $(
            #[test]
            #[ignore = $reason]
            fn $name() {
                check_case(stringify!($name));
            }
        )*
        /// The cases that show known bugs, with the reasons.
        const KNOWN_BUGS: &[(&str, &str)] = &[$((stringify!($name), $reason)),*];
    };
}

golden_tests! {
    deep_traceback_elided,
    stack_overflow_traceback,
    deep_traceback_with_tail_calls,
    stack_overflow_small_frames,
    index_nil_local,
    index_nil_global,
    index_nil_field,
    index_nil_integer_key,
    index_nil_upvalue,
    index_number_local,
    index_boolean_constant,
    newindex_nil_global,
    newindex_nil_field,
    call_nil_global,
    call_nil_field,
    call_nil_method,
    call_table_local,
    call_nil_upvalue,
    call_string_value,
    call_number_for_iterator,
    arith_nil_global,
    arith_table_local,
    arith_nil_field,
    arith_nil_integer_key,
    arith_nil_upvalue,
    arith_non_numeric_string_constant,
    arith_non_numeric_string_local,
    unary_minus_table,
    pow_boolean,
    bitwise_float,
    bitwise_string_constant,
    bitwise_table_local,
    shift_float_amount,
    bitwise_numeric_string_float,
    integer_division_by_zero,
    integer_modulo_by_zero,
    concat_nil_local,
    concat_table,
    concat_boolean_global,
    compare_number_nil,
    compare_two_tables,
    compare_string_number,
    compare_tables_le,
    length_nil_local,
    length_number,
    for_initial_value,
    for_limit,
    for_step,
    for_step_zero,
    error_string,
    error_level_0,
    error_level_2,
    error_table,
    error_tostring_object,
    error_nil,
    error_number,
    error_float,
    error_multiline,
    error_in_nested_functions,
    error_in_method,
    error_in_field_function,
    error_in_anonymous_function,
    error_rethrown_by_pcall,
    assert_false,
    assert_message,
    assert_table_message,
    assert_load_syntax_error,
    stdlib_bad_argument,
    stdlib_bad_argument_method,
    stdlib_bad_self,
    stdlib_format_method_shift,
    stdlib_format_no_integer,
    stdlib_format_invalid_conversion,
    stdlib_setmetatable_number,
    stdlib_setmetatable_bad_metatable,
    stdlib_protected_metatable,
    stdlib_tonumber_base,
    stdlib_select_index,
    stdlib_tostring_no_value,
    stdlib_tostring_bad_result,
    stdlib_ipairs_nil,
    stdlib_rawset_nil_key,
    stdlib_next_invalid_key,
    stdlib_string_char_range,
    stdlib_utf8_char_range,
    stdlib_math_random_empty,
    stdlib_math_floor_string,
    stdlib_string_rep_too_large,
    stdlib_table_insert_arguments,
    stdlib_table_insert_position,
    stdlib_table_concat_invalid,
    stdlib_table_sort_compare,
    stdlib_table_sort_invalid_order,
    stdlib_gsub_capture_index,
    stdlib_find_malformed_pattern,
    stdlib_os_time_missing_field,
    table_nil_index,
    table_nan_index,
    metamethod_index_loop,
    metamethod_newindex_loop,
    metamethod_add_error,
    metamethod_index_error_level_2,
    metamethod_call_missing,
    close_non_closable,
    close_error,
    coroutine_wrap_error,
    coroutine_wrap_dead,
    coroutine_yield_outside,
    coroutine_wrap_error_table,
    coroutine_resume_bad_argument,
    coroutine_close_running,
    coroutine_yield_across_sort,
    stack_overflow_message,
    syntax_unexpected_symbol,
    syntax_unclosed_paren,
    syntax_goto_undefined,
    syntax_const_assign,
    index_number_value_from_metamethod,
    index_nil_nested_field,
    call_global_through_local_env,
    method_on_number_local,
    arith_named_userdata,
    arith_with_name_metafield,
    compare_two_named_userdata,
    concat_named_table,
    compare_number_string,
    length_metamethod_error,
    tail_call_traceback,
    error_level_3,
    load_named_chunk,
    load_file_chunk,
    load_string_chunk,
    load_long_string_chunk,
    stdlib_bad_argument_through_pcall,
    stdlib_bad_argument_local_alias,
    stdlib_bad_argument_field_of_local_table,
    xpcall_traceback_handler,
    error_in_coroutine_traceback,
    string_method_bad_self_number,
    syntax_break_outside_loop,
    syntax_unknown_attribute,
    syntax_goto_into_local_scope,
    syntax_unfinished_string,
    syntax_malformed_number,
    syntax_eof_expected,
    for_limit_non_numeric_string,
    bitwise_on_huge_float,
    stdlib_format_string_no_integer,
    stdlib_utf8_codepoint_invalid,
    stdlib_pack_size_limits,
    stdlib_math_random_arguments,
    stdlib_table_unpack_too_many,
    stdlib_select_negative,
    stdlib_setmetatable_no_args,
    call_nil_method_on_string_constant,
    stdlib_rawlen_number,
    stdlib_ipairs_no_args,
    stdlib_tonumber_base_number,
    stdlib_load_bad_mode,
    stdlib_os_date_bad_format,
    coroutine_wrap_resume_running,
    traceback_with_tail_call_and_pcall,
    debug_traceback_levels,
}

known_bugs! {}

/// Every case in the file has a test and every test a case; with
/// `LUNAR_BLESS=1`, rewrites the expected texts from Lunar's output.
#[test]
fn golden_file_lists_the_tests() {
    let (header, mut cases) = load();
    let in_file: BTreeSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(in_file.len(), cases.len(), "a case name is used twice");
    let tested: BTreeSet<&str> = TESTED
        .iter()
        .chain(KNOWN_BUGS.iter().map(|(n, _)| n))
        .copied()
        .collect();
    let untested: Vec<_> = in_file.difference(&tested).collect();
    let missing: Vec<_> = tested.difference(&in_file).collect();
    assert!(
        untested.is_empty() && missing.is_empty(),
        "cases without a test (list them in golden_tests!): {untested:?}; \
         tests without a case: {missing:?}"
    );
    if !blessing() {
        return;
    }
    let mut changed = 0;
    for c in &mut cases {
        if KNOWN_BUGS.iter().any(|(n, _)| *n == c.name) {
            continue;
        }
        let got = lunar_output(&c.source);
        if got != c.expected {
            changed += 1;
            c.expected = got;
        }
    }
    std::fs::write(golden_path(), render(&header, &cases)).expect("write the golden file");
    eprintln!(
        "blessed {}: {changed} cases changed",
        golden_path().display()
    );
}

/// The path of `lua5.4` when it is installed (on `PATH`).
fn lua54() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("lua5.4"))
        .find(|p| p.is_file())
}

/// What `lua5.4 -e SOURCE` prints on stderr, with the program name and
/// the chunk name adjusted to the golden file's.
fn lua54_output(lua: &Path, source: &str) -> String {
    let out = Command::new(lua)
        .arg("-e")
        .arg(source)
        .env_remove("LUA_INIT")
        .env_remove("LUA_INIT_5_4")
        .output()
        .expect("run lua5.4");
    if out.status.success() {
        return NO_ERROR.to_string();
    }
    let err = String::from_utf8_lossy(&out.stderr);
    // lua.c prefixes its messages with its argv[0].
    let prog = format!("{}: ", lua.display());
    let err = err
        .strip_prefix(prog.as_str())
        .or_else(|| err.strip_prefix("lua5.4: "))
        .unwrap_or(&err);
    err.replace(LUA_CHUNK, "input")
        .trim_end_matches('\n')
        .to_string()
}

/// The reference interpreter prints what the golden file expects, except
/// in the cases marked `--- lua5.4 differs` (behaviour changed between
/// Debian's 5.4.4 and 5.4.7, which Lunar follows).
#[test]
fn expectations_match_lua54() {
    if blessing() {
        // The file is being rewritten meanwhile.
        return;
    }
    let Some(lua) = lua54() else {
        eprintln!("skipped: lua5.4 is not installed (not on PATH)");
        return;
    };
    let (_, cases) = load();
    let mut wrong = Vec::new();
    for c in &cases {
        let got = lua54_output(&lua, &c.source);
        match (&c.lua_differs, got == c.expected) {
            (None, false) => wrong.push(format!(
                "case {}:\n--- lua5.4\n{got}\n--- golden\n{}",
                c.name, c.expected
            )),
            (Some(_), true) => wrong.push(format!(
                "case {}: marked as differing but lua5.4 agrees; drop the mark",
                c.name
            )),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// The parser keeps a case as it was written, marks included.
#[test]
fn golden_format_round_trips() {
    let text = "# header\n=== a\nreturn 1\n--- error\n(no error)\n\n=== b\n--- lua5.4 differs: why\nerror('x')\n\n--- error\ninput:1: x\nstack traceback:\n\t[C]: in ?\n";
    let (header, cases) = parse(text);
    assert_eq!(header, "# header\n");
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[1].lua_differs.as_deref(), Some("why"));
    assert_eq!(cases[1].source, "error('x')");
    assert_eq!(
        cases[1].expected,
        "input:1: x\nstack traceback:\n\t[C]: in ?"
    );
    let again = render(&header, &cases);
    let (h2, c2) = parse(&again);
    assert_eq!(h2, header);
    assert_eq!(format!("{c2:?}"), format!("{cases:?}"));
}
