-- string.gsub (manual 6.4): string, table and function replacements.

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

-- manual examples
show(string.gsub("hello world", "(%w+)", "%1 %1"))
show(string.gsub("hello world", "%w+", "%0 %0", 1))
show(string.gsub("hello world from Lua", "(%w+)%s*(%w+)", "%2 %1"))
show(string.gsub("4+5 = $return 4+5$", "%$(.-)%$", function(s) return load(s)() end))
local t = { name = "lua", version = "5.4" }
show(string.gsub("$name-$version.tar.gz", "%$(%w+)", t))
print("ok manual examples")

-- replacement strings
show(string.gsub("abc", "b", "%%"))
show(string.gsub("abc", "b", "[%0]"))
show(string.gsub("abc", "(b)", "%1%1"))
show(string.gsub("abc", "", "-"))
show(string.gsub("abc", "x*", "-"))
show(string.gsub("abc", ".", { a = 1, b = false }))
show(pcall(string.gsub, "abc", ".", { b = true }))
show(string.gsub("hello", "l", "L", 0))
show(string.gsub("hello", "l", "L", 1))
show(string.gsub("hello", "l", "L", -1))
show(string.gsub("hello", "l", "L", 1.0))
show(string.gsub("", "", "x"))
show(string.gsub("abc", "%w", "%0%0"))
show(string.gsub("a.b.c", "%.", "/"))
show(string.gsub("a b c", " ", ""))
print("ok replacement strings")

-- the number of matches (second result)
local _, n = string.gsub("one two three", "%a+", "")
check(n == 3, "count")
_, n = string.gsub("aaa", "a", "b", 2)
check(n == 2, "limited count")
_, n = string.gsub("xyz", "q", "r")
check(n == 0, "no match count")
print("ok counts")

-- function replacements
show(string.gsub("hello world", "%w+", string.upper))
show(string.gsub("abc", "%w", function(c) return c:byte() .. " " end))
show(string.gsub("a=1, b=2", "(%w+)=(%w+)", function(k, v) return v .. "=" .. k end))
show(string.gsub("keep me", "%w+", function() return nil end))
show(string.gsub("keep me", "%w+", function() return false end))
show(string.gsub("abc", "%w", function(c) if c == "b" then return 42 end end))
show(string.gsub("abc", "()", function(p) return p end))
show(string.gsub("x", "x", function(...) return select("#", ...) end))
show(string.gsub("xy", "(x)(y)", function(...) return select("#", ...) end))
print("ok function replacements")

-- table replacements use the first capture as key
local map = { ["1"] = "one", ["2"] = "two", k = 3.5 }
show(string.gsub("1 2 3", "%d", map))
show(string.gsub("k=v", "(%w)=(%w)", map))
show(string.gsub("abc", "%w", {}))
local proxy = setmetatable({}, { __index = function(_, k) return k:upper() end })
show(string.gsub("abc", "%w", proxy))
print("ok table replacements")

-- anchored patterns replace at most once
show(string.gsub("aaa", "^a", "b"))
show(string.gsub("hello hello", "^hello", "bye"))
show(string.gsub("abc", "^", ">"))
show(string.gsub("abc", "$", "<"))
show(string.gsub("abc\n", "\n$", ""))
print("ok anchors")

-- errors
show(pcall(string.gsub, "abc", "b", "%2"))
show(pcall(string.gsub, "abc", "(b)", "%2"))
show(pcall(string.gsub, "abc", "b", "%x"))
show(pcall(string.gsub, "abc", "b", "%"))
show(pcall(string.gsub, "abc", "%w", function() return {} end))
show(pcall(string.gsub, "abc", "%w", { a = {} }))
show(pcall(string.gsub, "abc", "b", true))
show(pcall(string.gsub, "abc", "b"))
print("ok errors")

-- common idioms
local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end
show(trim("   padded text \t\n"))
local function split(s, sep)
  local parts = {}
  for piece in (s .. sep):gmatch("(.-)" .. sep:gsub("%p", "%%%0")) do parts[#parts + 1] = piece end
  return parts
end
show(table.concat(split("a,b,,c", ","), "|"))
show(table.concat(split("1.2.3", "."), "|"))
local function escape(s) return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")) end
show(escape("1+1=2? (yes) [100%]"))
show(("CamelCaseString"):gsub("(%u)", function(c) return "_" .. c:lower() end))
show(("%d items"):gsub("%%d", "5"))
print("ok idioms")

print("fails: " .. fails)
print("done")
