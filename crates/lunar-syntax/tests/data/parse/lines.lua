local t = f(
  1,
  2
)
  :m(3)
x
  =
  1
local s = [[
a
b]] .. "c\
d"
