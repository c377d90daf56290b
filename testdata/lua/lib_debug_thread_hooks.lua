-- Hooks belong to threads (debug.sethook([thread,] ...)): a coroutine's
-- hook is its own, and a new coroutine starts with its creator's.

local function show(...) print(select('#', ...), ...) end

-- no hook anywhere
show(debug.gethook())

-- a hook on a coroutine only
local events = {}
local co = coroutine.create(function (a)
  local x = a + 1
  coroutine.yield(x)
  return x * 2
end)
local function rec(ev, line) events[#events + 1] = ev .. ":" .. tostring(line) end
debug.sethook(co, rec, "l")
local f, mask, count = debug.gethook(co)
print(f == rec, mask, count)
show(debug.gethook())            -- the main thread has none
print(coroutine.resume(co, 1))
print(coroutine.resume(co))
print(#events > 0, events[1])
local n = #events
local y = 1 + 1                  -- the main thread's lines are not seen
print(#events == n)

-- count hooks per thread
local ticks = 0
local co2 = coroutine.wrap(function () for i = 1, 100 do end return "done" end)
debug.sethook(function () ticks = ticks + 1 end, "", 10)
print(select(2, debug.gethook()), select(3, debug.gethook()))
-- co2 was created before the hook: it has none
print(co2(), ticks < 5)
debug.sethook()
show(debug.gethook())

-- a coroutine created while a hook is set inherits it
local calls = {}
debug.sethook(function (ev) calls[#calls + 1] = ev end, "c")
local co3 = coroutine.create(function () return math.abs(-3) end)
debug.sethook()
local before = #calls
print(coroutine.resume(co3))
print(#calls > before, select(2, debug.gethook(co3)))
debug.sethook(co3)
show(debug.gethook(co3))
