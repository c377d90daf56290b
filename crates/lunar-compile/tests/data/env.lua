-- globals through _ENV, a local _ENV, long global names
x = y
local function f() return z end
do
  local _ENV = {print = print}
  print(w)
  w = 1
end
local function g()
  local _ENV <const> = {}
  return v
end
very_long_global_name_that_is_not_a_short_string_x = 1
print(very_long_global_name_that_is_not_a_short_string_x)
