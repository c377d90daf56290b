-- §6.2: a wrapped coroutine that fails is closed by the wrapper; a
-- to-be-closed variable that calls the wrapper again while it is being
-- closed gets "cannot resume non-suspended coroutine" (the official test
-- suite's coroutine.lua, "bug in 5.4.1").
local function func2close(f)
  return setmetatable({}, {__close = f})
end
local co
co = coroutine.wrap(function()
  local x <close> = func2close(function() print("close", pcall(co)) end)
  error(111)
end)
print(pcall(co))
print(pcall(co))
