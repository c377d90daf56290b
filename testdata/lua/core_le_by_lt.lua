-- `a <= b` when neither operand has __le: `not (b < a)` with __lt, as the
-- reference built with LUA_COMPAT_5_3 (its default) does; also when the
-- __lt yields, is native, or makes a tail call.
local log = {}
local mt = {__lt = function(a, b)
  log[#log + 1] = type(a) .. "<" .. type(b)
  local x = type(a) == "table" and a.v or a
  local y = type(b) == "table" and b.v or b
  return x < y
end}
local function V(v) return setmetatable({v = v}, mt) end
local a, b = V(1), V(2)
print(a <= b, b <= a, a <= a, a >= b, b >= a)
print(1 <= b, b <= 1, 2 >= a, a >= 2, 1.5 <= a, a <= 1.5)
local x = 5
print(x <= V(5), V(5) <= x, x >= V(6), V(4) >= x)
print(table.concat(log, " "))
if a <= b then print("if le") end
if not (b <= a) then print("if not le") end
local n = 0
while V(n) <= 3 do n = n + 1 end
print("while", n)

-- only one operand has __lt: it is used either way
local plain = {}
print(pcall(function() return plain <= a end))
print(pcall(function() return a <= plain end))
-- neither: the usual error
print(pcall(function() return plain <= {} end))
print(pcall(function() return plain <= 1 end))
print(pcall(function() return "x" <= plain end))

-- __le still wins when present in either operand
local le = setmetatable({}, {__le = function() return "le" end, __lt = function() return false end})
print(le <= a, a <= le, le >= a)

-- the __lt result is truthy/falsy, then negated
local odd = setmetatable({}, {__lt = function() return nil end})
print(odd <= odd, odd >= 1)
local odd2 = setmetatable({}, {__lt = function() return 0 end})
print(odd2 <= odd2)

-- a native __lt, a tail-calling __lt, and a yielding __lt
local nat = setmetatable({}, {__lt = rawequal})
print(nat <= nat, nat <= 1)
local function lt2(p, q) return p.v < q.v end
local tail = {__lt = function(p, q) return lt2(p, q) end}
local t1, t2 = setmetatable({v = 1}, tail), setmetatable({v = 2}, tail)
print(t1 <= t2, t2 <= t1)
local ymt = {__lt = function(p, q) coroutine.yield("yield in lt") return p.v < q.v end}
local y1, y2 = setmetatable({v = 1}, ymt), setmetatable({v = 2}, ymt)
local co = coroutine.wrap(function()
  local r1 = y1 <= y2
  local r2 = y2 <= y1
  local r3 = y1 >= y2
  return r1, r2, r3
end)
print(co()) print(co()) print(co()) print(co())

-- an error in __lt while emulating __le
local bad = setmetatable({}, {__lt = function() error("lt failed") end})
print(pcall(function() return bad <= 1 end))
print(pcall(function() return bad < 1 end))
