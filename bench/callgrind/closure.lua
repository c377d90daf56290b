-- Closure creation with one upvalue.
local N = tonumber(arg and arg[1]) or 1000000
local f
for i = 1, N do f = function() return i end end
print(f and f())
