-- os.date (manual 6.9) in UTC ("!"): every C99 conversion and its E and O
-- forms in the C locale, for many times (ISO week boundaries, negative and
-- huge years), "*t" tables, and the errors of invalid conversions.
local all = "%a|%A|%b|%B|%c|%C|%d|%D|%e|%F|%g|%G|%h|%H|%I|%j|%m|%M|%n|%p|%r|%R|%S|%t|%T|%u|%U|%V|%w|%W|%x|%X|%y|%Y|%z|%Z|%%"
local mods = "%Ec|%EC|%Ex|%EX|%Ey|%EY|%Od|%Oe|%OH|%OI|%Om|%OM|%OS|%Ou|%OU|%OV|%Ow|%OW|%Oy"
local times = {0, 1, -1, 59, 3599, 43199, 43200, 86399, 86400, 1e9, -1e9, 951782400, 951868800, 1078012800,
  -62135596800, -62135596801, -100000000000, 253402300800, 1e12, 1e15, -1e15, 67767976233316800,
  67768036191676799, -67768040609740800, 1700000000, 2147483647, -2147483648, 4102444800}
-- ISO weeks around new year: December 26 to January 6 of several years
for _, y in ipairs{1998, 1999, 2003, 2004, 2008, 2009, 2010, 2015, 2020, 2021, 2026, 2027} do
  local jan1 = os.time{year = y + 1, month = 1, day = 1, hour = 12}
  local jan1utc = os.date("!*t", jan1)
  -- noon UTC of January 1, whatever the local time zone
  local base = jan1 - ((jan1utc.hour - 12) * 3600 + jan1utc.min * 60 + jan1utc.sec)
  if jan1utc.day ~= 1 then base = base + (jan1utc.day > 1 and -86400 or 86400) end
  for d = -6, 5 do times[#times+1] = base + d * 86400 end
end
for _, t in ipairs(times) do
  print(t, os.date("!" .. all, t))
  print("", os.date("!" .. mods, t))
end
for _, y in ipairs{-101, -100, -99, -50, -5, -1, 0, 1, 5, 50, 99, 100, 500, 999, 1000} do
  -- June 15 of year y, noon UTC
  local days = 0
  local function isleap(x) return x % 4 == 0 and (x % 100 ~= 0 or x % 400 == 0) end
  if y >= 1970 then
    for x = 1970, y - 1 do days = days + (isleap(x) and 366 or 365) end
  else
    for x = y, 1969 do days = days - (isleap(x) and 366 or 365) end
  end
  local t = (days + 165 + (isleap(y) and 1 or 0)) * 86400 + 43200
  print(y, os.date("!%Y|%C|%y|%G|%g|%F|%c|%D|%x|%j", t))
end
-- "*t" and "!*t"
for _, t in ipairs{0, 1e9, -1e9, 951782400, 67768036191676799} do
  local d = os.date("!*t", t)
  print(t, d.year, d.month, d.day, d.hour, d.min, d.sec, d.yday, d.wday, d.isdst)
end
local lt = os.date("*t", 1e9)
print(type(lt.year), type(lt.isdst), os.time(lt) == 1e9)
-- literal text, embedded zeros, the default format
print(os.date("!literal text", 0), os.date("!", 0) == "", os.date("!x\0y%Y", 0) == "x\0y1970")
print(type(os.date()), os.date("%c", 0) == os.date("%a %b %e %H:%M:%S %Y", 0))
-- errors
for _, f in ipairs{"%Ez abc", "%", "%E", "x%O", "%Oz", "%5d", "%q", "%#c", "%-d", "%EE", "%OO", "%Od%"} do
  print(pcall(os.date, "!" .. f, 0))
end
print(pcall(os.date, "!%c", 2^60))
print(pcall(os.date, "!%c", 67768036191676800))
print(pcall(os.date, "!%c", 1.5))
print(pcall(os.date, "!%c", "10"))
print(pcall(os.date, "!%c", "x"))
print(pcall(os.date, {}))
print(pcall(os.date, "!%Y", -67768040609740801))
