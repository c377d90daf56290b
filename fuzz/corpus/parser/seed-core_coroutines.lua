-- Coroutines (manual 2.6 and 6.2).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do out[i] = tostring((select(i, ...))) end
  print(table.concat(out, " | "))
end

-- the manual example
local function foo(a)
  print("foo", a)
  return coroutine.yield(2 * a)
end
local co = coroutine.create(function(a, b)
  print("co-body", a, b)
  local r = foo(a + 1)
  print("co-body", r)
  local r, s = coroutine.yield(a + b, a - b)
  print("co-body", r, s)
  return b, "end"
end)
print("main", coroutine.resume(co, 1, 10))
print("main", coroutine.resume(co, "r"))
print("main", coroutine.resume(co, "x", "y"))
print("main", coroutine.resume(co, "x", "y"))
print("ok manual example")

-- status transitions
local statuses = {}
local co2
co2 = coroutine.create(function()
  statuses[#statuses + 1] = coroutine.status(co2)
  coroutine.yield()
end)
statuses[#statuses + 1] = coroutine.status(co2)
coroutine.resume(co2)
statuses[#statuses + 1] = coroutine.status(co2)
coroutine.resume(co2)
statuses[#statuses + 1] = coroutine.status(co2)
print(table.concat(statuses, " "))
-- normal status: a coroutine that resumed another
local outer
local inner = coroutine.create(function() return coroutine.status(outer) end)
outer = coroutine.create(function() return coroutine.resume(inner) end)
show(coroutine.resume(outer))
print(type(co2), type(coroutine.create(print)))
print("ok status")

-- running and isyieldable
local main, ismain = coroutine.running()
check(type(main) == "thread" and ismain == true, "running in main")
check(coroutine.isyieldable() == false, "main not yieldable")
check(coroutine.status(main) == "running", "main running")
local co3 = coroutine.create(function()
  local me, im = coroutine.running()
  return me, im, coroutine.isyieldable()
end)
local ok, me, im, y = coroutine.resume(co3)
check(ok and me == co3 and im == false and y == true, "running in coroutine")
print("ok running")

-- passing values both ways
local acc = coroutine.create(function(first)
  local total = first
  while true do
    local v = coroutine.yield(total)
    if v == nil then break end
    total = total + v
  end
  return "final", total
end)
show(coroutine.resume(acc, 10))
show(coroutine.resume(acc, 5))
show(coroutine.resume(acc, 7))
show(coroutine.resume(acc))
show(coroutine.resume(acc))
-- yield with no values and with many values
local many = coroutine.create(function(...)
  local a = { coroutine.yield() }
  local b = { coroutine.yield(1, nil, 3) }
  return select("#", ...), #a, #b
end)
show(coroutine.resume(many, "x", "y"))
show(coroutine.resume(many))
show(coroutine.resume(many, "p", "q"))
print("ok values")

-- generators with wrap
local function range(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local out = {}
for v in range(5) do out[#out + 1] = v end
print(table.concat(out, " "))
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a)
  else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local perms = {}
for p in coroutine.wrap(function() permgen({ "a", "b", "c" }) end) do perms[#perms + 1] = table.concat(p) end
table.sort(perms)
print(table.concat(perms, " "))
print("ok generators")

-- yield across pcall and from nested calls and metamethods
local yp = coroutine.create(function()
  local ok1, v = pcall(function()
    local got = coroutine.yield("inside pcall")
    error("after " .. got, 0)
  end)
  coroutine.yield(tostring(ok1) .. " " .. v)
  local t = setmetatable({}, { __index = function(_, k) return coroutine.yield("index " .. k) end })
  local val = t.key
  local s = setmetatable({}, { __add = function(a, b) return coroutine.yield("add") end })
  local sum = s + 1
  return val, sum
end)
show(coroutine.resume(yp))
show(coroutine.resume(yp, "resume1"))
show(coroutine.resume(yp))
show(coroutine.resume(yp, "indexed"))
show(coroutine.resume(yp, 99))
print("ok yield across pcall")

-- errors inside coroutines
local bad = coroutine.create(function() error("failure", 0) end)
show(coroutine.resume(bad))
check(coroutine.status(bad) == "dead", "dead after error")
show(coroutine.resume(bad))
local badpos = coroutine.create(load("local x = nil\nreturn x.y", "=input"))
show(coroutine.resume(badpos))
local badt = coroutine.create(function() error({ code = 5 }) end)
local okt, et = coroutine.resume(badt)
check(okt == false and et.code == 5, "table error from coroutine")
show(coroutine.resume(coroutine.running()))
local selfresume
selfresume = coroutine.create(function() return coroutine.resume(selfresume) end)
show(coroutine.resume(selfresume))
show(pcall(coroutine.yield, 1))
show(pcall(coroutine.resume, 1))
show(pcall(coroutine.create, 1))
show(pcall(coroutine.status, nil))
print("ok errors")

-- wrap propagates errors (with position for string errors) and closes the coroutine
local w = coroutine.wrap(function() error("wrapped failure", 0) end)
show(pcall(w))
local w2 = load("local f = coroutine.wrap(function() return 1 end)\nf()\nreturn f()", "=input")
show(pcall(w2))
local w3 = coroutine.wrap(function() error({ "tbl" }) end)
local okw, ew = pcall(w3)
check(not okw and type(ew) == "table" and ew[1] == "tbl", "wrap table error")
print("ok wrap")

-- yield across a C-call boundary (a comparator of table.sort)
local cb = coroutine.create(function()
  table.sort({ 3, 2, 1 }, function(a, b) coroutine.yield() return a < b end)
end)
show(coroutine.resume(cb))
print("ok C boundary")

-- coroutine.close
local closable = coroutine.create(function()
  local res <close> = setmetatable({}, { __close = function(_, e) print("closing resource, err =", e) end })
  coroutine.yield("suspended with resource")
  print("never printed")
end)
show(coroutine.resume(closable))
show(coroutine.close(closable))
show(coroutine.status(closable))
show(coroutine.close(coroutine.create(print)))
local errored = coroutine.create(function() error("died", 0) end)
coroutine.resume(errored)
show(coroutine.close(errored))
local failclose = coroutine.create(function()
  local r <close> = setmetatable({}, { __close = function() error("close error", 0) end })
  coroutine.yield()
end)
coroutine.resume(failclose)
show(coroutine.close(failclose))
show(pcall(coroutine.close, coroutine.running()))
local normalco
local closer_co = coroutine.create(function() return pcall(coroutine.close, normalco) end)
normalco = coroutine.create(function() return coroutine.resume(closer_co) end)
show(coroutine.resume(normalco))
print("ok close")

-- wrap closes pending to-be-closed variables when the body errors
local wclosed = coroutine.wrap(function()
  local r <close> = setmetatable({}, { __close = function(_, e) print("wrap closed with", e) end })
  coroutine.yield(1)
  error("boom", 0)
end)
show(wclosed())
show(pcall(wclosed))
print("ok wrap close")

-- many coroutines alive at once
local cos = {}
for i = 1, 100 do
  cos[i] = coroutine.create(function(x) local y = coroutine.yield(x * 2); return x + y end)
end
local sum = 0
for i = 1, 100 do local _, v = coroutine.resume(cos[i], i); sum = sum + v end
for i = 1, 100 do local _, v = coroutine.resume(cos[i], 1); sum = sum + v end
print("sum", sum)
print("ok many coroutines")

print("fails: " .. fails)
print("done")
