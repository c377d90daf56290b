-- table.unpack gives as many results as the stack has room for, as
-- lua_checkstack counts it: near the limit inside a fresh coroutine,
-- a little less in the main chunk, and never past it.
local t = setmetatable({}, {__index = function(_, k) return k end})
print(pcall(function() return select("#", table.unpack(t, 1, 999000)) end))
print(pcall(function() return select("#", table.unpack(t, 1, 1000000)) end))
print(coroutine.wrap(function()
  return select("#", table.unpack(t, 1, 999950))
end)())
-- and they all reach the resumer
local many = coroutine.wrap(function() return table.unpack(t, 1, 999950) end)
print(pcall(function() return select("#", many()) end))
print(pcall(table.unpack, {}, math.mininteger, math.maxinteger))
print(pcall(table.unpack, {}, 1, math.maxinteger))
print(select("#", table.unpack({}, 5, 4)))
