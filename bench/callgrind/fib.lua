-- Calls and returns: fib(K) makes 2*fib(K+1)-1 calls (one iteration = one call).
local K = tonumber(arg and arg[1]) or 25
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(K))
