-- §6.6: table.insert and table.remove in the middle of a list, at its ends,
-- past the array part (hash-held keys) and on empty tables (Lunar moves
-- array-part elements in one copy: the results must be the element-by-
-- element ones).
local t = {}
for i = 1, 10 do table.insert(t, i) end
table.insert(t, 1, 'a') table.insert(t, 5, 'b') table.insert(t, #t, 'c') table.insert(t, #t + 1, 'd')
print(table.concat(t, ','))
print(table.remove(t, 1), table.remove(t, 3), table.remove(t), table.remove(t, #t), #t)
print(table.concat(t, ','))
local h = {[1] = 1, [2] = 2, [3] = 3} table.insert(h, 1, 0) print(table.concat(h, ','))
local e = {} table.insert(e, 1, 'x') print(e[1], #e, table.remove(e, 1), #e, table.remove({}), table.remove({}, 1))
local big = {} for i = 1, 1000 do big[i] = i end
for i = 1, 10 do table.insert(big, 500, -i) end
for i = 1, 5 do table.remove(big, 3) end
print(#big, big[1], big[2], big[3], big[495], big[496], big[505], big[506], big[1005])
local s = 0 for i, v in ipairs(big) do s = s + i * v end print(s)
