-- Syntax errors reported by load (manual 6.1 load, 9 grammar).
-- load returns fail plus a message; messages follow the reference.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end

-- load returns nil and the message
local f, err = load("x = = 1")
check(f == nil and type(err) == "string", "load returns nil, msg")
print(err)
print(select("#", load("x = = 1")))

-- default chunk names are derived from the source text
local cases = {
  "x = = 1",
  "function f() ",
  "function f() if x then end",
  "x = 'abc",
  "x = 3x",
  "local = 1",
  "local 1 = 2",
  "for i = 1 do end",
  "for i, j = 1, 2 do end",
  "for in x do end",
  "if x end",
  "if x then",
  "while x end",
  "repeat x = 1",
  "x = (1",
  "x = {1, 2",
  "f(",
  "x = }",
  "return return",
  "local function() end",
  "x.1 = 2",
  "x = 1 +",
  "x = not",
  "do",
  "end",
  "else",
  "until x",
  "x",
  "x y",
  "1 = 2",
  "f() = 1",
  "(x) = 1",
  "x, y() = 1, 2",
  "x = function(a, 1) end",
  "x = function(a, ..., b) end",
  "goto",
  "::x",
  "a.b:c = 1",
  "return 1,",
  "local x <close> <const> = 1",
  "function a:b:c() end",
  "x = {[1] 2}",
  "x = {a = }",
  "return;;",
  "x = .",
  "local a, = 1",
  "if x then else elseif y then end",
}
for _, src in ipairs(cases) do
  local fn, msg = load(src)
  check(fn == nil, "should fail: " .. src)
  print(msg)
end
print("ok messages")

-- multi-line sources: line numbers, 'to close' clauses, truncated chunk names
local multi = {
  "x = [[\n\nunfinished",
  "\n\n\nfunction f()\n  return\nend end",
  "local function f()\n  x = 1\n\n",
  "if x then\n  y = 1\nelse\n  y = 2\n",
  "while true do\n\n\nx = 1",
  "for i = 1, 2 do\n  print(i)\n",
  "repeat\n  x = 1\n",
  "local t = {\n  1,\n  2\n",
  "f(1,\n  2\n",
  "do\n  local x = 1\n  x = x +\nend",
  "\"abc\ndef\"",
  "x = 1\ny = 2\nz = = 3",
}
for _, src in ipairs(multi) do
  local fn, msg = load(src)
  print(msg)
end
print("ok multi-line")

-- named chunks
print(select(2, load("x = = 1", "=input")))
print(select(2, load("x = = 1", "@script.lua")))
print(select(2, load("x = = 1", "custom")))
print(select(2, load("\n\nfunction (", "=input")))
print("ok chunk names")

-- lexical errors
local lex = {
  "x = 3x", "x = 0x", "x = 0x1p", "x = 1e+", "x = 1..2",
  "x = 'a\\qb'", "x = '\\300'", "x = '\\xZZ'", "x = '\\u{110000000}'", "x = '\\u{41'",
  "x = [==[ abc ]=]", "--[[ never closed", "x = 'no end",
  "x = @", "x = `", "x = !y", "x = a !=b",
}
for _, src in ipairs(lex) do
  print(select(2, load(src, "=input")))
end
print("ok lexical errors")

-- semantic compile errors
local sem = {
  "goto nowhere",
  "do goto l end local a ::l:: print(a)",
  "::dup:: ::dup::",
  "local x <const> = 1; x = 2",
  "local x <close>, y <close> = nil, nil",
  "local x <what> = 1",
  "function f() return ... end",
}
for _, src in ipairs(sem) do
  print(select(2, load(src, "=input")))
end
print("ok semantic errors")

-- valid but unusual programs compile
local valid = {
  "", ";", ";;;", "return", "return;", "do end", "local a <const> = 1",
  "a = b\n(c)()", "x = {f()}", "f{}{}''", "return ...", "local _ = - - -1",
  "local x = 1 local y = 2", "x = #'abc' + -2 ^ -2", "goto l ::l::",
  "for i = 1, 2 do goto continue ::continue:: end",
  "return function(...) local a, b = ... return a end",
  "local t = {[1]=1, [2]=2; 3, 4,}",
  "x = a.b.c:d(1):e 'str' [[long]] {t=1}",
}
for _, src in ipairs(valid) do
  local fn, msg = load(src)
  check(fn ~= nil, "should compile: " .. src .. " " .. tostring(msg))
end
print("ok valid programs")

print("fails: " .. fails)
print("done")
