-- Function definitions and calls (manual 3.4.10, 3.4.11): methods, self,
-- parameter adjustment, call sugar, control structures inside functions.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end

-- function statement forms
local M = { a = { b = {} } }
function M.a.b.f(x) return "f" .. x end
function M.a.b:g(x) return self == M.a.b, x end
check(M.a.b.f(1) == "f1", "dotted name")
local isself, val = M.a.b:g(2)
check(isself and val == 2, "colon adds self")
local isself2 = M.a.b.g(M.a.b, 3)
check(isself2, "explicit self")
-- colon call evaluates the receiver once
local evals = 0
local function receiver() evals = evals + 1; return M.a.b end
receiver():g(0)
check(evals == 1, "receiver evaluated once")
print("ok definitions")

-- global function statement assigns a global
function global_fn() return "g" end
check(_ENV.global_fn() == "g", "global function")
global_fn = nil
-- local function is visible inside its own body
local function countdown(n) if n == 0 then return "liftoff" end return countdown(n - 1) end
check(countdown(5) == "liftoff", "local function recursion")
print("ok function statements")

-- parameter adjustment
local function three(a, b, c) return a, b, c end
local x, y, z = three(1)
check(x == 1 and y == nil and z == nil, "missing args are nil")
x, y, z = three(1, 2, 3, 4, 5)
check(x == 1 and y == 2 and z == 3, "extra args dropped")
local function noargs() return "none" end
check(noargs(1, 2, 3) == "none", "extra args to no-param function")
print("ok parameters")

-- return values
local function nothing() end
local function early(n)
  if n > 0 then return "positive" end
  if n < 0 then return "negative" end
end
check(select("#", nothing()) == 0, "no return")
check(early(1) == "positive" and early(-1) == "negative" and early(0) == nil, "early returns")
check(select("#", early(0)) == 0, "falls off the end")
print("ok returns")

-- call syntax sugar
local function id(...) return ... end
check(id "s" == "s", "string call")
check(id [[long]] == "long", "long string call")
check(id { 1 } [1] == 1, "table call")
local chain = { f = function(self, s) return self, s end }
local r1, r2 = chain:f "x"
check(r1 == chain and r2 == "x", "method with string arg")
local r3, r4 = chain:f { 1 }
check(r4[1] == 1, "method with table arg")
print("ok call sugar")

-- functions as values
local ops = {}
ops["+"] = function(a, b) return a + b end
ops["-"] = function(a, b) return a - b end
local function apply(op, a, b) return ops[op](a, b) end
check(apply("+", 2, 3) == 5 and apply("-", 2, 3) == -1, "functions in tables")
local function compose(f, g) return function(...) return f(g(...)) end end
local inc = function(n) return n + 1 end
local dbl = function(n) return n * 2 end
check(compose(inc, dbl)(5) == 11 and compose(dbl, inc)(5) == 12, "compose")
local function map(t, fn) local r = {} for i, v in ipairs(t) do r[i] = fn(v) end return r end
print(table.concat(map({ 1, 2, 3 }, dbl), ","))
print("ok higher order")

-- control structures inside functions
local function classify(n)
  local kind
  if n % 15 == 0 then kind = "FizzBuzz"
  elseif n % 3 == 0 then kind = "Fizz"
  elseif n % 5 == 0 then kind = "Buzz"
  else kind = tostring(n) end
  return kind
end
local out = {}
for n = 1, 15 do out[#out + 1] = classify(n) end
print(table.concat(out, " "))
local function collatz(n)
  local steps = 0
  while n ~= 1 do
    if n % 2 == 0 then n = n // 2 else n = 3 * n + 1 end
    steps = steps + 1
  end
  return steps
end
print(collatz(27), collatz(97), collatz(1))
local function digits(n)
  local ds = {}
  repeat
    ds[#ds + 1] = n % 10
    n = n // 10
  until n == 0
  return #ds
end
print(digits(0), digits(7), digits(12345), digits(math.maxinteger))
print("ok control structures")

-- string call sugar binds to the previous expression across lines
local function str(s) return function(t) return s .. t end end
local joined = str "a" "b"
check(joined == "ab", "chained string calls")
print("ok chained")

-- functions compare by identity
local fa = function() end
local fb = function() end
check(fa ~= fb and fa == fa, "function identity")
check(type(fa) == "function" and type(print) == "function", "type function")
print("ok identity")

print("fails: " .. fails)
print("done")
