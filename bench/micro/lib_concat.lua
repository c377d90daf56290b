-- table.concat of number and string lists.
local t = {}
for i = 1, 1000 do t[i] = i % 2 == 0 and i or ("s" .. i) end
local n = 0
for i = 1, 3000 do
  n = n + #table.concat(t, ",")
  n = n + #table.concat(t, "", 100, 600)
end
print(n)
