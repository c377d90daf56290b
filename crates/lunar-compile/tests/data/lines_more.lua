local t = setmetatable({}, {__index = function() return print end})
t:m
"str"
t.f
{ 1 }
t.a
[1] = 2
local x = t and
  [[s
]] or
  t
local y <const> = [[
c
]]
print(y)
local function v(a,
  ...)
  return
    v(
  )
end
local function g
(a)
  return a
end
repeat
  x = x
until
  x
while
  [[x
]] do break end
if x ==
  "a\
b" then
  x = 1
end
t[ [[k
]] ], t.q = [[
v]], 1
local z = 1 // 0.0
  + 2
for i =
  1,
  2
do
end
local r = {
  f = function
    ()
  end,
  g = function(a
  , b) end
}
local u = #t
  .. [[
]]
local w = -x
  ^
  2
x = x
  (
  )
  [
    1
  ]
