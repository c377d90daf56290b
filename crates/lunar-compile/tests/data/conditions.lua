-- conditions, comparisons and jump lists
local a, b, c = ...
if a then print(1) end
if not a then print(2) end
if a and b then print(3) end
if a or b then print(4) end
if a and b or c then print(5) end
if (a or b) and c then print(6) end
if not (a and b) then print(7) end
if a == b then print(8) end
if a ~= b then print(9) end
if a == nil then print(10) end
if a == "s" then print(11) end
if a == 1 then print(12) end
if a == 1.5 then print(13) end
if a == 1000 then print(14) end
if a < b then print(15) elseif a <= b then print(16) elseif a > b then print(17) else print(18) end
if a >= 2 then print(19) end
if 2 < a then print(20) end
if 2.0 <= a then print(21) end
if nil then print(22) end
if true then print(23) end
if a then else print(24) end
local x = a and b
local y = a or b
local z = a and b or c
local w = a == b
local v = not (a < b)
local u = a ~= nil and a.x or b
local t = (a or {}).x
