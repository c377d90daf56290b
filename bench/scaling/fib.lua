-- scaling/fib: one run computes fib(20) by naive recursion (21,891 Lua
-- calls, no allocation). Returns the result, which the harness checks.
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end
return fib(20)
