-- table.sort with the default order and with a comparison function.
local seed = 42
local function rnd() seed = (seed * 1103515245 + 12345) % 2147483648 return seed end
local n = 0
for round = 1, 30 do
  local a, b = {}, {}
  for i = 1, 10000 do a[i] = rnd() b[i] = {k = rnd()} end
  table.sort(a)
  table.sort(b, function(x, y) return x.k > y.k end)
  n = n + a[1] % 1000 + b[1].k % 1000
end
print(n)
