-- Values and types (manual 2.1): the eight basic types, subtypes, truthiness.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end

-- type() of each basic type
local co = coroutine.create(function() end)
local values = { nil, true, false, 0, 1.5, "s", {}, print, function() end, co }
local n = 10
local names = {}
for i = 1, n do names[i] = type(values[i]) end
print(table.concat(names, " "))
check(type(nil) == "nil", "type nil")
check(type(type) == "function", "type of builtin")
check(type(type(1)) == "string", "type returns string")
local ok, err = pcall(type)
check(not ok, "type() with no argument errors")
print(err)
print("ok type")

-- math.type distinguishes subtypes
print(math.type(1), math.type(1.0), math.type("1"), math.type(nil), math.type({}))
check(math.type(2^53) == "float", "power is float")
check(math.type(10 // 3) == "integer", "int floor div")
check(math.type(10 / 2) == "float", "division is float")
check(math.type(-0.0) == "float", "-0.0")
check(math.type(3 % 1.0) == "float", "mixed mod")
print("ok math.type")

-- truthiness: only nil and false are false
local function truth(v) if v then return "T" else return "F" end end
print(truth(nil), truth(false), truth(0), truth(0.0), truth(""), truth({}), truth("false"), truth(-0.0))
check(not nil == true, "not nil")
check(not 0 == false, "not 0")
print("ok truthiness")

-- integer and float values with the same mathematical value are equal
check(1 == 1.0, "1 == 1.0")
check(-0.0 == 0.0, "-0 == 0")
check(0 == -0.0, "int 0 == -0.0")
check(math.maxinteger + 0.0 ~= math.maxinteger, "maxint float differs")
check(2^53 == 2^53 + 1.0, "float precision loss")
check(math.type(1) ~= math.type(1.0), "but subtypes differ")
-- tostring keeps the distinction
print(tostring(1), tostring(1.0), tostring(-0.0), tostring(100.0), tostring(1e15), tostring(1e16))
print(tostring(2^63), tostring(-2^63), tostring(2^24), tostring(0.1), tostring(1/3))
print(tostring(math.huge), tostring(-math.huge), tostring(math.maxinteger), tostring(math.mininteger))
print(tostring(123456789012345678))
print(tostring(1e100), tostring(-1e-100), tostring(12345.678), tostring(5e-324))
print("ok int/float")

-- NaN is not equal to itself
local nan = 0/0
check(nan ~= nan, "nan ~= nan")
check(not (nan == nan), "not nan == nan")
check(not (nan < nan) and not (nan <= nan) and not (nan > 0) and not (nan < 0), "nan comparisons")
check(string.find(tostring(nan), "nan", 1, true) ~= nil, "tostring nan contains nan")
-- note: the sign printed for NaN ("nan" vs "-nan") is platform dependent; not printed here
print("ok nan")

-- strings are immutable byte sequences, may contain any byte
local s = "a\0b"
check(#s == 3, "embedded zero")
check(s ~= "a", "embedded zero compare")
check("a\0b" < "a\0c", "compare with zeros")
check("a" < "a\0", "prefix smaller")
print("ok strings")

-- tables: any value except nil and NaN as key
local t = {}
t[1] = "int"; t[1.5] = "float"; t["1"] = "str"; t[true] = "bool"; t[t] = "self"; t[print] = "fn"
check(t[1] == "int" and t[1.5] == "float" and t["1"] == "str", "key kinds")
check(t[true] == "bool" and t[t] == "self" and t[print] == "fn", "key kinds 2")
check(t[false] == nil, "missing key is nil")
check(t[2] == nil, "missing int key")
print("ok tables")

-- tables, functions, threads are references
local a = {}
local b = a
b.x = 10
check(a.x == 10, "table reference")
check({} ~= {}, "distinct tables")
local f1 = function() end
local f2 = f1
check(f1 == f2, "function reference")
check(rawequal(a, b) and not rawequal(a, {}), "rawequal")
print("ok references")

-- functions are first class
local function apply(f, x) return f(x) end
check(apply(function(x) return x * 2 end, 21) == 42, "function as argument")
local ops = { add = function(x, y) return x + y end }
check(ops.add(1, 2) == 3, "function in table")
check(ops["add"](3, 4) == 7, "function by key")
print("ok functions")

-- _ENV and globals
x_global = 5
check(_ENV.x_global == 5, "_ENV global")
check(_G.x_global == 5, "_G global")
check(_G == _ENV, "_G is _ENV in main chunk")
check(_G._G == _G, "_G._G")
x_global = nil
check(rawget(_G, "x_global") == nil, "global removed")
print(type(_VERSION), _VERSION)
print("ok globals")

print("fails: " .. fails)
print("done")
