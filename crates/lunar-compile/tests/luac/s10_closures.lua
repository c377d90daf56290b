local fs = {} for i = 1, 3 do local x = {i, i} fs[i] = function() return x end end
local j = 0 while j < 3 do local y = {j, {j}} fs[#fs + 1] = function() return y end j = j + 1 end
repeat local z = {1, 2, 3} local g = function() z = nil end until #{g, z} > 0 return fs
