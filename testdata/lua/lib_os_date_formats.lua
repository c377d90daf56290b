local check = require('lib.check')
local show, try = check.show, check.try
-- §6.9: os.date with every strftime conversion (at fixed times, in UTC
-- with "!"), the "*t" tables, os.time normalisation, and wrong arguments.
local t0 = 86400 * 365 * 30 + 12345     -- a fixed time (no time zone needed with "!")
local convs = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%"
for c in convs:gmatch(".") do
  try("!%" .. c, os.date, "!%" .. c, t0)
end
for _, c in ipairs({"Ec", "EC", "Ex", "EX", "Ey", "EY", "Od", "Oe", "OH", "OI", "Om", "OM",
                    "OS", "Ou", "OU", "OV", "Ow", "OW", "Oy"}) do
  try("!%" .. c, os.date, "!%" .. c, t0)
end
for _, c in ipairs({"Ez", "Oz", "E", "O", "q", "i", "J", "", "5", "Ea"}) do
  try("bad !%" .. c, os.date, "!%" .. c, t0)
end
try("end with %", os.date, "!abc%", t0)
try("literal text", os.date, "![%Y]-<%m>", t0)
try("zero byte", function() return #os.date("!a\0b%Y", t0) end)
local function tshow(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do out[#out + 1] = k .. "=" .. tostring(t[k]) end
  return table.concat(out, " ")
end
try("!*t", function() return tshow(os.date("!*t", t0)) end)
try("!t", function() return tshow(os.date("!t", t0)) end)
try("*t epoch", function() return tshow(os.date("!*t", 0)) end)
try("*t negative", function() return tshow(os.date("!*t", -86400)) end)
try("year 2038+", os.date, "!%Y-%m-%d %H:%M:%S", 2^31)
try("far future", os.date, "!%Y", 253402300799)
try("time float", os.date, "!%H:%M:%S", 1.0)
try("time bad float", os.date, "!%H", 1.5)
try("time string", os.date, "!%Y", "0")
try("time bad", os.date, "!%Y", {})
try("format bad", os.date, {})
try("huge time", os.date, "!%Y", math.maxinteger)
local function tm(t)
  local ok, r = pcall(os.time, t)
  if not ok then return r end
  return os.date("!%Y-%m-%d %H:%M:%S", r) .. " " .. tshow(t)
end
-- os.time reads its table in local time; the TZ difference cancels out
-- when the result goes back through os.date without "!": compare both.
local function roundtrip(t)
  local r = os.time(t)
  t.isdst = nil   -- depends on the time zone
  return os.date("%Y-%m-%d %H:%M:%S", r), tshow(t)
end
try("normalise month 13", roundtrip, {year = 2020, month = 13, day = 1, hour = 12})
try("normalise day 0", roundtrip, {year = 2020, month = 3, day = 0, hour = 12})
try("normalise negative", roundtrip, {year = 2020, month = 1, day = 1, hour = -1, min = -1, sec = -1})
try("normalise big sec", roundtrip, {year = 2020, month = 1, day = 1, hour = 12, sec = 100000})
try("missing day", os.time, {year = 2020, month = 1})
try("missing month", os.time, {year = 2020, day = 1})
try("missing year", os.time, {month = 1, day = 1})
try("field not int", os.time, {year = 2020, month = 1.5, day = 1})
try("field string", roundtrip, {year = "2020", month = "2", day = "3", hour = 12})
try("field bad string", os.time, {year = 2020, month = "x", day = 1})
try("year too big", os.time, {year = 2^31 + 1900, month = 1, day = 1})
try("year too small", os.time, {year = -2^31 + 1899, month = 1, day = 1})
try("time bad arg", os.time, 1)
try("difftime", os.difftime, 10, 5)
try("difftime 1 arg", os.difftime, 10)
try("difftime float", os.difftime, 10.5, 0)
try("difftime bad", os.difftime, "x", 1)
try("clock type", function() return math.type(os.clock()) end)
try("getenv missing", os.getenv, "LUNAR_SURELY_UNSET_VARIABLE_XYZ")
try("getenv bad", os.getenv, {})
try("getenv()", os.getenv)
try("remove missing", os.remove, "/nonexistent/dir/x")
try("rename missing", os.rename, "/nonexistent/dir/x", "/nonexistent/dir/y")
try("setlocale query", function() return type(os.setlocale()) end)
try("setlocale C", os.setlocale, "C")
try("setlocale bad cat", os.setlocale, "C", "bogus")
try("setlocale unknown", os.setlocale, "xx_NOPE.UTF-8")
try("exit bad", function() return pcall(os.exit, "x") end)
