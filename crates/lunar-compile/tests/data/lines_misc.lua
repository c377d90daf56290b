local a <const> = 10
local b <close> = nil
local c
  =
  a
goto done
::done::
local d = {
}
local e = {
  1, 2, 3
}
local f = "a" ..
  "b"
local g = 1
g
  = 2
local h = g[
  1]
x
=
1
y.z
=
1
local i = function(...)
  local t = {
    ...
  }
  return ...
end
local j = 2 ^
  3
local k = 0x10 |
  g
for i = 1, 3 do
  if i == 2 then break end
end
