-- fib.lua: Fibonacci numbers computed three ways.

-- naive recursion
local function fib_rec(n)
  if n < 2 then return n end
  return fib_rec(n - 1) + fib_rec(n - 2)
end

-- iteration
local function fib_iter(n)
  local a, b = 0, 1
  for _ = 1, n do a, b = b, a + b end
  return a
end

-- memoization through a table with an __index metamethod
local memo = setmetatable({ [0] = 0, [1] = 1 }, {
  __index = function(t, n)
    local v = t[n - 1] + t[n - 2]
    t[n] = v
    return v
  end,
})

local row = {}
for n = 0, 15 do row[#row + 1] = fib_rec(n) end
print("recursive: " .. table.concat(row, " "))

for _, n in ipairs({ 10, 30, 50, 90, 92 }) do
  print(string.format("fib(%d) = %d", n, fib_iter(n)))
  assert(fib_iter(n) == memo[n])
end

-- integers wrap around past fib(92); floats lose precision instead
print("fib(93) as integer wraps: " .. fib_iter(93))
local a, b = 0.0, 1.0
for _ = 1, 93 do a, b = b, a + b end
print("fib(93) as float: " .. string.format("%.0f", a))
