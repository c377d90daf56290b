-- Math library (manual 6.7), except random numbers (see lib_math_random.lua).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do
    local v = select(i, ...)
    out[i] = tostring(v) .. (math.type(v) and ("/" .. math.type(v):sub(1, 1)) or "")
  end
  print(table.concat(out, " "))
end
local function approx(a, b) return math.abs(a - b) < 1e-12 end

-- constants
show(math.pi, math.huge, -math.huge, math.maxinteger, math.mininteger)
check(math.maxinteger + 1 == math.mininteger, "maxint wraps")
check(math.huge > math.maxinteger and -math.huge < math.mininteger, "huge bounds")
print("ok constants")

-- abs
show(math.abs(-5), math.abs(5), math.abs(-5.5), math.abs(-0.0), math.abs(math.mininteger), math.abs(-math.huge))
-- ceil and floor return integers when representable
show(math.floor(3.7), math.floor(-3.7), math.floor(3), math.floor(-0.0), math.floor(2^62))
show(math.ceil(3.2), math.ceil(-3.2), math.ceil(3), math.ceil(-0.5), math.ceil(1e100))
show(math.floor(1e100), math.floor(-math.huge), math.ceil(math.huge), math.floor(2^63), math.floor(-2^63))
check(math.floor(0 / 0) ~= math.floor(0 / 0), "floor nan is nan")
show(math.floor("3.7"), math.ceil("3.2"))
print("ok abs ceil floor")

-- fmod
show(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(-7, -3))
show(math.fmod(7.5, 2), math.fmod(-7.5, 2), math.fmod(7, 2.5))
show(math.fmod(math.mininteger, -1), math.fmod(5, math.huge), math.fmod(3, 1))
show(pcall(math.fmod, 1, 0))
check(math.fmod(1, 0.0) ~= math.fmod(1, 0.0), "fmod by 0.0 is nan")
show(math.fmod(-6, 3), math.fmod(6, -3))
print("ok fmod")

-- modf
show(math.modf(3.7))
show(math.modf(-3.7))
show(math.modf(5))
show(math.modf(-0.0))
show(math.modf(math.huge))
show(math.modf(-math.huge))
show(math.modf(2^63))
local i, f = math.modf(0 / 0)
check(i ~= i and f ~= f, "modf nan")
print("ok modf")

-- max and min keep the argument's subtype
show(math.max(1, 2, 3), math.max(3, 2, 1), math.max(1, 2.5), math.max(2.0, 2), math.max(2, 2.0))
show(math.min(1, 2, 3), math.min(-1.5, 0), math.min(5), math.max(-0.0, 0), math.min(0, -0.0))
show(math.max(math.mininteger, math.maxinteger), math.min(math.huge, -math.huge))
show(pcall(math.max))
show(pcall(math.min, 1, "x"))
print("ok max min")

-- sqrt, exp, log
show(math.sqrt(16), math.sqrt(2), math.sqrt(-0.0), math.sqrt(math.huge))
check(math.sqrt(-1) ~= math.sqrt(-1), "sqrt(-1) nan")
show(math.exp(0), math.exp(1), math.log(1), math.log(math.exp(2)))
show(math.log(8, 2), math.log(100, 10), math.log(1000, 10), math.log(27, 3), math.log(1024, 4))
show(math.log(0), math.log(2, 1), math.log(0.5, 2), math.log(2^60, 2))
check(math.log(-1) ~= math.log(-1), "log(-1) nan")
print("ok sqrt exp log")

-- trigonometry
show(math.sin(0), math.cos(0), math.tan(0))
check(approx(math.sin(math.pi / 2), 1) and approx(math.cos(math.pi), -1), "sin cos")
check(approx(math.tan(math.pi / 4), 1), "tan")
show(math.asin(1), math.acos(1), math.atan(1))
show(math.atan(1, 1), math.atan(1, -1), math.atan(-1, -1), math.atan(0, -1), math.atan(1, 0), math.atan(0, 0))
show(math.atan(-0.0, 1), math.atan(0.0, -0.0))
show(math.deg(math.pi), math.rad(180), math.deg(1), math.rad(1))
print("ok trigonometry")

-- tointeger, type, ult
show(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(2^63), math.tointeger(-2^63), math.tointeger(7))
show(math.tointeger({}), math.tointeger(nil), math.tointeger(0 / 0), math.tointeger(-0.0))
show(pcall(math.tointeger))
show(math.type(1), math.type(1.0), math.type("1"), math.type({}))
show(pcall(math.type))
show(math.ult(1, 2), math.ult(-1, 2), math.ult(2, -1), math.ult(math.maxinteger, math.mininteger), math.ult(0, 0))
show(pcall(math.ult, 1.5, 2))
print("ok tointeger type ult")

-- integer/float results
show(math.abs(-3), math.abs(-3.0), math.max(1, 2), math.max(1.0, 2.0))
show(3 // 1, 3.0 // 1, math.floor(3.0), math.floor(-3.5))
print("ok subtypes")

-- argument errors
show(pcall(math.floor, "x"))
show(pcall(math.sqrt))
show(pcall(math.abs, nil))
show(pcall(math.fmod, 1))
print("ok errors")

print("fails: " .. fails)
print("done")
