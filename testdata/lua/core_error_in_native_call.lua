-- An error raised in a Lua function that a native function called (a
-- __tostring metamethod run by tostring, a gsub replacement function):
-- the frames between the error and the protected call stay intact until
-- it unwinds, so the message handler's traceback names every level and
-- the pending to-be-closed variables are all closed.

local function mk(n)
  return setmetatable({}, {__close = function(_, e) print("close", n, e) end})
end

local obj = setmetatable({}, {__tostring = function()
  local a <close> = mk("a")
  local b <close> = mk("b")
  local c <close> = mk("c")
  error("tostr")
end})

print(pcall(tostring, obj))
print(pcall(function() return tostring(obj) end))
print(xpcall(function() return tostring(obj) end,
  function(m) print(debug.traceback("handler")) return m end))
print(pcall(coroutine.wrap(function() return tostring(obj) end)))
local co = coroutine.create(function() return tostring(obj) end)
print(coroutine.resume(co))
print(coroutine.close(co))

print(xpcall(string.gsub, debug.traceback, "x", "x", function()
  local z <close> = mk("z")
  error("in gsub")
end))

local plain = setmetatable({}, {__tostring = function() error("plain") end})
print(xpcall(function() return tostring(plain) end, debug.traceback))
print(xpcall(function() return tostring(plain) end,
  function(m) return debug.traceback(m) end))

-- the same through table.sort's comparison and a __index function
print(xpcall(table.sort, debug.traceback, {3, 2, 1}, function(a, b)
  local y <close> = mk("y")
  error("cmp")
end))
print(xpcall(function()
  return setmetatable({}, {__index = function(t, k)
    local w <close> = mk("w")
    return tostring(obj)
  end}).key
end, debug.traceback))
