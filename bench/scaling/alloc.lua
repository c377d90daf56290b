-- scaling/alloc: one run builds and drops about 1,000 small tables and
-- 1,000 strings (each record a table with a fresh concatenated name and
-- tag), then reads them back; everything is garbage once the run ends, so
-- the state's collector runs every few runs. Returns a checksum.
local records = {}
for i = 1, 1000 do
  local name = "item" .. i
  records[i] = { id = i, name = name, tag = name .. ":" .. (i % 7) }
end
local sum = 0
for i = 1, #records do
  local r = records[i]
  sum = sum + #r.tag + r.id
end
return sum
