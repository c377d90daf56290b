//! The starting chunks and the edits of the `chunk_mutate` and `vm_chunk`
//! targets (included with `#[path]`, not a target of its own).

use std::sync::OnceLock;

use lunar_compile::chunk::dump;
use lunar_compile::compile_source;

/// Small programs that together use most instructions, every constant
/// type, nested functions, upvalues and debug information.
const PROGRAMS: &[&str] = &[
    "return 1",
    "local a, b = ... return a + b * 2 - 1 // 3 % 4 ^ 5, a & b | ~a << 1 >> 2, -a, not b, #a, a .. b",
    "local t = {1, 2.5, 'x', nil, true, false, x = 1, [2] = {}} t.y = t[1] return t, #t",
    "local function f(n) if n < 2 then return n end return f(n - 1) + f(n - 2) end return f(10)",
    "local s = 0 for i = 1, 10, 2 do s = s + i end for k, v in pairs({}) do s = s + v end return s",
    "local x = 0 while x < 10 do x = x + 1 if x == 5 then break end end repeat x = x - 1 until x <= 0 return x",
    "local function mk() local c = 0 return function(...) c = c + select('#', ...) return c, ... end end return mk()(1, 2, 3)",
    "do local x <close> = nil local y <const> = 42 goto done ::done:: return y end",
    "local a = {} a.b = {c = {}} a.b.c.d = 'deep' return a.b.c.d, a['b'], 1e300, -0.0, 0x7fffffffffffffff, 'a\\0b'",
    "local t = setmetatable({}, {__index = function(t, k) return k end}) return t.x == 'x' and t[1] ~= 2 or t >= t",
    "local function v(...) local a, b = ... return {...}, select(2, ...), a, b end return v(1, nil, 3)",
    "for i = 1.0, 3 do local f = function() return i end end local x <const> = 3.5 return x // 1, 7 // 0.0, 2^53",
    "local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end) return co(1), co(20)",
    "local mt = {__add = function(a, b) return 7 end, __concat = function() return 'c' end, __close = function() end, __len = function() return 3 end} local o <close> = setmetatable({}, mt) return o + 1, o .. 'x', #o",
    "local function t(n, acc) if n == 0 then return acc end return t(n - 1, acc + n) end local s = ('%d:%s'):format(t(50, 0), ('ab'):rep(3)) return s:upper(), s:find('b+'), s:gsub('a', 'A')",
    "local t = {} for i = 1, 20 do t[i] = i * i end table.sort(t, function(a, b) return a > b end) local n = 0 for k, v in pairs(t) do n = n + k end return table.concat(t, ','), n, next(t)",
];

/// Every program dumped, with and without debug information.
fn chunks() -> &'static Vec<Vec<u8>> {
    static CHUNKS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CHUNKS.get_or_init(|| {
        let mut v = Vec::new();
        for src in PROGRAMS {
            let p = compile_source("@prog.lua", src.as_bytes())
                .unwrap_or_else(|e| panic!("seed program does not compile: {e}\n{src}"));
            v.push(dump(&p, false));
            v.push(dump(&p, true));
        }
        v
    })
}

/// The edited chunk: `pick` chooses a program and `strip`; `edits` are
/// groups of four bytes, `offset (u16 le), action, value`.
pub fn mutated_chunk(pick: u8, edits: &[u8]) -> Vec<u8> {
    let all = chunks();
    let mut bin = all[pick as usize % all.len()].clone();
    for e in edits.chunks_exact(4) {
        if bin.is_empty() {
            break;
        }
        let at = u16::from_le_bytes([e[0], e[1]]) as usize % bin.len();
        let v = e[3];
        match e[2] % 6 {
            0 => bin[at] ^= v,
            1 => bin[at] = v,
            2 => bin.insert(at, v),
            3 => {
                bin.remove(at);
            }
            4 => bin.truncate(at),
            // Bumps a byte up or down by one: counts, lengths and operands.
            _ => {
                bin[at] = if v & 1 == 0 {
                    bin[at].wrapping_add(1)
                } else {
                    bin[at].wrapping_sub(1)
                }
            }
        }
    }
    bin
}
