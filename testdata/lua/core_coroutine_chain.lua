-- Threads that wait for the coroutine they resumed (status "normal"): the
-- debug library sees their stacks, and a collection while they wait keeps
-- everything they hold, however the chain of resumes is reached.

local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do out[i] = tostring((select(i, ...))) end
  print(table.concat(out, " | "))
end

local main = coroutine.running()

-- three levels: main -> outer -> inner; inner looks at both waiting threads
local outer
local function inner_body(tag)
  show("inner sees", coroutine.status(main), coroutine.status(outer))
  local tb = debug.traceback(outer, "outer's stack", 0)
  show("outer traceback mentions outer_body", tb:find("outer_body") ~= nil)
  local info = debug.getinfo(outer, 1, "Sl")
  show("outer level 1", info.short_src, info.currentline)
  local name, value = debug.getlocal(outer, 1, 1)
  show("outer local 1", name, value)
  local mtb = debug.traceback(main, "main's stack", 0)
  show("main traceback has a chunk", mtb:find("main chunk") ~= nil)
  -- a collection while two threads wait: their locals survive
  collectgarbage()
  collectgarbage()
  coroutine.yield(tag .. "!")
  return "inner done"
end

local function outer_body(x)
  local held = { "kept", x }
  local co = coroutine.create(inner_body)
  local ok, v = coroutine.resume(co, "first")
  show("outer got", ok, v, held[1], held[2])
  collectgarbage()
  ok, v = coroutine.resume(co)
  show("outer got", ok, v, held[1], held[2])
  return "outer done"
end

-- the only reference to the outer coroutine is the running resume call
show(coroutine.resume(coroutine.create(function(...)
  outer = coroutine.running()
  return outer_body(...)
end), "arg"))

-- a long chain: each level resumes the next and collects at the bottom
local function chain(n)
  if n == 0 then
    collectgarbage()
    return "bottom"
  end
  local t = { n }
  local co = coroutine.wrap(function() return chain(n - 1) end)
  local r = co()
  return r .. "," .. t[1]
end
show(chain(20))

-- a hook set on a waiting thread from the thread it resumed
local waiting
local co2 = coroutine.create(function()
  debug.sethook(waiting, function() end, "l")
  show("hook on waiting thread", debug.gethook(waiting) ~= nil)
  debug.sethook(waiting)
  show("hook removed", debug.gethook(waiting))
end)
local starter = coroutine.create(function()
  waiting = coroutine.running()
  assert(coroutine.resume(co2))
  return "starter done"
end)
show(coroutine.resume(starter))

-- resume and wrap move many values both ways
local many = coroutine.wrap(function(...)
  local n = select("#", ...)
  local back = { coroutine.yield(n, ...) }
  return #back, table.unpack(back)
end)
show(many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
show(many("a", nil, "c"))
local big = {}
for i = 1, 300 do big[i] = i end
local co3 = coroutine.create(function(...) return select("#", ...), coroutine.yield(...) end)
local r = table.pack(coroutine.resume(co3, table.unpack(big)))
show(r.n, r[1], r[2], r[301])
r = table.pack(coroutine.resume(co3, table.unpack(big, 1, 250)))
show(r.n, r[1], r[2], r[3], r[252])
show(coroutine.resume(co3))
