-- math functions (manual 6.7, plus the Lua 5.3 compatibility functions the
-- reference keeps): results and subtypes for special values, NaN signs,
-- errors. Trigonometric functions are checked on moderate arguments only.
local vals = {0, -0.0, 1, -1, 0.5, -0.5, 2, 3.7, -3.7, 10, 100, 1000, 1e-5, 1e15, 2^53, 2^63, -2^63, 1/0, -1/0, 0/0, -(0/0),
  math.maxinteger, math.mininteger, 3, -7, 1e308, 5e-324, 123456789}
local function fmt(r)
  local s = {}
  for i = 1, r.n do s[#s+1] = tostring(r[i]) .. (math.type(r[i]) == "float" and "f" or "") end
  return table.concat(s, ",")
end
local f1 = {"abs", "ceil", "floor", "sqrt", "exp", "log", "asin", "acos", "atan", "tointeger", "type",
  "modf", "cosh", "sinh", "tanh", "frexp", "log10"}
for _, name in ipairs(f1) do
  local line = {name}
  for _, v in ipairs(vals) do line[#line+1] = fmt(table.pack(pcall(math[name], v))) end
  print(table.concat(line, " "))
end
for _, name in ipairs{"sin", "cos", "tan"} do
  local line = {name}
  for _, v in ipairs{0, -0.0, 1, -1, 0.5, 2, 3.7, -3.7, 10, 1e-5, 1/0, -1/0, 0/0} do
    line[#line+1] = fmt(table.pack(pcall(math[name], v)))
  end
  print(table.concat(line, " "))
end
for _, base in ipairs{2, 10, 3, 0.5, 1, 0, -1, 1/0} do
  local line = {"log" .. base}
  for _, v in ipairs(vals) do line[#line+1] = tostring(math.log(v, base)) end
  print(table.concat(line, " "))
end
local pairs2 = {{7, 3}, {-7, 3}, {7, -3}, {-7, -3}, {7.5, 2}, {-7.5, 2}, {1, 0.0}, {0, 0.0}, {1/0, 2}, {2, 1/0},
  {math.mininteger, -1}, {math.mininteger, 1}, {3, math.mininteger}, {0/0, 1}, {1, 0/0}, {5, 5}, {-0.0, 1},
  {2, 0.5}, {-8, 1/3}, {0, -1}, {-2, 1/0}, {-(0/0), 3}, {-(0/0), 2}, {0/0, 1/0}}
for _, name in ipairs{"fmod", "atan", "pow", "ult", "max", "min", "ldexp"} do
  local line = {name}
  for _, p in ipairs(pairs2) do line[#line+1] = fmt(table.pack(pcall(math[name], p[1], p[2]))) end
  print(table.concat(line, " "))
end
print(pcall(math.fmod, 1, 0), pcall(math.fmod, 1), pcall(math.fmod, "10", "3"), math.fmod("10", 3))
print(pcall(math.fmod, 1.5, "x"), pcall(math.fmod, {}, 1))
print(math.max(1, 2, 3), math.min(3, 1, 2), math.max(-0.0, 0), math.min(0, -0.0), math.max(1.5, 2, 1), math.min("a", "b"))
print(math.max(1, 2.0), math.max(2.0, 2), math.max(2, 2.0), math.min(1, 1.0), math.max(3))
print(pcall(math.max), pcall(math.max, "10", 2), pcall(math.min, 1, "x"), type(math.max({})))
print(math.ldexp(1, 2^32 + 3), math.tointeger("8"), math.tointeger("8.0"), math.tointeger("x"), math.tointeger(nil))
print(math.tointeger(2^63), math.tointeger(-2^63), math.tointeger({}), math.tointeger("0x10"), math.tointeger(" 5 "))
print(pcall(math.tointeger), pcall(math.type), pcall(math.ult, 1.5, 2), pcall(math.ldexp, 1, 1.5))
print(math.pi, -math.pi, math.huge, -math.huge, math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger)
print(math.abs(math.mininteger), math.abs(-0.0), math.abs("-2"), pcall(math.abs), pcall(math.abs, "x"))
print(math.floor(-3.5), math.ceil(-3.5), math.floor(2^62), math.floor(-2^63), math.ceil(2^63), math.floor("10"), math.floor(" 0x10 "))
print(math.floor(3.7), math.floor(2^70), math.ceil(-0.0), math.floor("3.7"), math.ceil(1e300))
print(math.sqrt(16), math.sqrt(2), math.exp(1), math.exp(10), math.log(100), math.log(1024, 2), math.log(1e-5, 10), math.log(1000, 10))
print(math.sin(1), math.cos(1), math.tan(1), math.asin(0.5), math.acos(0.5), math.atan(1), math.atan(1, 2), math.atan(-0.0, -1))
print(math.frexp(8), math.frexp(-0.5), math.frexp(0), math.ldexp(1.5, -1), math.pow(2, 10), math.log10(1000))
local digits = {}
for _, x in ipairs{1, 9, 10, 99, 100, 999, 1000, 1e5, 1e10, 1e15, 1e22, 12345} do
  digits[#digits+1] = math.floor(math.log(x, 10)) + 1
end
print(table.concat(digits, " "))
