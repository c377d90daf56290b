local function v(...)
  local a =
    ...
  local b = {
    ...
  }
  local t = {
      "a"
    , "b"
    , {}
  }
  local c = v(
    ...)
  local d = v(
    {})
  local e, f
    , g = 1
    , 2
    , 3
  return
    ...
end
local up = {}
local function w(
  a,
  ...)
  local x = up[
    1.5
  ]
  local y = {
    [2.5]
      = 1,
    [a] =
      2,
  }
  goto
    done
  ::done
  ::
  local z
    <close>
    = nil
  local q
    <const>
  return x
end
local s = "a\z
           b"
local r = 'x\
y' .. "z"
local t = {
  [1] = 1
  ,
  2
}
local u = (
  1 + up
)
for i
  = 1, 2
do end
while
  true
do
  break
end
if up
  == nil then
  print(up
    )
end
local m = up.x
  .y
  :z()
local n = not
  up
up.a, up.b
  = 1, 2
local o = #
  up
  + 1
return v
  ,
  w
