-- Logical operators (manual 3.4.5) and control-structure truthiness.

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
  print(table.concat(out, " "))
end

-- manual examples
show(10 or 20)
show(10 or error())
show(nil or "a")
show(nil and 10)
show(false and error())
show(false and nil)
show(false or nil)
show(10 and 20)
show(nil or false, false or false, false and false, nil and nil)
show(0 and "zero is true", "" and "empty is true")
print("ok manual examples")

-- not always returns a boolean
show(not nil, not false, not 0, not "", not {}, not not nil, not not 1)

-- short-circuit: second operand evaluated only when needed
local calls = 0
local function bump(v) calls = calls + 1; return v end
local _ = bump(true) or bump(false)
check(calls == 1, "or short circuit")
calls = 0
_ = bump(false) and bump(true)
check(calls == 1, "and short circuit")
calls = 0
_ = bump(nil) or bump(1)
check(calls == 2, "or evaluates second")
calls = 0
_ = bump(1) and bump(2)
check(calls == 2, "and evaluates second")
print("ok short circuit")

-- precedence: not > and > or; comparisons above and
check((1 or 2 and nil) == 1, "and binds tighter than or")
check((nil and 1 or 2) == 2, "a and b or c idiom")
check((false or nil and 1) == nil, "or of and")
check((not 1 == 2) == false, "not binds tighter than ==: (not 1) == 2")
check(not (1 == 2), "parens")
check((1 < 2 and 2 < 3) == true, "comparison inside and")
check((nil == false or 3) == 3, "== then or")
print("ok precedence")

-- multiple results are truncated to one value
local function two() return 1, 2 end
local a, b = two() and two()
check(a == 1 and b == nil, "operands of and are truncated to one value")
local c, d = (two() or 5)
show(c, d)
local e, f = two() or 5
show(e, f)
local g, h = nil or two()
show(g, h)
print("ok adjustment")

-- truthiness in control structures
local function cond(v)
  if v then return "then" else return "else" end
end
show(cond(nil), cond(false), cond(0), cond(""), cond(0.0), cond(-0.0))
local count = 0
while count < 3 and true do count = count + 1 end
check(count == 3, "while condition")
repeat count = count - 1 until not (count > 0)
check(count == 0, "repeat until condition")
-- if/elseif chain
local function classify(n)
  if n < 0 then return "neg" elseif n == 0 then return "zero" elseif n < 10 then return "small" else return "big" end
end
show(classify(-5), classify(0), classify(3), classify(100))
print("ok control")

-- ternary idiom pitfall: a and b or c when b is false
local x = true and false or "fallback"
check(x == "fallback", "idiom pitfall")

print("fails: " .. fails)
print("done")
