-- Closures, upvalues and visibility rules (manual 3.4.11, 3.5).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end

-- manual visibility example (using a global x)
x = 10
do
  local x = x
  print(x)
  x = x + 1
  do
    local x = x + 1
    print(x)
  end
  print(x)
end
print(x)
x = nil
print("ok visibility")

-- manual example: ten closures, different y, shared x
local a = {}
local x = 20
for i = 1, 10 do
  local y = 0
  a[i] = function() y = y + 1; return x + y end
end
check(a[1]() == 21 and a[1]() == 22 and a[2]() == 21, "separate y")
x = 100
check(a[3]() == 101, "shared x sees update")
print("ok manual closures")

-- counter factory
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc1, get1 = counter()
local inc2, get2 = counter()
inc1(); inc1(); inc2()
check(get1() == 2 and get2() == 1, "independent counters")
print("ok counters")

-- numeric for: fresh loop variable per iteration
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
check(fs[1]() == 1 and fs[2]() == 2 and fs[3]() == 3, "numeric for fresh var")
-- generic for: fresh variables per iteration
local gs = {}
for k, v in ipairs({ "a", "b", "c" }) do gs[k] = function() return k .. v end end
check(gs[1]() == "1a" and gs[3]() == "3c", "generic for fresh vars")
-- while loop: local inside body is fresh each iteration
local ws = {}
local j = 0
while j < 3 do
  j = j + 1
  local captured = j
  ws[j] = function() return captured end
end
check(ws[1]() == 1 and ws[3]() == 3, "while fresh local")
-- but a variable declared outside the loop is shared
local shared = {}
local k = 0
while k < 3 do
  k = k + 1
  shared[k] = function() return k end
end
check(shared[1]() == 3 and shared[2]() == 3, "outer var shared")
-- repeat: the until condition sees body locals
local r = 0
repeat
  local done = r >= 2
  r = r + 1
until done
check(r == 3, "repeat until sees local")
print("ok loops")

-- modifying the loop variable inside the body does not affect iteration
local iters = 0
for i = 1, 5 do
  i = i * 10
  iters = iters + 1
end
check(iters == 5, "loop var modification")
print("ok loop var")

-- upvalues shared between sibling closures and the enclosing function
local function pair()
  local v = 0
  local function set(n) v = n end
  local function get() return v end
  set(5)
  local direct = v
  return set, get, direct
end
local set, get, direct = pair()
check(direct == 5, "enclosing sees change")
set(9)
check(get() == 9, "sibling sees change")
print("ok shared upvalues")

-- upvalues survive after the enclosing function returns, nesting levels
local function outer()
  local level1 = "L1"
  return function()
    local level2 = "L2"
    return function()
      return level1 .. level2
    end
  end
end
check(outer()()() == "L1L2", "nested upvalues")
local function adder(n)
  return function(m)
    return function(o) return n + m + o end
  end
end
check(adder(1)(2)(3) == 6, "curried")
print("ok nesting")

-- recursive local functions
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
check(fib(20) == 6765, "fib")
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
check(even(10) and odd(7) and not even(7), "mutual recursion")
print("ok recursion")

-- closures in tables (memoization)
local function memoize(f)
  local cache = {}
  local hits = 0
  return function(n)
    local v = cache[n]
    if v == nil then v = f(n); cache[n] = v else hits = hits + 1 end
    return v
  end, function() return hits end
end
local sq, hits = memoize(function(n) return n * n end)
sq(4); sq(4); sq(5); sq(4)
check(hits() == 2, "memo hits")
print("ok memoize")

-- functions defined with dotted and method names
local M = { sub = {} }
function M.sub.f(v) return v + 1 end
function M.sub:g(v) return self == M.sub and v end
check(M.sub.f(1) == 2 and M.sub:g(7) == 7, "function names")
print("ok function names")

-- a closure created in a loop over a to-be-shared upvalue after break
local saved
for i = 1, 10 do
  local v = i
  saved = function() return v end
  if i == 4 then break end
end
check(saved() == 4, "closure after break")
print("ok break closure")

print("fails: " .. fails)
print("done")
