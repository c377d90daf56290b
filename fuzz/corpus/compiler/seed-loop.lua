-- loop: the tightest possible numeric for loop with one add and one move per
-- iteration; used for the register-vs-stack comparison.
-- Usage: loop.lua [iterations]   (default 10000000)
local N = tonumber(arg and arg[1]) or 10000000

local a, b, c = 0, 1, 2
for i = 1, N do
  a = b + c
end

print(string.format("loop %d a=%d", N, a))
