-- closures.lua: counters, accumulators, function composition and
-- closures capturing loop variables.

local function counter(start, step)
  local n = start or 0
  step = step or 1
  return {
    inc = function() n = n + step; return n end,
    get = function() return n end,
    reset = function() n = start or 0 end,
  }
end

local c1, c2 = counter(), counter(100, 10)
c1.inc(); c1.inc(); c2.inc()
print("c1 =", c1.get(), "c2 =", c2.get())
c1.reset()
print("c1 after reset =", c1.get())

-- each iteration gets a fresh loop variable
local printers = {}
for i = 1, 3 do
  printers[i] = function() return "printer " .. i end
end
for _, p in ipairs(printers) do print(p()) end

-- composition and partial application
local function compose(...)
  local fns = { ... }
  return function(...)
    local results = table.pack(...)
    for i = #fns, 1, -1 do results = table.pack(fns[i](table.unpack(results, 1, results.n))) end
    return table.unpack(results, 1, results.n)
  end
end
local function partial(f, x) return function(...) return f(x, ...) end end

local add = function(a, b) return a + b end
local double = function(x) return x * 2 end
local inc = partial(add, 1)
print("double(inc(5)) =", compose(double, inc)(5))
print("inc(double(5)) =", compose(inc, double)(5))

-- a memoizing wrapper that counts cache hits
local function memoize(f)
  local cache, hits = {}, 0
  return function(n)
    if cache[n] ~= nil then hits = hits + 1; return cache[n] end
    local v = f(n)
    cache[n] = v
    return v
  end, function() return hits end
end
local slow_square = function(n) return n * n end
local square, hits = memoize(slow_square)
for _, n in ipairs({ 3, 4, 3, 3, 5, 4 }) do io.write(square(n), " ") end
print()
print("cache hits:", hits())

-- shared upvalue between two closures
local function bank(balance)
  local function deposit(v) balance = balance + v end
  local function withdraw(v)
    if v > balance then return nil, "insufficient funds" end
    balance = balance - v
    return balance
  end
  return deposit, withdraw, function() return balance end
end
local deposit, withdraw, balance = bank(50)
deposit(25)
print("withdraw 30 ->", withdraw(30))
print("withdraw 100 ->", withdraw(100))
print("balance:", balance())
