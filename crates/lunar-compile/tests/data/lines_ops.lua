local a, b, c = ...
local x = a +
  b
local y = a
  + b
  * c
local z = -
  a
local w = #
  b
local v = a ..
  b ..
  c
local u = a[
  b
]
local s = a.
  b
local t = a <= b
local r = (
  a + b
) * c
local q = {
  a,
  b;
  c = a
    + 1,
  [b] =
    c,
}
local p = {
  f(1),
  a
}
a.b.c = b
  + c
a, b = b,
  a
local n = not
  a
local m = a ~=
  b
local l = a
  < b
local k = 1 +
  2
local j = a and b and c
return a,
  b
