-- String library basics (manual 6.4): byte, char, len, lower, upper, rep,
-- reverse, sub.

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
  for i = 1, n do out[i] = tostring((select(i, ...))) end
  print(n .. ": " .. table.concat(out, " "))
end

-- string.byte
show(string.byte("A"))
show(string.byte("ABC", 2))
show(string.byte("ABC", 1, 3))
show(string.byte("ABC", -1))
show(string.byte("ABC", 10))
show(string.byte("ABC", 3, 1))
show(string.byte("ABC", 0))
show(string.byte("ABC", -10, 2))
show(string.byte(""))
show(string.byte("\0\255"))
show(("hello"):byte(1, -1))
print("ok byte")

-- string.char
show(string.char())
show(string.char(72, 105))
show(string.char(0, 255) == "\0\255")
show(pcall(string.char, 256))
show(pcall(string.char, -1))
show(pcall(string.char, "65"))
show(pcall(string.char, 65.0))
show(pcall(string.char, 65.5))
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local s256 = table.concat(all)
check(#s256 == 256, "256 chars")
check(string.byte(s256, 256) == 255, "last byte")
print("ok char")

-- len, lower, upper
show(string.len(""), string.len("abc"), string.len("a\0b"), #"\0\0")
show(string.lower("HeLLo 123 ÀB"), string.upper("HeLLo 123 àb"))
show(string.upper("abcdefghijklmnopqrstuvwxyz"), string.lower("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
show(string.len(123), string.upper(1.5))
print("ok len lower upper")

-- rep
show(string.rep("ab", 3), string.rep("ab", 3, ","), string.rep("x", 1, ","), string.rep("x", 0, ","))
show(string.rep("", 1000000), string.rep("a", -5), string.rep("ab", 2, ""))
check(#string.rep("abc", 1000) == 3000, "rep length")
check(#string.rep("a", 10, "bb") == 28, "rep with sep length")
show(pcall(string.rep, "x", 2^62))
show(pcall(string.rep, "x", 1.5))
print("ok rep")

-- reverse
show(string.reverse("abc"), string.reverse(""), string.reverse("a"), string.reverse("a\0b") == "b\0a")
print("ok reverse")

-- sub with all kinds of indices
local s = "abcdefgh"
show(s:sub(3), s:sub(3, 5), s:sub(-3), s:sub(-3, -2), s:sub(0), s:sub(-100))
show(s:sub(5, 3), s:sub(9), s:sub(8, 100), s:sub(-100, 2), s:sub(0, 0), s:sub(1, 0))
show(s:sub(math.mininteger, math.maxinteger), s:sub(math.maxinteger), s:sub(2, math.mininteger))
show(s:sub(-8, -8), s:sub(-9, -8), s:sub(3.0, 4.0))
show(pcall(string.sub, s, 1.5))
show(pcall(string.sub, s, "2", "3"))
show(pcall(string.sub, s, "x"))
print("ok sub")

-- numbers are converted to strings by the string functions
show(string.sub(12345, 2, 3), string.rep(1, 3), string.reverse(123), string.byte(5))
show(string.len(1e100), string.upper(2^63))
print("ok number arguments")

-- errors for bad arguments
show(pcall(string.len))
show(pcall(string.upper, nil))
show(pcall(string.byte, {}))
show(pcall(string.rep))
show(pcall(string.reverse, print))
print("ok errors")

print("fails: " .. fails)
print("done")
