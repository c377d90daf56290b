-- varargs in every position
local a = ...
local b, c = ...
local t = {...}
local u = {..., 1}
print(...)
print(1, ...)
print((...))
local function f(x, ...) return select("#", ...), ... end
return ...
