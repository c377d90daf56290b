-- Numeric constants (manual 3.1) and their integer/float subtypes.

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
local function compile_error(src)
  local f, err = load(src, "=input")
  if f then return "NO ERROR" end
  return err
end

-- manual examples of integer constants
show("3", 3)
show("345", 345)
show("0xff", 0xff)
show("0xBEBADA", 0xBEBADA)
-- manual examples of float constants
show("3.0", 3.0)
show("3.1416", 3.1416)
show("314.16e-2", 314.16e-2)
show("0.31416E1", 0.31416E1)
show("34e1", 34e1)
show("0x0.1E", 0x0.1E)
show("0xA23p-4", 0xA23p-4)
show("0X1.921FB54442D18P+1", 0X1.921FB54442D18P+1)
show("0x1.fp10", 0x1.fp10)
check(0x1.fp10 == 1984, "0x1.fp10 == 1984")
print("ok manual examples")

-- other forms
show(".5", .5)
show("5.", 5.)
show("5e0", 5e0)
show("5E+2", 5E+2)
show("5e-2", 5e-2)
show("0x.8p1", 0x.8p1)
show("0x1p4", 0x1p4)
show("0x1P-1", 0x1P-1)
show("0xA.8", 0xA.8)
show("0x.1", 0x.1)
show("0XaBcD", 0XaBcD)
show("007", 007)
show("0e0", 0e0)
show("1e308", 1e308)
show("1e309", 1e309)
show("1e-400", 1e-400)
check(1e309 == math.huge, "overflow to inf")
print("ok forms")

-- integers at the limits
show("9223372036854775807", 9223372036854775807)
check(9223372036854775807 == math.maxinteger, "maxinteger literal")
-- a decimal integer numeral that overflows becomes a float
show("9223372036854775808", 9223372036854775808)
show("-9223372036854775808", -9223372036854775808)
show("18446744073709551616", 18446744073709551616)
show("99999999999999999999", 99999999999999999999)
check(math.type(-9223372036854775807 - 1) == "integer", "minint by arithmetic")
check(-9223372036854775807 - 1 == math.mininteger, "minint value")
check(-9223372036854775808 == math.mininteger, "float -2^63 equals mininteger")
print("ok decimal limits")

-- hexadecimal integers wrap around
show("0x7fffffffffffffff", 0x7fffffffffffffff)
show("0x8000000000000000", 0x8000000000000000)
show("0xffffffffffffffff", 0xffffffffffffffff)
show("0x10000000000000000", 0x10000000000000000)
show("0x10000000000000001", 0x10000000000000001)
show("0x1ffffffffffffffff", 0x1ffffffffffffffff)
check(0xffffffffffffffff == -1, "hex -1")
check(0x8000000000000000 == math.mininteger, "hex minint")
-- hexadecimal floats do not wrap
show("0x10000000000000000.0", 0x10000000000000000.0)
show("0xffffffffffffffffp0", 0xffffffffffffffffp0)
print("ok hex wraparound")

-- malformed numerals
print(compile_error("x = 3x"))
print(compile_error("x = 0x"))
print(compile_error("x = 1e"))
print(compile_error("x = 1e+"))
print(compile_error("x = 3..2"))
print(compile_error("x = 0xg"))
print(compile_error("x = 1.2.3"))
print(compile_error("x = 0x1p"))
print(compile_error("x = 08z"))
-- a numeral followed by .. must be separated
check(load("return 1 .. 2")() == "12", "1 .. 2")
print(compile_error("return 1..2"))
print("ok malformed")

-- negative numbers are unary minus applied to a numeral
check(- 1 == -1, "space after minus")
check(-0x10 == -16, "-0x10")
check(2^-1 == 0.5, "2^-1")
check(- -3 == 3, "double negation")
check(load("return --3") ~= nil and load("return --3")() == nil, "--3 is a comment")
print("ok unary minus")

-- numerals in strings converted by tonumber follow the same rules
show("tonumber('0x10')", tonumber("0x10"))
show("tonumber('1e1')", tonumber("1e1"))
show("tonumber(' 10 ')", tonumber(" 10 "))
show("tonumber('9223372036854775808')", tonumber("9223372036854775808"))
show("tonumber('0xffffffffffffffff')", tonumber("0xffffffffffffffff"))
print("tonumber('1e')", tonumber("1e"))
print("tonumber('')", tonumber(""))
print("ok string numerals")

print("fails: " .. fails)
print("done")
