-- Method calls found through __index.
local N = tonumber(arg and arg[1]) or 1000000
local P = {} P.__index = P
function P:len2() return self.x * self.x + self.y * self.y end
local p = setmetatable({x = 3, y = 4}, P)
local s = 0
for i = 1, N do s = s + p:len2() end
print(s)
