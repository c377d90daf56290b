-- A __name with a zero byte: the messages and tostring show it as C's
-- "%s" does, cut at the zero.
local U = setmetatable({}, {__name = "A\0B"})
print(pcall(math.floor, U))
print(pcall(function() return U + 1 end))
print(pcall(function() return U < U end))
print(pcall(function() return #U .. "" end))
print(pcall(function() return U.x.y end))
print((tostring(U):gsub("0x%x+", "ADDR")))
print(#(tostring(U):gsub("0x%x+", "ADDR")))
local V = setmetatable({}, {__name = "Vec"})
print(pcall(string.rep, V))
print(pcall(function() return V .. "" end))
print((tostring(V):gsub("0x%x+", "ADDR")))
