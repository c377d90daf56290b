-- A CPU-bound route: fib(20) by plain recursion (21,891 calls).
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

return function(req)
  return tostring(fib(20))
end
