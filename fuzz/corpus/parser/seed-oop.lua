-- oop: classes built from metatables, method calls resolved through __index
-- chains of several levels, an __index function fallback and arithmetic,
-- comparison and call metamethods.
-- Usage: oop.lua [iterations]   (default 600000)
local N = tonumber(arg and arg[1]) or 600000

local M = 2147483647

-- class creates a class table whose instances look methods up in it, and
-- which itself falls back to parent.
local function class(parent)
  local c = {}
  c.__index = c
  if parent then
    setmetatable(c, { __index = parent })
  end
  return c
end

local Shape = class()
function Shape.new(cls, x, y)
  local o = setmetatable({}, cls)
  o.x, o.y = x, y
  return o
end
function Shape:move(dx, dy)
  self.x = self.x + dx
  self.y = self.y + dy
  return self
end
function Shape:area()
  return 0
end
function Shape:kind()
  return 1
end
function Shape:describe()
  return self:kind() * 1000 + self:area()
end

local Rect = class(Shape)
function Rect.new(cls, x, y, w, h)
  local o = Shape.new(cls, x, y)
  o.w, o.h = w, h
  return o
end
function Rect:area()
  return self.w * self.h
end
function Rect:kind()
  return 2
end

local Square = class(Rect)
function Square.new(cls, x, y, s)
  return Rect.new(cls, x, y, s, s)
end
function Square:kind()
  return 3
end

-- ColoredSquare adds a fourth level; area and move come from far up.
local ColoredSquare = class(Square)
function ColoredSquare.new(cls, x, y, s, color)
  local o = Square.new(cls, x, y, s)
  o.color = color
  return o
end
function ColoredSquare:shade()
  return self.color % 7
end

-- Vec has arithmetic, comparison and call metamethods.
local Vec = {}
Vec.__index = Vec
local function vec(x, y)
  return setmetatable({ x = x, y = y }, Vec)
end
Vec.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
Vec.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vec.__lt = function(a, b) return a.x + a.y < b.x + b.y end
Vec.__call = function(self, k) return self.x * k + self.y end
function Vec:dot(o)
  return self.x * o.x + self.y * o.y
end

-- Defaults answers any missing field through an __index function.
local Defaults = setmetatable({}, {
  __index = function(t, k)
    return #k
  end,
})

local shapes = {}
for i = 1, 16 do
  local m = i % 4
  if m == 0 then
    shapes[i] = Shape:new(i, -i)
  elseif m == 1 then
    shapes[i] = Rect:new(i, i, i % 5 + 1, i % 3 + 1)
  elseif m == 2 then
    shapes[i] = Square:new(-i, i, i % 6 + 1)
  else
    shapes[i] = ColoredSquare:new(i, 0, i % 4 + 1, i * 3)
  end
end

local h = 0
local acc = vec(0, 0)
local lt = 0
for i = 1, N do
  local s = shapes[i % 16 + 1]
  s:move(1, -1)
  h = (h * 31 + s:describe() + s:area()) % M
  if s.shade then
    h = (h + s:shade()) % M
  end
  local v = vec(i % 10, i % 7)
  acc = acc + v - vec(1, 1)
  if v < acc then
    lt = lt + 1
  end
  if v == vec(i % 10, i % 7) then
    h = (h + v(3) + v:dot(acc) % 1000) % M
  end
  if i % 100 == 0 then
    acc = vec(0, 0)
    h = (h + Defaults.abc + Defaults["name" .. (i % 10)]) % M
  end
end

local xs = 0
for i = 1, #shapes do
  xs = xs + shapes[i].x + shapes[i].y
end

print(string.format("oop %d: hash=%d lt=%d xy=%d", N, h, lt, xs))
