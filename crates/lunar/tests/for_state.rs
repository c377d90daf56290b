//! A numeric `for` loop reads its hidden counters without testing their
//! tags (the dispatch loop's FORLOOP): `debug.setlocal` is the only way to
//! put another type there, and then the loop must go on from the bits it
//! finds, never make a value of another type from them, and leave the
//! state sound. (The reference reads such bits the same way.)

mod common;

use common::run_ok;

/// The loop's three hidden locals, by their `debug.getlocal` indices.
const STATES: &str = r#"
local function states(level)
  local idx = {}
  for n = 1, 50 do
    local name = debug.getlocal(level + 1, n)
    if not name then break end
    if name == "(for state)" then idx[#idx + 1] = n end
  end
  assert(#idx == 3, "three hidden locals")
  return idx
end
"#;

#[test]
fn index_set_to_other_types() {
    for v in ["'a string'", "{}", "nil", "true", "false", "print", "2.5"] {
        let src = format!(
            r#"{STATES}
            local n, types = 0, {{}}
            for i = 1, 5 do
              n = n + 1
              types[#types + 1] = math.type(i)
              if i == 1 then debug.setlocal(1, states(1)[1], {v}) end
            end
            collectgarbage()
            assert(n == 5, "iterations: " .. n)
            for _, t in ipairs(types) do assert(t == "integer", t) end
            return "ok"
            "#
        );
        run_ok(&format!("index = {v}"), &src);
    }
}

#[test]
fn float_loop_index_set_to_other_types() {
    for v in ["'a string'", "{}", "nil", "7"] {
        let src = format!(
            r#"{STATES}
            local n = 0
            for x = 0.5, 2.5, 0.5 do
              n = n + 1
              assert(math.type(x) == "float")
              if n == 1 then debug.setlocal(1, states(1)[1], {v}) end
              if n > 100 then break end
            end
            collectgarbage()
            return "ok"
            "#
        );
        run_ok(&format!("float index = {v}"), &src);
    }
}

#[test]
fn count_set_to_zero_and_step_to_a_string() {
    let src = format!(
        r#"{STATES}
        local n = 0
        for i = 1, 10 do
          n = n + 1
          if i == 2 then debug.setlocal(1, states(1)[2], 0) end
        end
        assert(n == 2, n)
        local m = 0
        for i = 1, 10 do
          m = m + 1
          if i == 2 then debug.setlocal(1, states(1)[3], "step") end
        end
        assert(m == 2, m)
        collectgarbage()
        return "ok"
        "#
    );
    run_ok("count and step", &src);
}
