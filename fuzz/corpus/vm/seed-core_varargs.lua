-- Variadic functions, select, and parameter adjustment (manual 3.4.11).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function pack(...) return { n = select("#", ...), ... } end
local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do out[i] = tostring((select(i, ...))) end
  print(n .. ": " .. table.concat(out, " "))
end

-- manual mapping table
local function f(a, b) return a, b end
local function g(a, b, ...) return a, b, ... end
local function r() return 1, 2, 3 end
show(f(3))
show(f(3, 4))
show(f(3, 4, 5))
show(f(r(), 10))
show(f(r()))
show(g(3))
show(g(3, 4))
show(g(3, 4, 5, 8))
show(g(5, r()))
print("ok manual mapping")

-- select
show(select("#"))
show(select("#", nil))
show(select("#", nil, nil))
show(select("#", 1, nil, 3, nil))
show(select(1, "a", "b", "c"))
show(select(2, "a", "b", "c"))
show(select(3, "a", "b", "c"))
show(select(4, "a", "b", "c"))
show(select(-1, "a", "b", "c"))
show(select(-3, "a", "b", "c"))
show(select(2.0, "a", "b"))
local ok, err = pcall(select, 0, "a")
print(ok, err)
ok, err = pcall(select, -4, "a", "b", "c")
print(ok, err)
ok, err = pcall(select, "x")
print(ok, err)
ok, err = pcall(select, 1.5, "a")
print(ok, err)
print("ok select")

-- ... in various positions
local function count(...) return select("#", ...) end
local function pass(...) return ... end
check(count(pass()) == 0, "empty pass")
check(count(pass(nil, nil)) == 2, "nils preserved")
check(count(pass(1, 2), 3) == 2, "not last truncated")
check(count((pass(1, 2, 3))) == 1, "parens truncate")
check(count(pass(1, 2, 3), pass(4, 5)) == 3, "last expands")
local function first(...) local x = ...; return x end
check(first(7, 8, 9) == 7, "local x = ...")
local function second(...) local _, y = ...; return y end
check(second(7, 8, 9) == 8, "local _, y = ...")
local function tbl(...) return { ... } end
check(#tbl(1, 2, 3) == 3, "{...}")
local function tbl2(...) return { ..., "end" } end
local t2 = tbl2(1, 2, 3)
check(#t2 == 2 and t2[1] == 1 and t2[2] == "end", "{..., x} truncates")
local function withnils(...) local t = pack(...); return t.n end
check(withnils(nil, nil, nil) == 3, "pack counts nils")
print("ok vararg expression")

-- the main chunk is variadic
local chunk = load("return select('#', ...), ...")
show(chunk("a", "b"))
show(chunk())
local chunk2 = load("local a, b = ...; return b, a")
show(chunk2(1, 2, 3))
print("ok chunk varargs")

-- table.unpack and varargs
show(table.unpack({ 1, 2, 3 }))
show(table.unpack({ 1, 2, 3 }, 2))
show(table.unpack({ 1, 2, 3 }, 2, 5))
show(table.unpack({}, 1, 0))
local p = pack(1, nil, 3, nil)
show(table.unpack(p, 1, p.n))
print("ok unpack")

-- many arguments
local big = {}
for i = 1, 250 do big[i] = i end
check(count(table.unpack(big)) == 250, "250 args")
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
check(sum(table.unpack(big)) == 31375, "sum of 250")
print("ok many arguments")

-- vararg functions in method calls
local obj = { name = "o" }
function obj:collect(...) return self.name, select("#", ...), ... end
show(obj:collect())
show(obj:collect("x", nil))
print("ok methods")

-- ... cannot be used outside a vararg function
local f2, msg = load("local function h() return ... end", "=input")
print(f2, msg)
print("fails: " .. fails)
print("done")
