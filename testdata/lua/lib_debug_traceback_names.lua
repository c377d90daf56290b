-- A traceback names a function by how it was called when it is not found
-- among the loaded modules: a global of a custom _ENV or one since
-- reassigned is a "global", not a "function".
local env = setmetatable({}, {__index = _G})
local f = load("function gf() error('x') end; function gg() local r = gf(); return r end; gg()", "=c", "t", env)
print(xpcall(f, debug.traceback))
function G1() error('y') end
local g1 = G1
G1 = nil
print(xpcall(function() local r = g1(); return r end, debug.traceback))
function G2() error('z') end
print(xpcall(function() local r = G2(); return r end, debug.traceback))
-- An error handler runs in place of the failed call and gets its name.
print(xpcall(function() undefinedfn() end, function(m) return debug.traceback(m, 1) end))
