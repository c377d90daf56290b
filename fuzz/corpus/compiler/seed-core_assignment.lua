-- Assignment (manual 3.3.3) and local declarations (3.3.7).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end

-- manual example: all reads happen before the assignment
local a = {}
local i = 3
i, a[i] = i + 1, 20
check(i == 4, "i assigned")
check(a[3] == 20 and a[4] == nil, "a[3] set, not a[4]")
print("ok read before assign")

-- swap and cyclic permutation
local x, y, z = 1, 2, 3
x, y = y, x
check(x == 2 and y == 1, "swap")
x, y, z = y, z, x
check(x == 1 and y == 3 and z == 2, "cyclic")
local t = { 1, 2 }
t[1], t[2] = t[2], t[1]
check(t[1] == 2 and t[2] == 1, "swap table fields")
print("ok swap")

-- adjustment of the value list
local p, q, r = 1
check(p == 1 and q == nil and r == nil, "fewer values: nil filled")
local u, v = 1, 2, 3
check(u == 1 and v == 2, "extra values dropped")
local function three() return "a", "b", "c" end
local m1, m2, m3, m4 = three()
check(m1 == "a" and m2 == "b" and m3 == "c" and m4 == nil, "call expands")
local n1, n2, n3 = three(), "x"
check(n1 == "a" and n2 == "x" and n3 == nil, "call not last truncated")
local o1, o2 = (three())
check(o1 == "a" and o2 == nil, "parenthesized call truncated")
print("ok adjustment")

-- extra expressions are still evaluated
local evaluated = {}
local function mark(k) evaluated[#evaluated + 1] = k; return k end
local e1 = mark("first"), mark("second")
check(e1 == "first" and #evaluated == 2, "extra expression evaluated")
print("ok extra evaluation")

-- globals are fields of _ENV
gx = 1
check(_ENV.gx == 1 and _ENV["gx"] == 1, "global in _ENV")
_ENV.gy = 2
check(gy == 2, "field of _ENV is global")
gx, gy = nil, nil
check(rawget(_ENV, "gx") == nil and rawget(_ENV, "gy") == nil, "globals removed")
do
  local _ENV = { print = print }
  newglobal = 5
  check_env = _ENV
end
check(rawget(_G, "newglobal") == nil, "global went to local _ENV")
print("ok globals")

-- assignment to table fields via different syntaxes
local obj = {}
obj.name = "n"
obj["key with space"] = 1
obj[1] = "one"
obj[1.0] = "one float"
obj[true] = "t"
check(obj.name == "n" and obj["key with space"] == 1, "field assignment")
check(obj[1] == "one float", "float key 1.0 normalised to 1")
check(obj[true] == "t", "boolean key")
local nested = { a = { b = { c = {} } } }
nested.a.b.c.d = "deep"
check(nested["a"]["b"]["c"]["d"] == "deep", "nested assignment")
print("ok fields")

-- assigning nil removes the field
obj.name = nil
check(obj.name == nil and next({}) == nil, "nil removes")
local count = 0
for _ in pairs(obj) do count = count + 1 end
check(count == 3, "remaining keys " .. count)
print("ok removal")

-- local declarations: each execution creates new variables
local fns = {}
for k = 1, 3 do
  local captured = k * 10
  fns[k] = function() return captured end
end
check(fns[1]() == 10 and fns[2]() == 20 and fns[3]() == 30, "fresh locals")
-- local x = x refers to outer x
local shadow = 1
do
  local shadow = shadow + 1
  check(shadow == 2, "inner shadow")
end
check(shadow == 1, "outer shadow unchanged")
-- local function can recurse; local f = function cannot see itself
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
check(fact(5) == 120, "local function recursion")
local ok = pcall(load("local g = function(n) if n == 0 then return 0 end return g(n - 1) end; return g(3)"))
check(not ok, "local g = function cannot refer to itself")
print("ok locals")

-- evaluation of table and key happens before the value is assigned
local log = {}
local tab = setmetatable({}, { __newindex = function(t, k, v) log[#log + 1] = tostring(k) .. "=" .. tostring(v); rawset(t, k, v) end })
tab.a, tab.b = 1, 2
table.sort(log)
print(table.concat(log, " "))
print("ok newindex in multiple assignment")

-- multiple assignment with function call on the right is fully adjusted
local g1, g2, g3
g1, g2, g3 = 0, three()
check(g1 == 0 and g2 == "a" and g3 == "b", "0, three()")
g1, g2, g3 = three(), three()
check(g1 == "a" and g2 == "a" and g3 == "b", "three(), three()")
print("ok multiple assignment")

-- attribs on locals: const values can be read
local K <const> = 42
local S <const> = "str"
check(K == 42 and S == "str", "const read")

print("fails: " .. fails)
print("done")
