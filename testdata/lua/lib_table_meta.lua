-- table library with metamethods (manual 6.6): the order of __index,
-- __newindex and __len calls of insert, remove, concat, unpack, move and
-- sort, and the behaviour of lists that are not plain tables.
local log = {}
local function proxy(t, name)
  return setmetatable({}, {
    __index = function(_, k) log[#log+1] = name .. "[" .. tostring(k) .. "]" return t[k] end,
    __newindex = function(_, k, v) log[#log+1] = name .. "[" .. tostring(k) .. "]=" .. tostring(v) t[k] = v end,
    __len = function() log[#log+1] = "#" .. name return #t end,
  })
end
local function flush(label) print(label, table.concat(log, " ")) log = {} end
local p = proxy({1, 2, 3}, "p")
table.insert(p, 4) flush("insert")
table.insert(p, 2, 9) flush("insert2")
print(table.remove(p)) flush("remove")
print(table.remove(p, 1)) flush("remove1")
print(table.concat(p, ",")) flush("concat")
print(table.unpack(p)) flush("unpack")
local q = proxy({}, "q")
table.move(p, 1, 3, 2, q) flush("move")
table.move(p, 1, 3, 2) flush("move-overlap")
table.move(p, 2, 4, 1) flush("move-down")
local s = proxy({5, 3, 8, 1, 9, 2, 7}, "s")
table.sort(s) flush("sort")
print(table.concat(s, " ", 1, 7)) log = {}
table.sort(s, function(a, b) return a > b end) flush("sort-desc")
local u = proxy({3, 1, 2}, "u")
table.sort(u, function(a, b) log[#log+1] = a .. "<" .. b return a < b end) flush("sort-cmp")
-- userdata-like: io.stdout has a metatable with __index but no __len
print(pcall(table.insert, io.stdout, 1))
print(pcall(table.concat, setmetatable({}, {__index = function(_, k) return k end, __len = function() return 3 end})))
print(table.concat(setmetatable({}, {__index = function(_, k) return k * 2 end, __len = function() return 3 end}), "+"))
print(table.unpack(setmetatable({}, {__index = function(_, k) return k end}), 1, 3))
-- sort with __lt
local mt = {__lt = function(a, b) return a.v < b.v end}
local objs = {}
for i, v in ipairs{5, 2, 8, 1} do objs[i] = setmetatable({v = v}, mt) end
table.sort(objs) for i = 1, 4 do io.write(objs[i].v, " ") end print()
print(pcall(table.sort, {1, {}, 3}))
print(pcall(table.sort, {1, 2, 3}, function(a, b) error("boom") end))
print(pcall(table.sort, {3, 2, 1}, function(a, b) return nil end))
-- __eq for move
local e1 = setmetatable({1,2,3}, {__eq = function() return true end})
local e2 = setmetatable({}, getmetatable(e1))
table.move(e1, 1, 3, 2, e2) print(e2[1], e2[2], e2[3], e2[4])
-- insert / remove edge positions
local t = {1, 2, 3}
table.insert(t, 4, 4) print(#t, t[4])
print(table.remove(t, #t + 1), #t)
t = {} t[0] = "zero" print(table.remove(t, 0), t[0])
t = {n = 1} print(table.remove(t), table.remove(t, 0))
print(table.pack().n, table.pack(nil).n, select("#", table.unpack({1, nil, 3}, 1, 3)))
print(table.unpack({1, 2, 3}, -1, 1))
print(table.unpack({1, 2, 3}, 2))
print(table.unpack({1, 2, 3}, 3, 2))
print(table.concat({1, 2, 3}, 4))
print(table.concat({"a", "b"}, ", ", 2, 2))
print(table.concat({1.5, 2^63, -0.0, 1e100, 3}, " "))
print(pcall(table.concat, {1, 2}, nil, 1, 3))
print(table.move({1, 2, 3}, 1, 0, 1)[1])
print(pcall(table.move, {}, 1, 2))
