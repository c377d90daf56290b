-- Concatenation (manual 3.4.6) and number-to-string conversion.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function run(src)
  local f, err = load(src, "=input")
  if not f then return "COMPILE: " .. err end
  local ok, e = pcall(f)
  if ok then return "OK " .. tostring(e) end
  return e
end

print("a" .. "b", "" .. "", "x" .. "")
print(1 .. "", 1.0 .. "", -0.0 .. "", 1e100 .. "", 2^63 .. "", -2^63 .. "")
print(10 .. 20, 1.5 .. 2, math.maxinteger .. "", math.mininteger .. "")
print(1e15 .. "", 1e16 .. "", 123456.789e3 .. "", 0.1 .. "", 1/3 .. "")
print(100 // 1 .. "", 100 / 1 .. "", 7 // 2.0 .. "", 2^10 .. "")
print(math.huge .. "", -math.huge .. "", 5e-324 .. "", 2^-1074 .. "")
print(3.14159265358979 .. "", 314.16e-2 .. "", 1e-5 .. "", 123e-7 .. "")
print(1e14 .. "", 1e14 + 0.5 .. "", 12345678901234 .. "", 99999999999999.9 .. "")
check(0x10 .. "" == "16", "hex integer converts to decimal")
check(("x"):rep(3) .. 1 == "xxx1", "method then concat")
print("ok conversions")

-- right associativity and precedence
check("a" .. "b" .. "c" == "abc", "chain")
check(1 .. 2 == "12", "numbers")
check("n=" .. 1 + 2 == "n=3", "+ before ..")
check(2 .. 3 * 2 == "26", "* before ..")
check(("a" .. "b") == "ab", "parens")
local parts = {}
for i = 1, 10 do parts[#parts + 1] = i end
check(table.concat(parts, ",") == "1,2,3,4,5,6,7,8,9,10", "table.concat")
-- long chains
local s = ""
for i = 1, 100 do s = s .. i % 10 end
check(#s == 100, "long string built")
print(string.sub(s, 1, 25))
print("ok chains")

-- the original strings are unchanged (immutability)
local a = "abc"
local b = a .. "def"
check(a == "abc" and b == "abcdef", "immutable")
-- embedded zeros survive
local z = "a\0" .. "\0b"
check(#z == 4, "zeros in concat")
print("ok immutable")

-- errors
print(run("local x; return 'a' .. x"))
print(run("local x; return x .. 'a'"))
print(run("return 'a' .. {}"))
print(run("return {} .. 'a'"))
print(run("return 'a' .. true"))
print(run("local t = {}; return 'a' .. t.field"))
print(run("return 1 .. nil"))
print(run("local up; return (function() return 'a' .. up end)()"))
print(run("return 'a' .. 'b' .. nil .. 'c'"))
print(run("local f = print; return f .. ''"))
print("ok errors")

-- __concat is consulted when an operand is not a string or number
local mt = { __concat = function(x, y)
  local xs = type(x) == "table" and x.name or tostring(x)
  local ys = type(y) == "table" and y.name or tostring(y)
  return xs .. "+" .. ys
end }
local obj = setmetatable({ name = "obj" }, mt)
print(obj .. "s", "s" .. obj, obj .. obj, 1 .. obj, obj .. 2.5)
print("a" .. "b" .. obj)   -- right assoc: "a" .. ("b" .. obj)
print(obj .. "a" .. "b")   -- obj .. ("a" .. "b")
print("ok __concat")

print("fails: " .. fails)
print("done")
