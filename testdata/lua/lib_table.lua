-- Table library (manual 6.6): concat, insert, move, pack, remove, sort, unpack.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do out[i] = tostring((select(i, ...))) end
  print(n .. ": " .. table.concat(out, " "))
end
local function list(t, n)
  local out = {}
  for i = 1, n or #t do out[i] = tostring(t[i]) end
  return "{" .. table.concat(out, ",") .. "}"
end

-- concat
show(table.concat({ 1, 2, 3 }), table.concat({ 1, 2, 3 }, ", "), table.concat({}, "x"))
show(table.concat({ "a", "b", "c" }, "-", 2), table.concat({ "a", "b", "c" }, "-", 2, 3), table.concat({ "a", "b" }, "-", 3))
show(table.concat({ 1, 2.5, "s" }, " "), table.concat({ "a" }, ", ", 1, 1))
show(table.concat({ [1] = "x", [3] = "z" }, ",", 1, 1))
show(pcall(table.concat, { 1, {}, 3 }))
show(pcall(table.concat, { 1, 2 }, ",", 1, 3))
show(pcall(table.concat, { true }))
show(pcall(table.concat, {}, {}))
print("ok concat")

-- insert
local t = {}
table.insert(t, "a")
table.insert(t, "b")
table.insert(t, 1, "first")
table.insert(t, 3, "mid")
table.insert(t, #t + 1, "last")
print(list(t))
show(pcall(table.insert, t, 0, "x"))
show(pcall(table.insert, t, 7, "x"))
show(pcall(table.insert, t, 1, 2, 3))
show(pcall(table.insert, t))
show(pcall(table.insert, nil, 1))
show(pcall(table.insert, t, "2", "str pos"))
print(list(t))
print("ok insert")

-- remove
t = { "a", "b", "c", "d" }
show(table.remove(t))
print(list(t))
show(table.remove(t, 1))
print(list(t))
show(table.remove(t, #t + 1))
show(table.remove({}))
show(table.remove({}, 0))
-- (the argument number in this message differs between releases)
local okr, er = pcall(table.remove, { 1, 2 }, 5)
check(not okr and er:find("position out of bounds", 1, true), "remove out of bounds")
okr, er = pcall(table.remove, {}, -1)
check(not okr and er:find("position out of bounds", 1, true), "remove -1")
local holes = { [1] = "x", [2] = "y" }
show(table.remove(holes, 1), holes[1], holes[2])
print("ok remove")

-- pack and unpack
local p = table.pack(1, nil, 3, nil)
show(p.n, p[1], p[2], p[3], p[4])
show(table.pack().n)
show(table.unpack({ 1, 2, 3 }))
show(table.unpack({ 1, 2, 3 }, 2))
show(table.unpack({ 1, 2, 3 }, 2, 3))
show(table.unpack({ 1, 2, 3 }, 3, 2))
show(table.unpack({ 1, 2 }, -1, 1))
show(table.unpack({}, 1, 3))
show(pcall(table.unpack, {}, 1, 1e8))
show(pcall(table.unpack, {}, math.mininteger, math.maxinteger))
show(table.unpack({ n = 2, "a", "b", "c" }))
print("ok pack unpack")

-- move
local a = { 1, 2, 3, 4, 5 }
table.move(a, 1, 3, 3)
print(list(a))
a = { 1, 2, 3, 4, 5 }
table.move(a, 3, 5, 1)
print(list(a))
local b = table.move({ 1, 2, 3 }, 1, 3, 2, { "x" })
print(list(b))
local c = table.move({ 1, 2, 3 }, 2, 1, 1, {})
check(next(c) == nil, "empty range moves nothing")
check(table.move({}, 1, 0, 1) ~= nil, "returns destination")
local log = {}
local src = setmetatable({}, { __index = function(_, k) return k * 10 end })
local dst = setmetatable({}, { __newindex = function(tt, k, v) log[#log + 1] = k .. "=" .. v; rawset(tt, k, v) end })
table.move(src, 1, 3, 1, dst)
print(table.concat(log, " "))
show(pcall(table.move, {}, 1, math.maxinteger, 2))
show(pcall(table.move, { 1 }, 1, 1))
print("ok move")

-- sort
local nums = { 5, 2, 8, 1, 9, 3, 7, 4, 6, 0 }
table.sort(nums)
print(list(nums))
table.sort(nums, function(x, y) return x > y end)
print(list(nums))
local words = { "banana", "Apple", "cherry", "apple", "Banana" }
table.sort(words)
print(table.concat(words, " "))
table.sort(words, function(x, y) return x:lower() < y:lower() or (x:lower() == y:lower() and x < y) end)
print(table.concat(words, " "))
local mixed = { 3, 1.5, -2, 10, 2 ^ 53, -math.huge, math.huge, 0 }
table.sort(mixed)
print(list(mixed))
local recs = { { n = "c", v = 3 }, { n = "a", v = 1 }, { n = "b", v = 2 } }
table.sort(recs, function(x, y) return x.v < y.v end)
print(recs[1].n .. recs[2].n .. recs[3].n)
local big = {}
for i = 1, 1000 do big[i] = (i * 7919) % 1009 end
table.sort(big)
local sorted = true
for i = 2, #big do if big[i - 1] > big[i] then sorted = false end end
check(sorted, "big sort")
local one = { 42 }
table.sort(one)
table.sort({})
-- (which operand comes first depends on the sort algorithm)
local oks, es = pcall(table.sort, { 1, "x", 2 })
check(not oks and es:find("attempt to compare ", 1, true), "sort mixed types")
oks, es = pcall(table.sort, { {}, {} })
check(not oks and es == "attempt to compare two table values", "sort tables: " .. tostring(es))
show(pcall(table.sort, { 3, 2, 1 }, 42))
print("ok sort")

-- functions respect metamethods (__index / __newindex / __len)
local proxy_data = { "p", "q", "r" }
local proxy = setmetatable({}, {
  __index = function(_, k) return proxy_data[k] end,
  __newindex = function(_, k, v) proxy_data[k] = v end,
  __len = function() return #proxy_data end,
})
show(table.concat(proxy, ","))
show(table.unpack(proxy))
table.insert(proxy, "s")
show(#proxy_data, proxy_data[4])
show(table.remove(proxy, 1), table.concat(proxy_data, ","))
table.sort(proxy, function(x, y) return x > y end)
show(table.concat(proxy_data, ","))
print("ok metamethods")

print("fails: " .. fails)
print("done")
