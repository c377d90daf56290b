-- table.insert and table.remove at the end and at the front.
local n = 0
for round = 1, 30 do
  local t = {}
  for i = 1, 5000 do table.insert(t, i) end
  for i = 1, 200 do table.insert(t, 1, i) end
  for i = 1, 200 do n = n + table.remove(t, 1) end
  while #t > 0 do n = n + table.remove(t) end
end
print(n)
