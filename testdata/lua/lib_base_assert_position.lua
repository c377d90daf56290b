-- assert raises its message as error does with level 1: a string message
-- gets the position of assert's caller; other values are raised as they are.
print(pcall(function() assert(false, "msg") end))
print(pcall(function() assert(nil) end))
print(pcall(function() assert(1 == 2, "x", "y") end))
print(pcall(function() assert(false, 42) end))
local ok, e = pcall(function() assert(false, {tag = "t"}) end)
print(ok, type(e), e.tag)
print(pcall(function() assert() end))
print(pcall(function() local m = setmetatable({}, {__tostring = function() return "TS" end}); assert(false, m) end))
-- Called directly by pcall, assert's caller is not Lua code: no position.
print(pcall(assert, false, "direct"))
print(pcall(assert, nil))
print(assert(1, 2, 3))
