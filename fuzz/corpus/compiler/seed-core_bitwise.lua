-- Bitwise operators (manual 3.4.2) and float->integer conversions (3.4.3).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function show(label, v)
  print(label, math.type(v), v)
end
local function run(src)
  local f, err = load(src, "=input")
  if not f then return "COMPILE: " .. err end
  local ok, e = pcall(f)
  if ok then return "OK " .. tostring(e) end
  return e
end

show("0xF0 & 0x3C", 0xF0 & 0x3C)
show("0xF0 | 0x0F", 0xF0 | 0x0F)
show("0xF0 ~ 0xFF", 0xF0 ~ 0xFF)
show("~0", ~0)
show("~5", ~5)
show("1 << 62", 1 << 62)
show("1 << 63", 1 << 63)
show("1 << 64", 1 << 64)
show("1 << 100", 1 << 100)
show("-1 >> 1", -1 >> 1)
show("-1 >> 63", -1 >> 63)
show("-1 >> 64", -1 >> 64)
show("8 >> -1", 8 >> -1)
show("8 << -1", 8 << -1)
show("1 << -64", 1 << -64)
show("minint >> 63", math.mininteger >> 63)
show("-1 << 0", -1 << 0)
show("maxint ~ minint", math.maxinteger ~ math.mininteger)
show("~minint", ~math.mininteger)
check((5 & 3) == 1 and (5 | 3) == 7 and (5 ~ 3) == 6, "small")
check(-1 & 0xFF == 0xFF, "negative and")
print("ok integer bitwise")

-- floats with exact integer values are converted
show("3.0 | 0", 3.0 | 0)
show("2^53 | 0", 2 ^ 53 | 0)
show("-2^63 | 0", -2 ^ 63 | 0)
show("1.0 << 2", 1.0 << 2)
show("~0.0", ~0.0)
show("'3' | 0 via tonumber", tonumber("3") | 0)
print(run("return 1.5 | 0"))
print(run("local x = 1.5; return x & 1"))
print(run("return 2^63 | 0"))
print(run("local h = math.huge; return h >> 1"))
print(run("local n = 0/0; return ~n"))
print(run("local x = 2^64; return 1 << x"))
print("ok float conversion")

-- strings
print(run('return "3" | 0'))
print(run('return "3.0" & 1'))
print(run('local s = "abc"; return s | 1'))
print(run('local s = "1.5"; return s | 1'))
print(run('local t = {}; return t & 1'))
print(run('local t = {}; return ~t'))
print(run('return 1 | nil'))
print(run('local a = {}; return 1 << a.b'))
print("ok errors")

-- precedence among bitwise operators: | lowest, then ~, then &, then shifts, then ..
check((1 | 2 ~ 3 & 4) == (1 | (2 ~ (3 & 4))), "| ~ & precedence")
check((1 << 2 + 1) == 8, "+ binds tighter than <<")
check((0xF0 >> 4 & 0x3) == 3, "shift tighter than &")
check(1 | 2 < 4, "comparison binds weaker than |")
show("'2' .. 3 & 7 (string result of .. is not coerced)", tonumber(2 .. 3) & 7)
print(run("return 1 .. 2 & 3"))
print("ok precedence")

print("fails: " .. fails)
print("done")
