-- os.time (manual 6.9): normalisation of out-of-range fields (mktime
-- semantics; the table is updated), field errors, results that cannot be
-- represented. Absolute results depend on the time zone, so only
-- normalised fields and differences within a day are printed.
local function fields(t)
  return table.concat({t.year, t.month, t.day, t.hour, t.min, t.sec, t.yday, t.wday, type(t.isdst)}, " ")
end
local cases = {
  {year = 2000, month = 1, day = 1, hour = 12},
  {year = 2000, month = 13, day = 1, hour = 12, min = -1, sec = 3600},
  {year = 2000, month = 14, day = -3, hour = 10, min = 61, sec = -1},
  {year = 2001, month = 2, day = 29},
  {year = 2000, month = 2, day = 30},
  {year = 2000, month = 0, day = 0},
  {year = 2000, month = -11, day = 1},
  {year = 1900, month = 3, day = 1},
  {year = 1, month = 1, day = 1},
  {year = 0, month = -5, day = 400, hour = -30},
  {year = -1000, month = 100, day = -1000, hour = 100, min = -10000, sec = 1e6},
  {year = 2000, month = 1, day = 1, hour = 12, min = 0, sec = 86400 * 366},
  {year = 2024, month = 6, day = 15, hour = 12, min = 30, sec = 15},
  {year = "2024", month = "6", day = 15.0, hour = "12"},
  {year = 2000, month = 2^31, day = 1},
  {year = 2000, month = -2^31 + 1, day = 1},
}
for _, c in ipairs(cases) do
  local ok, r = pcall(os.time, c)
  print(ok and math.type(r), fields(c))
end
-- field errors, in the order the fields are read
print(pcall(os.time, {}))
print(pcall(os.time, {year = 2000}))
print(pcall(os.time, {year = 2000, month = 1}))
print(pcall(os.time, {year = 2000, month = 1, day = 1.5}))
print(pcall(os.time, {year = 2000, month = 1, day = "x"}))
print(pcall(os.time, {year = 2000, month = 1, day = 1, hour = {}}))
print(pcall(os.time, {year = 2000, month = 1, day = 1, min = true}))
print(pcall(os.time, {year = 2000, month = 1, day = 1, sec = 2^31}))
print(pcall(os.time, {year = 2^31 + 1900, month = 1, day = 1}))
print(pcall(os.time, {year = -2^31 + 1899, month = 1, day = 1}))
print(pcall(os.time, {year = 2000, month = 2^31 + 1, day = 1}))
print(pcall(os.time, {year = 2000, month = 1, day = -2^31 - 1}))
print(pcall(os.time, {year = 2^31 + 1899, month = 12, day = 32, hour = 12}))
print(pcall(os.time, 5))
print(pcall(os.time, "x"))
-- isdst is read as a boolean; fields come through __index
local proxy = setmetatable({}, {__index = function(_, k)
  io.write(k, " ")
  return ({year = 2010, month = 5, day = 6, hour = 7, min = 8, sec = 9})[k]
end})
local t1 = os.time(proxy) print()
print(rawget(proxy, "year"), rawget(proxy, "wday"), type(rawget(proxy, "isdst")))
-- differences within a day and round trips
local base = os.time{year = 2023, month = 3, day = 7, hour = 0}
print(os.time{year = 2023, month = 3, day = 7, hour = 5, min = 6, sec = 7} - base)
print(os.time{year = 2023, month = 3, day = 6, hour = 24} - base)
print(os.time{year = 2023, month = 3, day = 7, hour = 0, sec = 86399} - base)
for _, t in ipairs{0, 86400 * 365, 1e9, 1700000000, 4102444800} do
  print(os.time(os.date("*t", t)) == t, os.time(os.date("*t", t + 43200)) == t + 43200)
end
print(math.type(os.time()), os.difftime(10, 5), math.type(os.difftime(10, 5)), os.difftime(5, 10), os.difftime(0, 0))
print(os.difftime(math.maxinteger, math.mininteger), os.difftime(-1, math.maxinteger))
print(pcall(os.difftime, 10), pcall(os.difftime, 1.5, 1), pcall(os.difftime))
