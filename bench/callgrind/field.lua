-- Field get and set on a table with string keys.
local N = tonumber(arg and arg[1]) or 1000000
local p = {x = 1, y = 2, z = 3}
for i = 1, N do p.x = p.y + p.z end
print(p.x)
