-- The length operator (manual 3.4.7): strings, borders, __len.

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
-- is b a border of t?
local function is_border(t, b)
  if math.type(b) ~= "integer" or b < 0 then return false end
  return (b == 0 or t[b] ~= nil) and (b == math.maxinteger or t[b + 1] == nil)
end

-- strings: number of bytes
print(#"", #"a", #"hello", #"\0\0\0", #"\u{10FFFF}", #[[
x]])
local s = "abc"
check(#s == 3 and #(s .. s) == 6, "string length")
check(#string.rep("ab", 1000) == 2000, "long string")
print("ok strings")

-- sequences have exactly one border
print(#{}, #{ 1 }, #{ 1, 2, 3 }, #{ 10, 20, 30, 40, 50 }, #{ n = 1 }, #{ "a", "b", x = 1, y = 2 })
local t = {}
for i = 1, 100 do t[i] = i end
check(#t == 100, "filled 100")
t[100] = nil
check(#t == 99, "removed last")
t[#t + 1] = "x"
check(#t == 100, "append with #t+1")
local u = { [1] = "a", [2] = "b", [3] = "c" }
check(#u == 3, "explicit keys sequence")
local v = { 1, 2, 3, nil }
check(#v == 3, "trailing nil")
local w = {}
w[1] = 1; w[2] = 2; w[3.0] = 3
check(#w == 3, "float key normalised")
local keys = {}
keys[0] = "zero"; keys[-1] = "neg"
check(#keys == 0, "non positive keys do not count")
print("ok sequences")

-- non-sequences: any border is acceptable
local n1 = { 10, 20, 30, nil, 50 }
check(is_border(n1, #n1), "manual example 1 gives a border")
local n2 = { nil, 20, 30, nil, nil, 60, nil }
check(is_border(n2, #n2), "manual example 2 gives a border")
local n3 = {}
n3[1] = 1; n3[2] = 2; n3[4] = 4
check(is_border(n3, #n3), "hole gives a border")
local n4 = { 1, 2, 3, 4, 5, 6, 7, 8 }
n4[4] = nil
check(is_border(n4, #n4), "hole in array gives a border")
local n5 = {}
n5[math.maxinteger] = true
check(is_border(n5, #n5), "maxinteger key")
local n6 = { [2] = 2 }
check(is_border(n6, #n6), "only key 2")
print("ok borders")

-- __len metamethod on tables
local mt = { __len = function(self) return 42 end }
local obj = setmetatable({ 1, 2, 3 }, mt)
check(#obj == 42, "__len")
check(rawlen(obj) == 3, "rawlen ignores __len")
local mt2 = { __len = function(self) return "not a number" end }
check(#setmetatable({}, mt2) == "not a number", "__len result not adjusted")
-- (the reference passes the operand twice; only the first argument is tested)
local mt3 = { __len = function(self) return self end }
local o3 = setmetatable({}, mt3)
check(#o3 == o3, "__len receives the operand")
local mt4 = { __len = function() return 1, 2, 3 end }
local a, b = #setmetatable({}, mt4)
check(a == 1 and b == nil, "__len truncated to one value")
-- __len does not apply to strings via string metatable changes (strings use primitive length)
check(#"abc" == 3, "string length primitive")
print("ok __len")

-- length of other types is an error
print(run("return #5"))
print(run("local n = 5; return #n"))
print(run("return #nil"))
print(run("local t = {}; return #t.x"))
print(run("return #print"))
print(run("local b = true; return #b"))
print("ok errors")

-- rawlen
check(rawlen({ 1, 2 }) == 2, "rawlen table")
check(rawlen("abcd") == 4, "rawlen string")
print(run("return rawlen(5)"))
print("ok rawlen")

print("fails: " .. fails)
print("done")
