-- coroutine.close of a coroutine that died in error reports the error,
-- even when the error value is nil or false (then closing again is fine).
local function dead_with(f)
  local co = coroutine.create(f)
  print("resume", coroutine.resume(co))
  print("status", coroutine.status(co))
  return co
end

local co = dead_with(function() error(nil) end)
print("close", coroutine.close(co))
print("again", coroutine.close(co))

co = dead_with(function() error() end)
print("close", coroutine.close(co))

co = dead_with(function() error(false) end)
print("close", coroutine.close(co))

co = dead_with(function() error("msg", 0) end)
print("close", coroutine.close(co))

-- A pending variable closes with the nil error and may raise its own.
co = coroutine.create(function()
  local x <close> = setmetatable({}, {__close = function(_, e)
    print("closing with", e)
  end})
  coroutine.yield()
end)
coroutine.resume(co)
print("close suspended", coroutine.close(co))

co = coroutine.create(function()
  local x <close> = setmetatable({}, {__close = function() error(nil) end})
  coroutine.yield()
end)
coroutine.resume(co)
print("close raising nil", coroutine.close(co))

-- A normal end is not an error.
co = dead_with(function() return nil end)
print("close", coroutine.close(co))
