local function f(
  a,
  b
)
  return a
    + b
end
function g
(x)
  return x
end
local t = {}
function t.a
  .b(x) end
function t
  :m(y)
  return self
end
local h = function
  (x)
  return x
end
local k = function() end
local l = function()
end
local function m()
  return
end
local function n()
  return f(1,
    2)
end
local function o()
  local x = 1
  return (
    x
  )
end
do return end
