x = 10
function add(a, b)
  return a + b
end
add(x, 5)
local t = {1, 2,
  3}
print(#t)
t
nonexistent.field = 1
x
=x * 2
"a", nil, 3.5, true
if x > 5 then
  print("big")
else
  print("small")
end
error("in the middle")
error(setmetatable({}, {__tostring = function() return "custom error" end}))
error({})
x = x +
  1
x

return 1, 2
=
1 +
)
= "after the errors"
io.write("no newline") == io.stdout
string.format("%5.1f", 3.14159)
local function f(n) if n == 0 then error("deep") end return f(n - 1) end f(3)
