-- a = b + c, N times: the register VM's arithmetic and loop overhead.
local N = tonumber(arg and arg[1]) or 1000000
local a, b, c = 0, 1, 2
for i = 1, N do a = b + c end
print(a)
