-- The string metatable's arithmetic (strings converted to numbers as the
-- string library does) and the basic functions' index rules and limits.

local function try(f, ...)
  local r = table.pack(pcall(f, ...))
  for i = 1, r.n do r[i] = tostring(r[i]) end
  return table.concat(r, " ", 1, r.n)
end

local function arith(a, b)
  local out = {}
  for _, op in ipairs({"+", "-", "*", "/", "%", "^", "//"}) do
    local f = load("local a, b = ...; return a " .. op .. " b")
    local ok, r = pcall(f, a, b)
    out[#out + 1] = ok and (tostring(r) .. ":" .. tostring(math.type(r))) or r
  end
  local ok, r = pcall(function(x) return -x end, a)
  out[#out + 1] = ok and (tostring(r) .. ":" .. tostring(math.type(r))) or r
  return table.concat(out, " ")
end
for _, pair in ipairs({{"10", "3"}, {"10", 3}, {10, "3"}, {"0x10", "2"}, {"1e1", "2"}, {" 7 ", "2"},
    {"10", "0"}, {"abc", 1}, {1, "abc"}, {"1", "x1"}, {"", 1}, {"5", true},
    {"9223372036854775807", "1"}, {"-9223372036854775808", "-1"}, {"1\0", 1}, {"inf", 1}, {"nan", 1}}) do
  print(string.format("%q %q", tostring(pair[1]), tostring(pair[2])), arith(pair[1], pair[2]))
end
print(try(function() return "10" + {} end))
print(try(function() return {} - "10" end))
print(try(function() return "a" * setmetatable({}, {__mul = function(a, b) return "mt" end}) end))
print(try(function() return setmetatable({}, {__add = function(a, b) return "left" end}) + "1" end))
print(try(function() return "2" & 3 end))
print(try(function() return "2" | "3" end))
print(try(function() return ~"7" end))
print(try(function() return "2.5" << 1 end))
print(try(function() return "x" .. 1 .. 2.0 end))
local mt = getmetatable("")
print(try(mt.__add, "1", "2"), try(mt.__unm, "3"), try(mt.__unm, "3", "3"), try(mt.__idiv, 7, 2))
print(try(mt.__add, {}, {}), try(mt.__add))
print(mt.__index == string, rawequal(getmetatable("a"), getmetatable("b")))

-- sub / byte / len / rep / reverse / lower / upper / char
local s = "hello"
local idx = {math.mininteger, -100, -6, -5, -1, 0, 1, 2, 5, 6, 100, math.maxinteger}
for _, i in ipairs(idx) do
  local row = {}
  for _, j in ipairs(idx) do row[#row + 1] = "[" .. s:sub(i, j) .. "]" end
  print(i, s:sub(i), table.concat(row), try(string.byte, s, i), try(string.byte, s, i, i + 2))
end
print(try(string.sub, s), try(string.sub, s, "2"), try(string.sub, s, 1.5), try(string.sub, s, 2, "x"))
print(try(string.byte, s, 1, -1), try(string.byte, ""), try(string.byte, s, 3, 2))
print(try(string.byte, 12345, 2, 4), try(string.len, 12.5), try(string.len, {}))
print(try(string.rep, "ab", 3), try(string.rep, "ab", 3, ","), try(string.rep, "ab", 0), try(string.rep, "ab", -5))
print(try(string.rep, "x", 1, "sep"), try(string.rep, "x", 2.0), try(string.rep, "x", 2.5))
print(try(string.rep, "x", 2^31), try(string.rep, "xx", 2^30), try(string.rep, "x", math.maxinteger))
print(#string.rep("abc", 1000, "-"))
print(try(string.reverse, "abc"), try(string.reverse, ""), try(string.reverse, 123))
print(try(string.upper, "aBc\0xyz\200\233"), try(string.lower, "ABC\0XYZ\192"), try(string.upper, 1.5))
print(try(string.char), try(string.char, 72, 105), try(string.char, 0, 255), try(string.char, 256), try(string.char, -1))
print(try(string.char, "65"), try(string.char, 65.0), try(string.char, 65.5), try(string.char, nil))
print(("x"):rep(3), ("%d"):format(7), ("abc"):upper(), #("abc"), ("a,b"):find(","))
print(try(function() local n = 5; return n:rep(2) end))
