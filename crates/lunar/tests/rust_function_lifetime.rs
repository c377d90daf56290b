//! A typed Rust function (`State::create_function`) stays alive while it
//! runs, whatever the Lua code it calls does to it: replacing or reading
//! its upvalues with `debug.setupvalue`/`debug.getupvalue` (it has none:
//! the closure is the function's host data, not an upvalue), clearing the
//! caller's locals with `debug.setlocal`, dropping every reference to it
//! and collecting. Its closure is dropped once the function is garbage.

use lunar::{Function, State};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Sets its flag when dropped: tells whether the closure that owns it was
/// freed.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Registers `keep(cb)`: a Rust function that calls `cb` and then reads
/// the data its closure owns (a string and a drop flag), returning the
/// string and whether the flag was set meanwhile (it must not be).
fn register_keep(state: &mut State, dropped: &Arc<AtomicBool>) {
    let flag = DropFlag(dropped.clone());
    let text = String::from("the closure's own data");
    let keep = state.create_function(move |cx, cb: Function| {
        let extra: Option<String> = cx.call(&cb, ())?;
        // Touch the captured data after the Lua code ran: a freed closure
        // would show here (and under a memory checker).
        let freed = flag.0.load(Ordering::SeqCst);
        Ok((format!("{text}{}", extra.unwrap_or_default()), freed))
    });
    state.set_global("keep", keep).expect("sets the global");
}

/// Collects fully and checks that the closure `register_keep` made was
/// freed (the function is garbage by then).
fn assert_freed_once_garbage(state: &mut State, dropped: &AtomicBool) {
    state
        .exec::<()>("t.lua", "collectgarbage() collectgarbage()")
        .expect("collects");
    assert!(
        dropped.load(Ordering::SeqCst),
        "the closure was never freed"
    );
}

#[test]
fn replacing_a_rust_functions_upvalue_during_its_call_is_harmless() {
    let mut state = State::new();
    let dropped = Arc::new(AtomicBool::new(false));
    register_keep(&mut state, &dropped);
    let (text, freed, name_get, name_set, after): (
        String,
        bool,
        Option<String>,
        Option<String>,
        String,
    ) = state
        .exec(
            "t.lua",
            r#"
            local f = keep
            local name_get, name_set
            local text, freed = f(function()
                -- No upvalue to read or replace: both give nothing.
                name_get = debug.getupvalue(f, 1)
                name_set = debug.setupvalue(f, 1, {})
                debug.setupvalue(f, 2, "x")
                -- Drop every reference Lua code can reach and collect.
                keep, f = nil, nil
                collectgarbage()
                collectgarbage()
                return ", still here"
            end)
            return text, freed, name_get, name_set, type(keep)
            "#,
        )
        .expect("runs");
    assert_eq!(text, "the closure's own data, still here");
    assert!(!freed, "the closure was freed while it ran");
    assert_eq!((name_get, name_set), (None, None));
    assert_eq!(after, "nil");
    // Now garbage: a full collection frees it, and its closure.
    assert_freed_once_garbage(&mut state, &dropped);
}

#[test]
fn clearing_the_callers_locals_during_a_rust_call_is_harmless() {
    let mut state = State::new();
    let dropped = Arc::new(AtomicBool::new(false));
    register_keep(&mut state, &dropped);
    let (text, freed): (String, bool) = state
        .exec(
            "t.lua",
            r#"
            local function caller()
                local f = keep
                keep = nil
                return f(function()
                    -- Level 1 is this function, 2 the Rust function,
                    -- 3 `caller`: nil every slot of it that
                    -- debug.setlocal reaches (not the Rust function's
                    -- own slot, which is the callee's).
                    for i = 1, 20 do debug.setlocal(3, i, nil) end
                    collectgarbage()
                    collectgarbage()
                end)
            end
            return caller()
            "#,
        )
        .expect("runs");
    assert_eq!(text, "the closure's own data");
    assert!(!freed, "the closure was freed while it ran");
    assert_freed_once_garbage(&mut state, &dropped);
}

#[test]
fn a_rust_function_called_from_a_coroutine_survives_a_collection() {
    let mut state = State::new();
    let dropped = Arc::new(AtomicBool::new(false));
    register_keep(&mut state, &dropped);
    let (text, freed): (String, bool) = state
        .exec(
            "t.lua",
            r#"
            local co = coroutine.wrap(function()
                local f = keep
                keep = nil
                return f(function()
                    f = nil
                    coroutine.wrap(function() collectgarbage() end)()
                    collectgarbage()
                end)
            end)
            return co()
            "#,
        )
        .expect("runs");
    assert_eq!(text, "the closure's own data");
    assert!(!freed, "the closure was freed while it ran");
}
