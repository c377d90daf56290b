-- closures: creating closures, calling them and reading and writing
-- upvalues, including upvalues shared between closures, captured loop
-- variables and upvalues several function levels out.
-- Usage: closures.lua [iterations]   (default 2000000)
local N = tonumber(arg and arg[1]) or 2000000

local M = 2147483647

local function counter(start)
  local c = start
  return function()
    c = c + 1
    return c
  end
end

local function adder(n)
  return function(x)
    return x + n
  end
end

local function compose(f, g)
  return function(x)
    return f(g(x))
  end
end

-- account returns three closures sharing the same two upvalues.
local function account(initial)
  local balance, ops = initial, 0
  local function deposit(v)
    balance = balance + v
    ops = ops + 1
  end
  local function withdraw(v)
    if v <= balance then
      balance = balance - v
      ops = ops + 1
      return true
    end
    return false
  end
  local function state()
    return balance, ops
  end
  return deposit, withdraw, state
end

-- nest reads upvalues from three enclosing levels.
local function nest(a)
  return function(b)
    return function(c)
      return function(d)
        return a * 1000 + b * 100 + c * 10 + d
      end
    end
  end
end

local h = 0
local deposit, withdraw, state = account(100)
local inc = counter(0)
local pipeline = compose(adder(3), compose(adder(-1), adder(5)))

for i = 1, N do
  -- a fresh closure per iteration capturing the loop variable
  local f = adder(i % 17)
  local g = compose(f, pipeline)
  h = (h * 31 + g(i % 13) + inc()) % M
  deposit(i % 7)
  if not withdraw(i % 11) then
    h = (h + 1) % M
  end
  if i % 8 == 0 then
    h = (h + nest(i % 10)(i % 9)(i % 8)(i % 7)) % M
  end
  if i % 1000 == 0 then
    -- closures made in a loop each capture their own copy of j
    local fs = {}
    for j = 1, 10 do
      fs[j] = function() return j * i % 97 end
    end
    for j = 1, 10 do
      h = (h + fs[j]()) % M
    end
  end
end

local balance, ops = state()
print(string.format("closures %d: hash=%d balance=%d ops=%d count=%d", N, h, balance, ops, inc()))
