-- Constant variables (manual 3.3.7): <const> attribute.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function compile_error(src)
  local f, err = load(src, "=input")
  if f then return "NO ERROR" end
  return err
end

local N <const> = 10
local S <const> = "name"
local F <const> = 1.5
local B <const> = true
local T <const> = { 1, 2 }
check(N * 2 == 20 and S .. "!" == "name!" and F + N == 11.5 and B, "const values")
T[1] = 100   -- the variable is constant, the table is not
check(T[1] == 100, "const table is mutable")
print("ok const values")

-- constants can be captured by closures
local function get() return N + #S end
check(get() == 14, "const upvalue")
-- runtime values are allowed as initializers
local function f(x)
  local y <const> = x * 2
  return y
end
check(f(4) == 8, "runtime const")
-- mixed attribs in one declaration
local a <const>, b, c <const> = 1, 2, 3
b = 20
check(a + b + c == 24, "mixed")
-- const nil and missing initializers
local z <const> = nil
local w <const>
check(z == nil and w == nil, "const nil")
print("ok const usage")

-- assignment errors are compile time errors
print(compile_error("local x <const> = 1; x = 2"))
print(compile_error("local x <const> = 1; local function g() x = 2 end"))
print(compile_error("local x <const> = 1; x, y = 2, 3"))
print(compile_error("local a, b <const> = 1, 2; a = 3; b = 4"))
print(compile_error("local x <const> = {}; function x() end"))
print(compile_error("local x <const> = 1; for i = 1, 2 do x = i end"))
print(compile_error("local x <const> = 1; do local x = 5; x = 6 end; return x"))
print(compile_error("local x <const> = 1; x.y = 2"))
print(compile_error("local x <CONST> = 1"))
print(compile_error("local function f <const> () end"))
print("ok compile errors")

-- shadowing a const with a normal local is allowed
local ok = load("local x <const> = 1; do local x = 5; x = 6 end; return x")
check(ok and ok() == 1, "shadow const")
-- field assignment through a const table is allowed
local ok2 = load("local x <const> = {}; x.y = 2; return x.y")
check(ok2 and ok2() == 2, "const table field")
print("ok shadowing")

-- const locals used in constant folding keep integer/float subtypes
local I <const> = 7
local FL <const> = 7.0
print(math.type(I // 2), math.type(FL // 2), I // 2, FL // 2, I / 7)
local BIG <const> = math.maxinteger
print(BIG + 1 == math.mininteger)
local ZERO <const> = 0
local okd, errd = pcall(function() return 1 // ZERO end)
check(not okd and string.find(errd, "attempt to divide by zero", 1, true), "const zero idiv")
local okm, errm = pcall(function() return 1 % ZERO end)
check(not okm and string.find(errm, "attempt to perform 'n%0'", 1, true), "const zero mod")
print("ok folding")

print("fails: " .. fails)
print("done")
