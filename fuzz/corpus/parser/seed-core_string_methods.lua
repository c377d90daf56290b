-- Strings have a metatable whose __index is the string table (manual 6.4),
-- so methods can be called with the colon syntax.

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

local s = "hello"
print(s:rep(3), ("ab"):rep(3, "-"), ("x"):rep(0), ("x"):rep(-1))
print(s:sub(2), s:sub(2, 3), s:sub(-3), s:sub(-3, -2), s:sub(0), s:sub(10), s:sub(3, 2))
print(("%d|%s|%5.2f"):format(42, "str", 3.14159))
print(s:find("l", 1, true), s:find("xyz", 1, true), s:find("", 1, true), s:find("", 10, true))
print(("a.b.c"):find(".", 1, true), ("a.b.c"):find(".", 3, true))
print(s.len == nil, #s)
print("ok colon calls")

-- the string metatable
local mt = getmetatable("")
check(type(mt) == "table", "strings have a metatable")
check(mt.__index == string, "__index is the string table")
check(getmetatable("a") == getmetatable("b"), "shared metatable")
check(("x").rep == string.rep, "method lookup")
check(s.sub == string.sub, "field lookup through string")
check(s.nonexistent == nil, "missing method is nil")
print("ok metatable")

-- methods work on string values from any source
local n = 12
check(tostring(n):rep(2) == "1212", "tostring result")
local t = { name = "lua" }
check(t.name:sub(1, 1) == "l", "field value method")
check((n .. ""):sub(2) == "2", "concat result method")
local function get() return "abc", "ignored" end
check(get():sub(2) == "bc", "call result method")
print("ok sources")

-- numbers do not have methods
print(run("local n = 5; return n:rep(2)"))
print(run("return (5):rep(2)"))
print(run("local s = 'x'; return s:nomethod()"))
print(run("local s = 'x'; return s.field.sub"))
print(run("return ('x'):rep()"))
print(run("return ('x'):rep('a')"))
print(run("return ('x'):sub()"))
print("ok errors")

-- string literals need parentheses for method calls
check(load("return 'abc':len()") == nil, "literal method needs parens")
check(load("return ('abc'):rep(2)")() == "abcabc", "parenthesized literal")
check(load("return [[abc]]:rep(2)") == nil, "long literal needs parens")
print("ok syntax")

-- indexing a string with a number gives nil (string table has no numeric keys)
check(("abc")[1] == nil, "numeric index")
check(s["sub"] == string.sub, "string key index")
print("ok indexing")

-- arithmetic metamethods on strings (coercion) live in the string metatable
check(type(mt.__add) == "function", "__add in string metatable")
check("10" + 5 == 15 and "3" * "4" == 12, "coercion")
check(-"2" == -2, "__unm")
print("ok arithmetic metamethods")

-- string.format basics allowed in core tests
print(string.format("[%5s][%-5s][%05d][%x][%X][%o]", "ab", "ab", 42, 255, 255, 8))
print(string.format("%q", "a\nb\0c\"d\\"))
print(string.format("%s %s %s", 1, 1.0, true))
print(string.format("%%"))
print(string.format("%c%c%c", 76, 117, 97))
print(string.format("%10.3s|", "abcdef"))
print(string.format("%.3f %.0f %e %g %g", 1 / 3, 2.5, 12345.678, 0.0001, 1e20))
print("ok format")

print("fails: " .. fails)
print("done")
