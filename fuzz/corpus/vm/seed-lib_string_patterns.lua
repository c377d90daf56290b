-- Patterns (manual 6.4.1): string.find, string.match, string.gmatch.

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
local function all(s, p, init)
  local out = {}
  for a, b in string.gmatch(s, p, init) do
    out[#out + 1] = b and (tostring(a) .. "/" .. tostring(b)) or tostring(a)
  end
  return "[" .. table.concat(out, "|") .. "]"
end

-- find: indices and captures
show(string.find("hello world", "wor"))
show(string.find("hello world", "o", 6))
show(string.find("hello world", "l+"))
show(string.find("hello world", "xyz"))
show(string.find("hello world", "(o)(r)"))
show(string.find("hello", ""))
show(string.find("hello", "", 10))
show(string.find("hello", "", 6))
show(string.find("hello", "l", -2))
show(string.find("hello", "h", -100))
show(string.find("a+b", "+", 1, true))
show(string.find("a.b", ".", 2, true))
show(string.find("a.b", "%."))
show(string.find("abc", "b", nil, true))
print("ok find")

-- match
show(string.match("hello 123 world", "%d+"))
show(string.match("key = value", "(%w+)%s*=%s*(%w+)"))
show(string.match("hello", "(h)(e)(l)(l)(o)"))
show(string.match("hello", "xyz"))
show(string.match("hello", ".-l"))
show(string.match("hello", ".*l"))
show(string.match("  trim me  ", "^%s*(.-)%s*$"))
show(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))
show(string.match("hello", "()ll()"))
show(string.match("flaaap", "()aa()"))
show(string.match("hello", "l", 4))
show(string.match("hello", "^l", 3))
show(string.match("hello", "o$"))
show(string.match("hello$", "o$"))
show(string.match("a$b", "$b"))
show(string.match("a^b", "a^b"))
print("ok match")

-- character classes
local sample = "aZ0 _\t\n!~\127"
local classes = { "%a", "%c", "%d", "%g", "%l", "%p", "%s", "%u", "%w", "%x", "%A", "%D", "%S", "%W" }
for _, c in ipairs(classes) do
  local n = select(2, string.gsub(sample, c, ""))
  io.write(c, "=", n, " ")
end
io.write("\n")
show(string.match("0x1F", "0x(%x+)"), string.match("abc_123", "[%w_]+"), string.match("x-y", "[%-]"))
show(string.match("octal 0755", "[0-7]+"), string.match("Hello", "[A-Z]"), string.match("hello", "[^aeiou]+"))
show(string.match("]x", "[]]"), string.match("a-b", "[a-]+"), string.match("^", "[%^]"), string.match("b^", "[b^]+"))
show(string.match("%", "%%"), string.match("a.b", "%.(.)"), string.match("(x)", "%((.)%)"))
print("ok classes")

-- quantifiers
show(string.match("aaa", "a*"), string.match("aaa", "a+"), string.match("aaa", "a-"), string.match("aaa", "a?"))
show(string.match("", "a*"), string.match("", "a+"), string.match("b", "a-b"), string.match("ab", "a?b"))
show(string.match("<<a>><<b>>", "<<(.-)>>"), string.match("<<a>><<b>>", "<<(.*)>>"))
show(string.match("abc123", "%a*%d?"), string.match("3.14", "%d+%.?%d*"))
print("ok quantifiers")

-- back references, balanced and frontier
show(string.match('say "hi" or \'bye\'', "([\"'])(.-)%1"))
show(string.match("abcabc", "(abc)%1"))
show(string.find("f(a(b)c)d", "%b()"))
show(string.match("x = {a{b}c} y", "%b{}"))
show(string.match("no close (", "%b()"))
print(all("THE (quick) fox", "%f[%a]%a+"))
print(all("hello world", "%f[%w]%w+"))
print(all("THE (quick) fox", "%f[%a%(]%S+"))
show(string.find("abc", "%f[%l]"))
show(string.find("ABC", "%f[%l]"))
print("ok special items")

-- gmatch
print(all("hello world from Lua", "%a+"))
print(all("from=world, to=Lua", "(%w+)=(%w+)"))
print(all("abc", ""))
print(all("abc", "()a*()"))
print(all("one two  three", "%S+"))
print(all("a,b,,c", "([^,]*)"))
print(all("hello", "l"))
print(all("^a^a", "^a"))
local it = string.gmatch("k1=v1 k2=v2", "(%w+)=(%w+)")
show(it())
show(it())
show(it())
print(all("hello world", "%a+", 3))
print(all("hello world", "%a+", -5))
print(all("aaa", "a", 10))
print("ok gmatch")

-- special characters and anchors in find
show(string.find("a^b", "^b"))
show(string.find("^b", "^^b"))
show(string.find("abc", "^abc$"))
show(string.find("abc", "^b"))
show(string.find("x$", "%$"))
print("ok anchors")

-- captures of positions and nested captures
show(string.match("hello world", "((%w+) (%w+))"))
show(string.match("date: 2024", "(()%d+())"))
show(string.find("aaa", "(a*(.)%w(%s*))"))
print("ok nested captures")

-- pattern errors
show(pcall(string.find, "a", "%"))
show(pcall(string.find, "a", "[a"))
show(pcall(string.find, "a", "(a"))
show(pcall(string.gsub, "ab", "a)", "x"))
show(pcall(string.find, "a", "%1"))
show(pcall(string.find, "a", "%b"))
show(pcall(string.find, "a", "%f"))
show(pcall(string.match, "a", "(()"))
show(pcall(string.gsub, "alo", "(%a)", "%2"))
show(pcall(string.find, "a", "[%"))
print("ok errors")

-- matching on strings with embedded zeros and high bytes
show(string.find("a\0b", "\0"))
show(string.match("x\0y\0z", "y(.)z") == "\0")
show(#string.match("\200\201\202", "[\200-\201]+"))
print("ok binary")

print("fails: " .. fails)
print("done")
