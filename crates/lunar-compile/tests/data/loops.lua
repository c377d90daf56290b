-- loops: while, repeat, numeric and generic for, break
local n = ...
while n > 0 do n = n - 1 end
while true do if n then break end end
while n do local x = n; n = nil end
repeat n = n + 1 until n > 10
repeat local x = n until x
for i = 1, 10 do print(i) end
for i = 10, 1, -1 do print(i) end
for i = 1.0, 2.5, 0.5 do print(i) end
for i = 1, n do if i > 5 then break end end
for k, v in pairs(n) do print(k, v) end
for k in next, n do break end
for a, b, c, d, e in f() do print(a, b, c, d, e) end
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then break end
  end
end
while n do
  if n then break; print(1) end
  if n then print(2) else break end
end
