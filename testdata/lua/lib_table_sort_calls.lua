-- table.sort's order function: how it is called (errors, yields, nesting,
-- native and odd-shaped comparators, proxies), each as lua5.4 does.
local t = {5, 3, 1, 4, 2}
print(pcall(table.sort, t, function(a, b) error("boom") end))
print(pcall(table.sort, t, function(a, b) error({code = 7}) end) == false)
local ok, e = pcall(table.sort, t, function(a, b) error({code = 7}) end)
print(ok, type(e), e.code)

-- an order that is not one
local big = {}
for i = 1, 130 do big[i] = i end
print(pcall(table.sort, big, function(a, b) return true end))

-- no yield inside a comparator, and it is not yieldable there
local co = coroutine.wrap(function()
  table.sort(t, function(a, b) coroutine.yield(1) return a < b end)
end)
print(pcall(co))
co = coroutine.create(function()
  table.sort(t, function(a, b)
    assert(not coroutine.isyieldable())
    return a < b
  end)
  print("in coroutine, yieldable after sort:", coroutine.isyieldable())
  coroutine.yield("yielded")
  return "sorted", table.concat(t, ",")
end)
print(coroutine.resume(co))
print(coroutine.resume(co))

-- native comparators, varargs, fewer parameters, extra results
local u = {"b", "a", "c"}
table.sort(u, rawequal) print(table.concat(u))
table.sort(u, function(...) local a, b = ... return a > b end) print(table.concat(u))
table.sort(u, function(a) return false end) print(table.concat(u))
table.sort(u, function(a, b) return a < b, "extra", nil end) print(table.concat(u))
table.sort(u, function(a, b, c, d) assert(c == nil and d == nil) return a > b end)
print(table.concat(u))

-- a comparator whose own pcall catches an error goes on sorting
table.sort(u, function(a, b)
  local ok2 = pcall(error, "inner")
  assert(not ok2)
  return a < b
end)
print(table.concat(u))

-- a comparator that resumes a coroutine
local gen = coroutine.wrap(function() while true do coroutine.yield(1) end end)
local w = {4, 2, 3, 1}
table.sort(w, function(a, b) return a + gen() < b + gen() end)
print(table.concat(w, ","))

-- a comparator that runs the collector and makes garbage
local g = {}
for i = 1, 200 do g[i] = {v = (i * 37) % 101} end
table.sort(g, function(a, b)
  local junk = {a.v, b.v, tostring(a.v)}
  if a.v % 17 == 0 then collectgarbage() end
  return a.v < b.v or (a.v == b.v and junk[1] < 0)
end)
local sorted = true
for i = 2, #g do sorted = sorted and g[i - 1].v <= g[i].v end
print("records sorted:", sorted)

-- sorts nested in comparators, down to the C stack limit
local depth = 0
local function deep(a, b)
  depth = depth + 1
  table.sort({3, 2, 1}, deep)
  return a < b
end
print(pcall(table.sort, {2, 1}, deep))
print("depth", depth)

-- after the failures, sorting still works
local r = {9, 7, 8}
table.sort(r, function(a, b) return a < b end)
print(table.concat(r, ","))

-- a proxy list with __index, __newindex and __len
local store = {9, 8, 7, 6}
local p = setmetatable({}, {
  __index = store,
  __newindex = store,
  __len = function() return #store end,
})
table.sort(p, function(a, b) return a < b end)
print(table.concat(store, ","))
print(pcall(table.sort, {1, 2}, 3))
print(select("#", table.sort({3, 1, 2}, function(a, b) return a < b end)))
