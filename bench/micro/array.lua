local t = {} for i = 1, 1000 do t[i] = i end
local s = 0 for r = 1, 20000 do for i = 1, 1000 do t[i] = t[i] + 1 end end print(t[1])
