-- Closing methods that run because of an error run after the frames
-- above the protected call are gone: their caller is pcall (or xpcall).
-- A __close metamethod removed after the variable was marked is still
-- called, and fails.

local function closer(f)
  return setmetatable({}, {__close = f})
end

local function body(fail)
  local a <close> = closer(function (_, err)
    print("close a", debug.getinfo(2, "n").name, err)
  end)
  local b <close> = closer(function (_, err)
    print("close b", debug.getinfo(2, "n").name, err)
    error("from b", 0)
  end)
  if fail then error("from body", 0) end
  return "returned"
end

print(pcall(body, true))
print(pcall(body, false))
print(xpcall(body, function (m) return "handled: " .. m end, true))

-- who is level 2 of a closing method that ran for an error, in a chain
local function inner()
  local c <close> = closer(function ()
    local info = debug.getinfo(2, "nS")
    print("close c", info.name, info.what)
  end)
  error("inner failed", 0)
end
local function outer() inner() end
print(pcall(outer))

-- removed or replaced metamethods
local function removed()
  local x <close> = closer(print)
  getmetatable(x).__close = nil
end
print(pcall(removed))

local function replaced()
  local first <close> = closer(function (_, err)
    print("first sees", err)
  end)
  local x <close> = closer(print)
  getmetatable(x).__close = 42
end
print(pcall(replaced))

local function removedOnError()
  local x <close> = closer(print)
  getmetatable(x).__close = nil
  error("original", 0)
end
print(pcall(removedOnError))
