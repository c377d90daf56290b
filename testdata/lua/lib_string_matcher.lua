-- Lua patterns (manual §6.4.1): find, match, gmatch and gsub, compared
-- with the reference interpreter's output.

local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  return table.concat(t, " ", 1, t.n)
end

local function try(f, ...)
  local r = table.pack(pcall(f, ...))
  if r[1] then return show(table.unpack(r, 2, r.n)) end
  return "error: " .. tostring(r[2])
end

local subjects = {
  "", "a", "hello world", "  leading and trailing  ", "key = value",
  "THE (quick) fox", "a.b.c", "x=1, y=22, z=333", "[[nested]] [brackets]",
  "f(a(b)c)d", "\0a\0b", "caf\195\169", "aaa", "abcabcabc", "1e10 0x1F -3.5",
  "tab\there\nnewline", "%percent%", "(()())", "a+b-c*d/e", "one two  three",
}

local patterns = {
  "a", ".", "..", "%a+", "%d+", "%s+", "%w+", "%x+", "%p", "%c", "%g+", "%l+", "%u+",
  "%A+", "%D+", "%S+", "%W+", "%X", "%P+", "%C+", "%G", "%L", "%U",
  "^a", "a$", "^$", "^.*$", "[abc]", "[^abc]+", "[a-z]+", "[%a_][%w_]*", "[%]]", "[]]",
  "[^]]", "[a-]", "[-a]", "[%-]", "a*", "a+", "a-", "a?", ".-", ".-b", "a.-a", "(a)",
  "(a*)", "()a", "(a)(b)", "((a)(b))", "(%w+)=(%w+)", "%((.-)%)", "%b()", "%b[]",
  "%bab", "%f[%w]%w+", "%f[%W]", "%f[%a]", "%f[^%z]", "%f[%z]", "(a)%1", "(%w)%1",
  "(.)%1", "(%a+) %1", "%.", "%%", "%a%d", "[%d%.]+", "[+%-*/]", "x*$", "^(%s*)(.-)(%s*)$",
  "(h)(e)(l)(l)(o)", "%z", "[%z]", "\0", "[\0-\31]", "[\128-\255]+", "%d-%d", "b*a?c",
  "()", "()()", "(()a())", "^(.-)%s*=%s*(.-)$", "[a-c]-c", "%s*$", "1e%d+",
}

for _, s in ipairs(subjects) do
  for _, p in ipairs(patterns) do
    print(string.format("%q %q", s, p),
      "F", try(string.find, s, p),
      "M", try(string.match, s, p),
      "G", try(string.gsub, s, p, "<%0>"))
  end
end

-- init positions
local s = "hello hello"
for _, init in ipairs({-100, -11, -5, -1, 0, 1, 5, 11, 12, 13, 100, math.mininteger, math.maxinteger}) do
  print(init, try(string.find, s, "l+", init), try(string.find, s, "lo", init, true),
    try(string.match, s, ".", init), try(string.find, s, "", init))
end
print(try(string.find, "a+b", "+", 1, true), try(string.find, "a+b", "+"), try(string.find, "a.b", ".", 2, 1))
print(try(string.find, "abc", "b", nil, nil), try(string.find, "abc", "[b", 1, true))

-- gmatch
local function collect(s, p, init)
  local out = {}
  for a, b, c in string.gmatch(s, p, init) do
    out[#out + 1] = show(a, b, c)
  end
  return table.concat(out, "|")
end
print(collect("hello world from lua", "%a+"))
print(collect("k1=v1, k2=v2", "(%w+)=(%w+)"))
print(collect("abc", ""))
print(collect("abc", "()"))
print(collect("abc", "b*"))
print(collect("a,b,,c", "([^,]*)"))
print(collect("hello", ".", 3))
print(collect("hello", ".", -2))
print(collect("hello", ".", 10))
print(collect("hello", "^h"))
print(collect("  x  y  ", "%s*()"))
print(try(function() for a in ("x"):gmatch("(") do end end))
print(try(function() for a in ("x"):gmatch("%") do end end))

-- gsub replacements
print(string.gsub("hello world", "(%w+)", "%1 %1"))
print(string.gsub("hello world", "%w+", "%0 %0", 1))
print(string.gsub("hello world", "(%w+) (%w+)", "%2 %1"))
print(string.gsub("abc", "", "-"))
print(try(string.gsub, "abc", ".", {a = 1, b = true}))
print(string.gsub("abc", "%w", {a = "A", b = false}))
print(string.gsub("abc", "(%w)()", "%2"))
print(string.gsub("$name is $age", "%$(%w+)", {name = "Bob", age = 42}))
print(string.gsub("x = 1 + 2", "%d", function(d) return d * 10 end))
print(string.gsub("x = 1 + 2", "%d", function(d) return nil end))
print(string.gsub("abc", "b", "%%"))
print(string.gsub("abc", "b", 5))
print(string.gsub("abc", "b", 5.5))
print(string.gsub(12345, 3, 0))
print(string.gsub("abc", "^a", "x"))
print(string.gsub("aaa", "^a", "x"))
print(string.gsub("hello", "l*", "x"))
print(string.gsub("hello", "", "x", 2))
print(string.gsub("hello", "l", "L", 0))
print(string.gsub("hello", "l", "L", -1))
print(string.gsub("hello", "l", "L", 1.0))
print(try(string.gsub, "hello", "l", "L", 1.5))
print(try(string.gsub, "hello", "l", "L", "x"))
print(try(string.gsub, "hello", "l"))
print(try(string.gsub, "hello", "l", true))
print(try(string.gsub, "hello", "(l)", "%2"))
print(try(string.gsub, "hello", "l", "%2"))
print(try(string.gsub, "hello", "l", "%1"))
print(try(string.gsub, "hello", "l", "%"))
print(try(string.gsub, "hello", "l", "%a"))
print(try(string.gsub, "hello", "l", {l = {}}))
print(try(string.gsub, "hello", "l", function() return {} end))
print(try(string.gsub, "hello", "l", function() error("boom") end))
print(try(string.gsub, "hello", "(l", "x"))
print(try(string.gsub, "abc", ".", setmetatable({}, {__index = function(t, k) return k:upper() end})))
print(string.gsub("abc", "(b)(c)", function(...) return select("#", ...) .. table.concat({...}) end))
print(string.gsub("abc def", "%f[%w]%w+", string.upper))

-- errors
local bad = {
  "%", "[a", "[", "[]", "[^]", "(", ")", "a)", "%b", "%ba", "%f", "%fa", "%1", "(%1)",
  "(a)%2", "%0", "(()", "[%", "[a%", "%g%", string.rep("(", 33) .. string.rep(")", 33),
  string.rep("()", 32), string.rep("()", 33),
}
for _, p in ipairs(bad) do
  print(string.format("%q", p), try(string.find, "abc", p), try(string.match, "abc", p))
end

-- deep patterns and long subjects
print(try(string.match, string.rep("a", 300), string.rep("a?", 300)))
print(try(string.match, string.rep("a", 250), string.rep("(a)", 30)))
print(try(string.find, string.rep("a", 300), string.rep(".-", 300) .. "b"))
print(try(string.match, string.rep("a", 150), string.rep("a*", 150) .. "$"))
local big = string.rep("a", 100000)
print(#string.match(big, ".-$"), #string.match(big, "a*"), string.find(big, "b"))
print(string.find(big, "^a*.?$"), string.find(big, "^a*.?b$"), string.find(big, "^a-.?$"))
print(select(2, string.gsub(big, "a", "b")))
