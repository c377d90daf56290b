//! Behaviour where Lua 5.4.7 differs from the `lua5.4` installed for the
//! conformance suite (Debian's 5.4.4) because of bugs fixed in between:
//! these cannot be conformance scripts, whose expected output comes from
//! that interpreter. Each chunk returns the string "ok" when all is right.
//! (Ported from the Go version's fixed_bugs_test.go.)

mod common;

use common::run_ok;

/// Runs `src` on a fresh state and checks that it returns "ok". The run
/// has a thread with a main thread's stack (8 MiB, as the standalone
/// interpreter has) rather than a test thread's 2 MiB.
fn check(name: &str, src: &str) {
    check_on_stack(name, src, 8 << 20);
}

/// [`check`] on a thread with `stack` bytes of stack.
fn check_on_stack(name: &str, src: &str, stack: usize) {
    let (name, src) = (name.to_string(), src.to_string());
    let res = std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || run_ok(&name, &src))
        .expect("spawn a test thread")
        .join();
    if let Err(p) = res {
        std::panic::resume_unwind(p);
    }
}

/// Wrong code for a bitwise operation with an integer first operand in a
/// function with more than 256 constants (fixed in 5.4.5).
#[test]
fn bitwise_constant_operand() {
    check(
        "bitwise constant operand",
        r#"
        local code = {"local x = {"}
        for i = 1, 257 do code[#code + 1] = i .. ".1," end
        code[#code + 1] = "}; return "
        code = table.concat(code)
        local cases = {
            {"1 ~ (2 or 3)", 3}, {"1 | (2 or 3)", 3}, {"1 & (2 or 3)", 0},
            {"7 & (6 and 5)", 5}, {"1 + (2 or 3)", 3}, {"1 << (2 or 3)", 4},
            {"1000 ~ (2 or 3)", 1002},
        }
        for _, c in ipairs(cases) do
            local got = load(code .. c[1])()
            if got ~= c[2] then
                return c[1] .. " gave " .. tostring(got)
            end
        end
        return "ok""#,
    );
}

/// A chain of coroutine.close calls, each closing method closing the next
/// coroutine: 1000 suspended coroutines, each with a to-be-closed variable
/// whose `__close` closes the previous one.
const CLOSE_CHAIN: &str = r#"
        local count, co = 0, false
        for i = 1, 1000 do
            local previous = co
            co = coroutine.create(function ()
                local x <close> = setmetatable({}, {__close = function ()
                    count = count + 1
                    if previous then assert(coroutine.close(previous)) end
                end})
                coroutine.yield()
            end)
            coroutine.resume(co)
        end
        local ok, msg = coroutine.close(co)
        if ok or not string.find(msg, "C stack overflow$") then
            return "close gave " .. tostring(ok) .. ", " .. tostring(msg)
        end
        if count < 150 or count > 200 then
            return "closed " .. count .. " coroutines"
        end
        return "ok""#;

/// The close chain counts as nested C calls and ends in "C stack overflow"
/// after 150 to 200 levels (fixed in 5.4.6 by lua_closethread; 5.4.4
/// closes all 1000).
#[test]
fn coroutine_close_chain() {
    check("coroutine.close chain", CLOSE_CHAIN);
}

/// The same chain on a test thread's default stack (2 MiB): the VM must
/// stop at its C-call limit with a Lua error before the native stack runs
/// out (a script must never crash the host).
#[test]
fn coroutine_close_chain_small_stack() {
    check_on_stack("coroutine.close chain", CLOSE_CHAIN, 2 << 20);
}
