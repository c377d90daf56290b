-- coroutines: generators built with coroutine.wrap, a producer/filter/
-- consumer pipeline, ping-pong between two coroutines through
-- resume/yield with values passed both ways, and many short-lived
-- coroutines.
-- Usage: coroutines.lua [n]   (default 2000000)
local N = tonumber(arg and arg[1]) or 2000000

local create, resume, yield, wrap, status =
  coroutine.create, coroutine.resume, coroutine.yield, coroutine.wrap, coroutine.status
local M = 2147483647
local h = 0

-- generator: yields 1..n, then nil
local function range(n)
  return wrap(function()
    for i = 1, n do
      yield(i)
    end
  end)
end

-- filter: a generator over another generator
local function filter(pred, gen)
  return wrap(function()
    for v in gen do
      if pred(v) then
        yield(v)
      end
    end
  end)
end

local function map(f, gen)
  return wrap(function()
    for v in gen do
      yield(f(v))
    end
  end)
end

local count = 0
for v in map(function(x) return x * 3 % 1000 end,
             filter(function(x) return x % 3 ~= 0 end, range(N))) do
  h = (h * 31 + v) % M
  count = count + 1
end

-- ping-pong: each side adds to the value and hands it back
local ping = create(function(v)
  while true do
    v = yield(v + 1)
  end
end)
local pong = create(function(v)
  while true do
    v = yield((v * 7) % 1009)
  end
end)
local v = 1
for _ = 1, N do
  local ok1, a = resume(ping, v)
  local ok2, b = resume(pong, a)
  if not (ok1 and ok2) then
    error("resume failed")
  end
  v = b
  h = (h + v) % M
end

-- many short-lived coroutines, each run to completion
local done = 0
for i = 1, N / 10 do
  local co = create(function(a, b)
    local c = yield(a + b)
    return c * 2
  end)
  local _, x = resume(co, i, 1)
  local _, y = resume(co, x)
  if status(co) == "dead" then
    done = done + 1
  end
  h = (h + y) % M
end

print(string.format("coroutines %d: hash=%d count=%d last=%d done=%d", N, h, count, v, done))
