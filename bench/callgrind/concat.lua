-- String concatenation of a short string and an integer.
local N = tonumber(arg and arg[1]) or 1000000
local s
for i = 1, N do s = 'item' .. i end
print(s)
