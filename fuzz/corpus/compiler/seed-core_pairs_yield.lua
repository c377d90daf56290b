-- pairs calls __pairs so that it may yield (lua_callk in the reference):
-- a coroutine can yield from inside __pairs and resume the loop.

local t = setmetatable({10, 20, 30}, {__pairs = function (t)
  local step = coroutine.yield("in __pairs")
  return function (t, i)
    if i > 1 then return i - step, t[i - step] end
  end, t, #t + 1
end})

local co = coroutine.create(function ()
  local seen = {}
  for i, v in pairs(t) do seen[#seen + 1] = i .. "=" .. v end
  return table.concat(seen, " ")
end)
print(coroutine.resume(co))
print(coroutine.resume(co, 1))
print(coroutine.status(co))

-- The values __pairs returns are truncated or completed to three.
local u = setmetatable({}, {__pairs = function (x)
  coroutine.yield()
  return next, {a = 1}, nil, "extra"
end})
local w = coroutine.wrap(function ()
  local n = 0
  for k, v in pairs(u) do n = n + 1; print(k, v) end
  return n
end)
w()
print(w())

-- An error in __pairs after a yield propagates to the resumer.
local bad = setmetatable({}, {__pairs = function ()
  coroutine.yield()
  error("pairs failed")
end})
local c = coroutine.wrap(function () for _ in pairs(bad) do end end)
c()
print(pcall(c))

-- Outside a coroutine, __pairs that yields fails as any yield would.
print(pcall(pairs, setmetatable({}, {__pairs = function () coroutine.yield() end})))
