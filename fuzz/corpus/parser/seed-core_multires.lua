-- Multiple results and adjustment (manual 3.4.12).

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
  print(n .. ": " .. table.concat(out, " "))
end

local function f() return "f1", "f2", "f3" end
local function g() return "g1", "g2" end
local function none() end
local function nilret() return nil end
local x, w = "x", "w"

show(x, f())
show(x, (f()))
show(f(), x)
show(1 .. f())
show(none())
show(nilret())
show((none()))
show(none(), none())
show(f(), g())
print("ok call lists")

local a, b, c
a, b, c = w, f()
show(a, b, c)
a, b, c = f()
show(a, b, c)
a, b, c = f(), g()
show(a, b, c)
a, b, c = (f())
show(a, b, c)
a, b, c = none()
show(a, b, c)
print("ok assignment lists")

local function ret_all() return f() end
local function ret_xy() return x, w, f() end
local function ret_paren() return (f()) end
local function ret_mid() return f(), x end
show(ret_all())
show(ret_xy())
show(ret_paren())
show(ret_mid())
print("ok return lists")

local t1 = { f() }
local t2 = { f(), 5 }
local t3 = { (f()) }
local t4 = { f(), f() }
local t5 = { f(), nil }
show(#t1, #t2, #t3, #t4)
show(table.unpack(t4))
check(t5[1] == "f1" and t5[2] == nil, "f(), nil")
print("ok constructor lists")

-- generic for initial values are adjusted to four
local function iter3() return function(s, c) if c < s then return c + 1 end end, 3, 0 end
local seen = {}
for v in iter3() do seen[#seen + 1] = v end
show(table.unpack(seen))
print("ok for lists")

-- multiple results in string/arith/logic contexts get truncated to one
check(#f() == 2, "#f() uses first result")
check((f()) == "f1", "paren")
check((f() and g()) == "g1", "and truncates")
local v1, v2 = f() or g()
check(v1 == "f1" and v2 == nil, "or truncates")
local s = f() .. g()
check(s == "f1g1", "concat truncates")
local idx = { f1 = "found" }
check(idx[f()] == "found", "index with call truncates")
print("ok truncation")

-- a function can return many values
local function many(n)
  if n == 0 then return end
  return n, many(n - 1)
end
check(select("#", many(200)) == 200, "200 results")
local function rep(n, ...)
  if n == 0 then return ... end
  return rep(n - 1, n, ...)
end
check(select("#", rep(300)) == 300, "300 results via tail call")
show(select(298, rep(300)))
print("ok many results")

-- method call results
local obj = {}
function obj:pair() return self, 2 end
local o1, o2 = obj:pair()
check(o1 == obj and o2 == 2, "method results")
print("ok method results")

-- string method call on literal requires parentheses
show(("%d-%d"):format(f == f and 1 or 0, 2))
print("fails: " .. fails)
print("done")
