-- pairs returns the next function itself.
print(pairs({}) == next)
local f, t, k = pairs({10})
print(f == next, type(t), k)
-- A bad table reaches next, which a traceback names.
print(xpcall(function() for _ in pairs(nil) do end end, debug.traceback))
print(xpcall(function() for _ in next, 42 do end end, debug.traceback))
