-- The library functions take a length from __len as lua_tointegerx does:
-- an integral float or a string convertible to an integer will do.
for _, n in ipairs({3, "3", " 0x2 ", 2.0, "2.0", 2.5, "x", "1e1", {}}) do
  local L = setmetatable({10, 20, 30}, {__len = function() return n end})
  local show = type(n) == "table" and "table" or tostring(n)
  print(show, pcall(table.insert, L, 99))
  print(show, rawget(L, 2), rawget(L, 3), rawget(L, 4))
  print(show, pcall(table.concat, L, ","))
  print(show, pcall(table.unpack, L))
  print(show, pcall(table.remove, L))
end
