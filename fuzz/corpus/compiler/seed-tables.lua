-- tables: table.insert/remove, table.sort with a comparator, the length
-- operator, ipairs over arrays and pairs over hashes. The checksum is built
-- so that the iteration order of pairs cannot influence it.
-- Usage: tables.lua [n]   (default 100000, at most 100000)
local N = tonumber(arg and arg[1]) or 100000

local insert, remove, sort = table.insert, table.remove, table.sort
local M = 2147483647
local h = 0

local function add(x)
  h = (h * 31 + x) % M
end

for round = 1, 3 do
  -- array built with table.insert; distinct values because 100003 is prime
  local t = {}
  for i = 1, N do
    insert(t, (i * 7919 + round) % 100003)
  end
  local sum = 0
  for i, v in ipairs(t) do
    sum = (sum + i * v) % M
  end
  add(sum)
  add(#t)

  -- sort descending with a comparator, then verify and fold in positions
  sort(t, function(a, b) return a > b end)
  local wsum = 0
  for i = 1, #t do
    if i > 1 and t[i - 1] <= t[i] then
      error("not sorted")
    end
    wsum = (wsum + i * t[i]) % M
  end
  add(wsum)
  add(t[1])
  add(t[#t])

  -- records sorted by two keys (a total order, so the result is unique)
  local recs = {}
  for i = 1, N / 4 do
    recs[#recs + 1] = { key = (i * 31) % 97, name = "r" .. i, id = i }
  end
  sort(recs, function(a, b)
    if a.key ~= b.key then
      return a.key < b.key
    end
    return a.name < b.name
  end)
  for i = 1, #recs, 37 do
    add(recs[i].id)
  end

  -- hash part: string keys, pairs (order-independent sums), deletions
  local d = {}
  for i = 1, N do
    d["k" .. (i % 5000)] = (d["k" .. (i % 5000)] or 0) + i
  end
  for i = 0, 4999, 3 do
    d["k" .. i] = nil
  end
  local count, vsum, klen = 0, 0, 0
  for k, v in pairs(d) do
    count = count + 1
    vsum = (vsum + v) % M
    klen = klen + #k
  end
  add(count)
  add(vsum)
  add(klen)

  -- queue: insert at the front, remove from the front and the back
  local q = {}
  local qsum = 0
  for i = 1, N do
    insert(q, 1, i)
    if #q > 40 then
      qsum = qsum + remove(q)
      qsum = qsum + remove(q, 1)
    end
  end
  while #q > 0 do
    qsum = qsum + remove(q)
  end
  add(qsum % M)

  -- stack of mixed tables: array of arrays, pop everything
  local s = {}
  for i = 1, N do
    s[#s + 1] = { i, i * 2, i * 3 }
  end
  local ssum = 0
  while #s > 0 do
    local e = remove(s)
    ssum = (ssum + e[1] + e[2] - e[3] + #e) % M
  end
  add(ssum)
end

print(string.format("tables %d: hash=%d", N, h))
