-- Arithmetic operators (manual 3.4.1) and coercions (3.4.3).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
-- same value and same subtype
local function same(a, b, msg)
  if not (math.type(a) == math.type(b) and (a == b or (a ~= a and b ~= b))) then
    fails = fails + 1
    print("FAIL: " .. tostring(msg) .. ": got " .. tostring(a) .. " (" .. tostring(math.type(a)) ..
      ") expected " .. tostring(b) .. " (" .. tostring(math.type(b)) .. ")")
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

-- integer operations stay integers
same(3 + 4, 7, "int add")
same(3 - 10, -7, "int sub")
same(6 * 7, 42, "int mul")
same(7 // 2, 3, "int idiv")
same(7 % 3, 1, "int mod")
same(-7, 0 - 7, "int unm")
-- float operations
same(3 + 4.0, 7.0, "mixed add")
same(3.0 - 1, 2.0, "mixed sub")
same(2 * 0.5, 1.0, "mixed mul")
same(7 // 2.0, 3.0, "float idiv")
same(7.5 % 2, 1.5, "float mod")
-- / and ^ always produce floats
same(6 / 2, 3.0, "div is float")
same(2 ^ 2, 4.0, "pow is float")
same(2 ^ 0.5, 2 ^ 0.5, "sqrt")
same(4 ^ 0.5, 2.0, "pow 0.5")
same((-8) ^ (1/3) ~= (-8) ^ (1/3), true, "negative base fractional exp gives nan")
same(2 ^ -2, 0.25, "negative exponent")
same(0 ^ 0, 1.0, "0^0")
print("ok basic")

-- floor division and modulo with negative operands
local function dm(a, b)
  return tostring(a // b) .. " " .. tostring(a % b)
end
print("7,3", dm(7, 3))
print("-7,3", dm(-7, 3))
print("7,-3", dm(7, -3))
print("-7,-3", dm(-7, -3))
print("7.0,3", dm(7.0, 3))
print("-7.0,3", dm(-7.0, 3))
print("7,-3.0", dm(7, -3.0))
print("-7.5,2", dm(-7.5, 2))
print("7.5,-2", dm(7.5, -2))
print("0,5", dm(0, 5))
print("0,-5", dm(0, -5))
print("-0.0,5", dm(-0.0, 5))
print("5.3,1", dm(5.3, 1))
same(-7 // 3, -3, "floor toward minus infinity")
same(-7 % 3, 2, "mod sign follows divisor")
same(7 % -3, -2, "mod sign follows divisor 2")
same(-6 % 3, 0, "exact negative mod")
same(6 % -3, 0, "exact mod negative divisor")
check(a == nil, "sanity")
-- a % b == a - (a // b) * b
for _, a in ipairs({ -10, -7, -1, 0, 1, 7, 10 }) do
  for _, b in ipairs({ -4, -3, -1, 1, 3, 4 }) do
    check(a % b == a - (a // b) * b, "mod identity " .. a .. " " .. b)
  end
end
print("ok floor division and modulo")

-- float modulo special cases
local inf = math.huge
print("5.5 % inf", 5.5 % inf)
print("-5.5 % inf", -5.5 % inf)
print("5.5 % -inf", 5.5 % -inf)
print("-5.5 % -inf", -5.5 % -inf)
check((inf % 2) ~= (inf % 2), "inf % 2 is nan")
check((5 % 0.0) ~= (5 % 0.0), "x % 0.0 is nan")
check((5 // 0.0) == inf, "5 // 0.0 inf")
check((-5 // 0.0) == -inf, "-5 // 0.0 -inf")
check((0/0) ~= (0/0), "0/0 nan")
print("1/0", 1/0, "-1/0", -1/0, "1/-0.0", 1/-0.0)
print("0.0/1", 0.0/1, "-0.0*1", -0.0 * 1, "0*-1.0", 0 * -1.0)
print("1/(1/-inf)", 1 / (1 / -inf))
print("ok float special")

-- integer division by zero is an error
print(run("local a, b = 1, 0; return a // b"))
print(run("local a, b = 1, 0; return a % b"))
print(run("local a = 5; return a // 0"))
print(run("local a = 5; return a % 0"))
print(run("return 1 // 0"))
print(run("return 1 % 0"))
print(run("local a, b = 1, 0; return a / b"))
print(run("local a, b = 1, 0.0; return a // b"))
print("ok division by zero")

-- overflow wraps around
same(math.maxinteger + 1, math.mininteger, "maxint + 1")
same(math.mininteger - 1, math.maxinteger, "minint - 1")
same(math.maxinteger * 2, -2, "maxint * 2")
same(-math.mininteger, math.mininteger, "-minint")
same(math.mininteger // -1, math.mininteger, "minint // -1")
same(math.mininteger % -1, 0, "minint % -1")
same(math.mininteger * -1, math.mininteger, "minint * -1")
same(math.maxinteger * math.maxinteger, 1, "maxint squared")
show("maxint + 1.0", math.maxinteger + 1.0)
show("minint + 0.0", math.mininteger + 0.0)
print("ok wraparound")

-- 2^53 edges of float precision
local p53 = 2 ^ 53
show("2^53", p53)
show("2^53 + 1", p53 + 1)
check(p53 + 1 == p53, "2^53+1 rounds to 2^53 in floats")
same(9007199254740993 + 0, 9007199254740993, "integer 2^53+1 exact")
check(9007199254740993 ~= p53, "int 2^53+1 ~= float 2^53")
check(9007199254740992 == p53, "int 2^53 == float 2^53")
show("int 2^53+1 converted", 9007199254740993 + 0.0)
show("2^63", 2 ^ 63)
show("2^64", 2 ^ 64)
show("-2^63", -2 ^ 63)
check(-2 ^ 2 == -4, "unary minus binds weaker than ^")
check(2 ^ 3 ^ 2 == 512, "^ is right associative")
print("ok 2^53")

-- string coercion in arithmetic
show('"10" + 1', "10" + 1)
show('"10" + 1.0', "10" + 1.0)
show('"3.0" + 1', "3.0" + 1)
show('"0x10" + 0', "0x10" + 0)
show('" 10 " * 2', " 10 " * 2)
show('"10" * "2"', "10" * "2")
show('"7" // "2"', "7" // "2")
show('"7" % "2"', "7" % "2")
show('"2" ^ "3"', "2" ^ "3")
show('"6" / "2"', "6" / "2")
show('-"2"', -"2")
show('-"2.0"', -"2.0")
show('"1e2" - 1', "1e2" - 1)
show('10 - "-3"', 10 - "-3")
check("10" + 0 == 10, "coerced compare")
check("10" ~= 10, "string not equal to number")
print(run('return "abc" + 1'))
print(run('local s = "abc"; return s * 2'))
print(run('local s = "10"; return s + {}'))
print(run('local t = {}; return t + 1'))
print(run('local t = {}; return -t'))
print(run('return 1 + nil'))
print(run('local x; return x - 1'))
print(run('local t = {}; return t.y * 2'))
print(run('return {} ^ 2'))
print(run('local a = "1"; return a // "0"'))
print("ok string coercion")

-- precedence
check(1 + 2 * 3 == 7, "* over +")
check((1 + 2) * 3 == 9, "parens")
check(2 * 3 ^ 2 == 18, "^ over *")
check(-3 ^ 2 == -9, "^ over unary minus")
check(10 - 2 - 3 == 5, "left assoc -")
check(2 ^ -1 == 0.5, "unary in exponent")
check(7 // 2 * 2 == 6, "// and * same level")
check(7 % 4 * 2 == 6, "% and * same level")
check(-2 ^ -2 == -0.25, "-2^-2")
check(1 .. 2 + 3 == "15", "+ over ..")
print("ok precedence")

-- large float to integer conversion does not happen implicitly in arithmetic
show("1e300 * 1e10", 1e300 * 1e10)
show("maxint // 1.0", math.maxinteger // 1.0)
show("3 % math.huge", 3 % math.huge)
show("-3 % math.huge", -3 % math.huge)
show("3 % -math.huge", 3 % -math.huge)
show("0.0 % 1", 0.0 % 1)
print("ok misc")

print("fails: " .. fails)
print("done")
