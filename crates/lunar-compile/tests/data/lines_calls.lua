local function f(...) return ... end
f(1,
  2
)
f(
  1, 2)
local x = f(1,
  2)
local y = f
(
3
)
print(f(1), f(
2))
local t = {}
t:m(1,
 2
)
t
:m(1)
t.a.b.c(
)
f "str"
f { 1,
2 }
f
{ 3 }
return f(1,
2
)
