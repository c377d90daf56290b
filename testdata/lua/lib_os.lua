-- os library (manual 6.9): date, time, difftime, clock, getenv, setlocale,
-- remove/rename errors. Only UTC formats ("!") print absolute dates; local
-- times are checked through round trips so the output does not depend on TZ.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function fmt_table(t)
  local keys = {}
  for k in pairs(t) do if k ~= "isdst" then keys[#keys + 1] = k end end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do out[#out + 1] = k .. "=" .. tostring(t[k]) end
  return table.concat(out, " ")
end

-- UTC formatting of fixed times
print(os.date("!%Y-%m-%d %H:%M:%S", 0))
print(os.date("!%Y-%m-%d %H:%M:%S", 86399))
print(os.date("!%Y-%m-%d %H:%M:%S", 1700000000))
print(os.date("!%Y-%m-%d %H:%M:%S", -1))
print(os.date("!%Y-%m-%d %H:%M:%S", 951782400))  -- 2000-02-29
print(os.date("!%c", 0))
print(os.date("!%x %X %p %y", 1700000000))
print(os.date("!%a %A %b %B %d %j %w %I %M %S", 1700000000))
print(os.date("!%H %I %p", 1700000000 + 12 * 3600))
print(os.date("!%%|%n|%t|", 0))
print(os.date("!%D %e %F %R %T %h %u %C %g %G %V %U %W", 1700000000))
print(os.date("!literal text", 0))
print(os.date("!", 0) == "")
print("ok utc formats")

-- "*t" tables
local t = os.date("!*t", 1700000000)
print(fmt_table(t))
print(type(t.isdst))
t = os.date("!*t", 0)
print(fmt_table(t))
t = os.date("!*t", 951782400 + 86400)
print(fmt_table(t))
print("ok date tables")

-- os.time returns an integer; local round trips
local now = os.time()
check(math.type(now) == "integer", "os.time() integer")
local lt = os.date("*t", now)
check(os.time(lt) == now, "local round trip")
check(type(os.date()) == "string" and #os.date() > 0, "default format")
local fixed = os.time({ year = 2024, month = 6, day = 15, hour = 12, min = 30, sec = 15 })
check(math.type(fixed) == "integer", "os.time(table) integer")
local back = os.date("*t", fixed)
print(back.year, back.month, back.day, back.hour, back.min, back.sec, back.wday, back.yday)
check(os.date("%Y-%m-%d %H:%M:%S", fixed) == "2024-06-15 12:30:15", "local format")
print("ok local round trips")

-- default hour is 12
local noon = os.time({ year = 2024, month = 3, day = 10 })
print(os.date("%H:%M:%S", noon))
print("ok defaults")

-- normalisation of out-of-range fields (the table is updated in place)
local n1 = { year = 2024, month = 1, day = 32, hour = 12 }
os.time(n1)
print(fmt_table(n1))
local n2 = { year = 2024, month = 13, day = 1, hour = 12 }
os.time(n2)
print(fmt_table(n2))
local n3 = { year = 2024, month = 3, day = 0, hour = 12 }
os.time(n3)
print(fmt_table(n3))
local n4 = { year = 2023, month = 3, day = 0, hour = 12 }
os.time(n4)
print(fmt_table(n4))
local n5 = { year = 2024, month = 6, day = 15, hour = 12, min = -30, sec = 3600 }
os.time(n5)
print(fmt_table(n5))
local n6 = { year = 2024, month = 1, day = 1, hour = 12 + 24 * 366 }
os.time(n6)
print(fmt_table(n6))
local n7 = { year = 2024, month = -1, day = 10, hour = 12 }
os.time(n7)
print(fmt_table(n7))
print("ok normalisation")

-- differences between local times do not depend on the time zone
local d1 = os.time({ year = 2024, month = 1, day = 10, hour = 12 })
local d2 = os.time({ year = 2024, month = 1, day = 11, hour = 12 })
print(d2 - d1, os.difftime(d2, d1), math.type(os.difftime(d2, d1)))
print(os.difftime(10, 5), os.difftime(5, 10))
print("ok difftime")

-- errors
print(pcall(os.time, { year = 2024, month = 1 }))
print(pcall(os.time, { year = 2024, day = 1 }))
print(pcall(os.time, { month = 1, day = 1 }))
print(pcall(os.time, { year = 2024, month = 1, day = 1.5 }))
print(pcall(os.time, { year = 2024, month = "x", day = 1 }))
print(pcall(os.time, 42))
print(pcall(os.date, "%Ez", 0))
print(pcall(os.date, "!%Q", 0))
print(pcall(os.date, "%", 0))
print(pcall(os.date, "!%Y", "x"))
print(pcall(os.date, "!%Y", 1.5))
print(pcall(os.difftime))
print("ok errors")

-- string numbers are accepted in date tables
local sn = os.time({ year = "2024", month = "2", day = "29", hour = "12" })
print(os.date("%Y-%m-%d", sn))

-- clock, getenv, setlocale
local c = os.clock()
check(type(c) == "number" and c >= 0, "clock")
print(os.getenv("LUNAR_TEST_SURELY_UNDEFINED_VARIABLE"))
print(pcall(os.getenv))
print(os.setlocale("C"), os.setlocale(nil), os.setlocale("C", "numeric"), os.setlocale(nil, "all"))
print(os.setlocale("no-such-locale-xyz"))
print(pcall(os.setlocale, "C", "bogus"))
print("ok misc")

-- remove / rename failures
print(os.remove("lunar_no_such_file_for_test.txt"))
print(os.rename("lunar_no_such_file_for_test.txt", "lunar_other_name.txt"))
print("ok remove rename")

print("fails: " .. fails)
print("done")
