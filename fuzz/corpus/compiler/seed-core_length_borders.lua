-- The border '#t' finds in tables with holes (manual 3.4.7): any border is
-- valid, and this script pins the one the reference finds, which depends on
-- how it sizes the array part (constructors, SETLIST, rehash) and on the
-- hint it keeps between calls. (Tables whose hash part has deleted keys
-- when a new key arrives are left out: there the reference may reuse the
-- deleted key's node, which Lunar does not model.)

local function show(label, ...)
  local parts = { ... }
  for i = 1, select("#", ...) do parts[i] = tostring(parts[i]) end
  print(label, table.concat(parts, " "))
end

-- constructors: the array part has the constructor's size, nils included
show("ctor", #{ 1, 2, nil, 4 }, #{ 1, nil, 3 }, #{ nil, nil, 3 }, #{ 1, 2, 3, nil })
show("ctor", #{ nil }, #{ nil, 2 }, #{ 1, nil }, #{ nil, nil, nil, nil, 5 })
show("ctor", #{ 1, 2, nil, nil, 5, nil }, #{ 1, nil, nil, nil, nil, nil, nil, 8 })
show("ctor mixed", #{ n = 1, 1, 2, nil, 4 }, #{ x = 1, y = 2, nil, 2, 3 }, #{ 1, nil, 3, a = "a" })
show("ctor keys", #{ [1] = 1, [2] = 2, [4] = 4 }, #{ [1] = 1, [3] = 3 }, #{ [2] = 2 })
show("ctor long", #{ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, nil, 12, 13, 14, 15, 16, 17 })

-- varargs and multiple results fill the array through SETLIST
local function pack(...) return { ... } end
local function len(...) return #{ ... } end
show("varargs", len(1, nil, 3), len(nil, nil), len(1, 2, nil), len(nil, 2), len())
show("varargs", len(1, nil, nil, nil, 5), len(nil, nil, nil, 4), len(1, 2, 3, nil, nil, nil))
local function three() return 1, nil, 3 end
show("multret", #{ three() }, #{ 0, three() }, #{ three(), three() }, #{ nil, three() })
local big = pack(table.unpack({ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 1, 70))
show("setlist 70", #big)
big[10] = nil
show("setlist 70 hole", #big)

-- table.pack preallocates its array part too
local p = table.pack(1, nil, 3)
show("pack", #p, p.n)
p = table.pack(nil, nil)
show("pack", #p, p.n)
p = table.pack(1, 2, nil, 4, nil)
show("pack", #p, p.n)
show("pack unpack", select("#", table.unpack(table.pack(1, nil, 3))))

-- numeric keys added one by one, in order and out of order
local t = {}
t[1] = 1; t[2] = 2; t[4] = 4
show("1 2 4", #t)
t = {}
t[1] = 1; t[3] = 3
show("1 3", #t)
t = {}
t[2] = 2
show("2", #t)
t = {}
t[4] = 4; t[3] = 3; t[2] = 2; t[1] = 1
show("4 3 2 1", #t)
t = {}
for i = 10, 1, -1 do t[i] = i end
show("10 down to 1", #t)
t = {}
for i = 1, 20, 2 do t[i] = i end
show("odd to 19", #t)
t = {}
for i = 2, 20, 2 do t[i] = i end
show("even to 20", #t)
t = {}
t[1] = 1; t[2] = 2; t[3] = 3; t[5] = 5; t[6] = 6; t[7] = 7; t[8] = 8
show("1-3 5-8", #t)
t = {}
for _, k in ipairs({ 5, 1, 9, 2, 7, 3, 8, 4 }) do t[k] = k end
show("shuffled", #t)
t = { 1, 2, 3 }
t[5] = 5
show("{1,2,3} 5", #t)
t = { 1, 2, 3 }
t[5] = 5; t[6] = 6; t[7] = 7; t[8] = 8
show("{1,2,3} 5-8", #t)
t = {}
t[1.0] = 1; t[2.0] = 2; t[4.0] = 4
show("float keys", #t)

-- sequences with removals
t = {}
for i = 1, 10 do t[i] = i end
t[5] = nil
show("10 minus 5", #t)
t = {}
for i = 1, 10 do t[i] = i end
t[10] = nil; t[9] = nil
show("10 minus 10 9", #t)
t = { 1, 2, 3, 4, 5, 6, 7, 8 }
t[4] = nil
show("8 minus 4", #t)
t = {}
for i = 1, 20 do t[i] = i end
for i = 1, 19 do t[i] = nil end
show("20 minus 1-19", #t)
t = {}
t[1] = 1; t[2] = 2; t[3] = 3; t[4] = 4; t[3] = nil
show("4 minus 3", #t)
t = {}
for i = 1, 100 do t[i] = i end
for i = 50, 100 do t[i] = nil end
show("100 minus 50-100", #t)
t = {}
for i = 1, 7 do t[i] = i end
t[8] = nil; t[4] = nil
show("7 then 8 4 nil", #t)
t = {}
for i = 1, 16 do t[i] = i end
for i = 1, 16, 2 do t[i] = nil end
show("16 minus odd", #t)
t = {}
for i = 1, 16 do t[i] = i end
for i = 2, 16, 2 do t[i] = nil end
show("16 minus even", #t)
t = {}
for i = 1, 32 do t[i] = i end
for i = 1, 32 do
  if i % 3 == 0 then t[i] = nil end
end
show("32 minus multiples of 3", #t)

-- removal from the end, one at a time, then refilling: the hint moves
t = {}
for i = 1, 16 do t[i] = i end
local lens = {}
for _ = 1, 16 do
  t[#t] = nil
  lens[#lens + 1] = #t
end
show("pop 16", table.unpack(lens))
for i = 1, 16 do t[#t + 1] = i end
show("refill", #t)
t = {}
for i = 1, 12 do t[i] = i end
lens = {}
for _ = 1, 12 do
  table.remove(t)
  lens[#lens + 1] = #t
end
show("remove 12", table.unpack(lens))

-- holes in the middle, then the hint
t = {}
for i = 1, 16 do t[i] = i end
t[16] = nil
show("16 minus 16", #t)
t[12] = nil
show("and 12", #t)
t[15] = nil
show("and 15", #t)
t[14] = nil; t[13] = nil
show("and 14 13", #t)
t[16] = 16
show("16 back", #t)
local _ = t[15]
show("after reading t[15]", #t)

-- the hint moves on reads and writes past it
t = {}
for i = 1, 8 do t[i] = i end
t[8] = nil
show("8 minus 8", #t)
t[6] = nil
t[8] = 8
show("6 nil, 8 back", #t)
t = {}
for i = 1, 8 do t[i] = i end
t[8] = nil
show("8 minus 8", #t)
t[4] = nil
local _ = t[8]
show("4 nil, read 8", #t)

-- t[#t + 1] loops, in a table with holes
t = { 1, 2, nil, 4 }
for i = 1, 5 do t[#t + 1] = "x" .. i end
show("append after hole", #t, t[3], t[4], t[5])
t = {}
for i = 1, 33 do t[#t + 1] = i end
show("append 33", #t)
t[34] = nil
t[20] = nil
show("append 33 hole 20", #t)

-- table.insert and table.remove with holes
t = { 10, 20, 30, nil, 50 }
table.insert(t, 60)
show("insert", #t, t[4], t[5], t[6])
t = { 10, 20, 30, nil, 50 }
table.insert(t, 1, 5)
show("insert at 1", #t, t[1], t[2], t[4], t[5])
t = { 1, 2, nil, 4 }
show("remove", table.remove(t), #t)
t = { 1, 2, nil, nil, 5 }
show("remove", table.remove(t), #t, table.remove(t), #t)
t = {}
for i = 1, 10 do table.insert(t, i) end
t[3] = nil
for _ = 1, 3 do table.insert(t, "y") end
show("insert after hole", #t, t[3], t[11], t[12], t[13])

-- table.move and table.unpack see the same length
t = { 1, 2, nil, 4 }
local m = table.move(t, 1, #t, 1, {})
show("move", #t, #m, m[1], m[2], m[3], m[4])
show("unpack", select("#", table.unpack({ 1, 2, nil, nil, 5, nil })))

-- mixed string and integer keys, no deletions
t = { a = 1, b = 2 }
t[1] = 1; t[2] = 2; t[4] = 4
show("mixed 1 2 4", #t)
t = {}
t.x = 1; t[1] = 1; t.y = 2; t[3] = 3; t.z = 3; t[2] = 2
show("mixed interleaved", #t)
t = {}
for i = 1, 10 do
  t["k" .. i] = i
  t[i * 2] = i
end
show("mixed evens", #t)
t = {}
for i = 1, 10 do
  t[i] = i
  t["k" .. i] = i
end
t[5] = nil
show("mixed 10 minus 5", #t)

-- next and pairs still see every key, in array order first
t = { 1, nil, 3, nil, 5 }
t[7] = 7
local keys = {}
for k in pairs(t) do keys[#keys + 1] = k end
table.sort(keys)
show("pairs", table.unpack(keys))
local seq = {}
for i, v in ipairs({ 1, 2, nil, 4 }) do seq[#seq + 1] = i .. "=" .. v end
show("ipairs", table.unpack(seq))
t = {}
for i = 1, 8 do t[i] = i end
for k in pairs(t) do t[k] = nil end
show("cleared in pairs", #t, next(t))

-- rawlen agrees with #
show("rawlen", rawlen({ 1, nil, 3 }), rawlen({ 1, 2, nil }))

print("done")
