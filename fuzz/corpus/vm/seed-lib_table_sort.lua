-- table.sort (manual 6.6): sorted results for many sizes and inputs, the
-- number of comparator calls (same algorithm as the reference), and
-- inconsistent order functions, which must end with or without an error.
local function check(t, cmp)
  for i = 2, #t do
    if cmp then assert(not cmp(t[i], t[i-1])) else assert(not (t[i] < t[i-1])) end
  end
end
math.randomseed(7)
for _, n in ipairs{0, 1, 2, 3, 4, 5, 10, 99, 100, 101, 1000, 10000} do
  local t = {}
  for i = 1, n do t[i] = math.random(1, n // 2 + 1) end
  table.sort(t) check(t)
  local s = {} for i = 1, n do s[i] = t[(i * 37) % n + 1] end
  table.sort(s, function(a, b) return a > b end) check(s, function(a, b) return a > b end)
  local asc = {} for i = 1, n do asc[i] = i end table.sort(asc) check(asc)
  local desc = {} for i = 1, n do desc[i] = n - i end table.sort(desc) check(desc)
  local strs = {} for i = 1, n do strs[i] = tostring(math.random(1, 1000)) end table.sort(strs) check(strs)
  local mixed = {} for i = 1, n do mixed[i] = (i % 2 == 0) and i + 0.5 or i end table.sort(mixed) check(mixed)
  print(n, "ok", n > 0 and t[1] or "-", n > 0 and t[n] or "-")
end
-- inconsistent comparators must end (error or not), never hang
local errs = 0
for trial = 1, 300 do
  local n = (trial % 60) + 3
  local t = {} for i = 1, n do t[i] = math.random(1, 5) end
  local ok, e = pcall(table.sort, t, function(a, b) return a <= b end)
  if not ok then errs = errs + 1 assert(true) end
end
print("<= errors", errs)
errs = 0
for trial = 1, 300 do
  local n = (trial % 150) + 3
  local t = {} for i = 1, n do t[i] = i end
  local ok, e = pcall(table.sort, t, function(a, b) return math.random() < 0.5 end)
  if not ok then errs = errs + 1 end
end
print("random cmp done")
local t = {} for i = 1, 50 do t[i] = 50 - i end
local calls = 0
table.sort(t, function(a, b) calls = calls + 1 return a < b end)
print("calls", calls, t[1], t[50])
t = {} for i = 1, 200 do t[i] = (i * 7919) % 200 end
calls = 0
table.sort(t, function(a, b) calls = calls + 1 return a < b end)
print("calls200", calls, t[1], t[200])
