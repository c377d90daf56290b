-- A message handler runs for a stack overflow too, with some extra room;
-- a handler that overflows again gives "error in error handling". The
-- room is given back afterwards: later overflows behave the same.

local function overflow(n) return 1 + overflow(n + 1) end

local function closer(f)
  return setmetatable({}, {__close = f})
end

for round = 1, 2 do
  print("round", round)
  print(xpcall(overflow, function (m) return "handled: " .. m end, 0))

  -- the handler may call functions and use to-be-closed variables
  local function handler(m)
    local x <close> = closer(function (o) o.closed = true end)
    return {msg = string.gsub(m, "^.-:%d+: ", ""), obj = x}
  end
  local ok, res = xpcall(overflow, handler, 0)
  print(ok, res.msg, res.obj.closed)

  -- a handler that overflows in turn
  local function deep(m) return deep(m) .. "" end
  print(xpcall(overflow, deep, 0))

  -- a handler that raises another error
  print(xpcall(overflow, function () error("again") end, 0))

  -- without a handler
  print(pcall(overflow, 0))

  -- a traceback of an overflowed stack is cut in the middle
  local ok, tb = xpcall(overflow, debug.traceback, 0)
  print(ok, select(2, string.gsub(tb, "\n", "\n")) < 40, tb:match("%.%.%."))
end

-- inside the handler of a stack overflow, another overflow is an error
-- in error handling, which pcall catches
local function loop(x) return 1 + loop(x) end
print(xpcall(loop, function (m)
  print("handler:", (string.gsub(m, "^.-:%d+: ", "")))
  print("nested:", pcall(loop, 1))
  return 15
end, 1))

-- a handler failing again and again: each failure calls it once more,
-- one level deeper, until the nesting limit
local function chain(n)
  if type(n) ~= "number" then return n
  elseif n == 0 then return "END"
  else error(n - 1)
  end
end
print(xpcall(error, chain, 10))
print(xpcall(error, chain, 150))
print(xpcall(error, chain, 300))
print(xpcall(error, error))
