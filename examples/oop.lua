-- oop.lua: classes, inheritance and operators through metatables.

local Shape = {}
Shape.__index = Shape

function Shape.new(name)
  return setmetatable({ name = name }, Shape)
end

function Shape:area() return 0 end

function Shape:describe()
  return string.format("%s with area %.2f", self.name, self:area())
end

Shape.__tostring = function(s) return "Shape(" .. s.name .. ")" end
Shape.__lt = function(a, b) return a:area() < b:area() end

-- Circle inherits from Shape
local Circle = setmetatable({}, { __index = Shape })
Circle.__index = Circle
Circle.__tostring = Shape.__tostring
Circle.__lt = Shape.__lt

function Circle.new(r)
  local c = Shape.new("circle")
  c.r = r
  return setmetatable(c, Circle)
end

function Circle:area() return math.pi * self.r ^ 2 end

-- Rectangle inherits from Shape, Square from Rectangle
local Rectangle = setmetatable({}, { __index = Shape })
Rectangle.__index = Rectangle
Rectangle.__tostring = Shape.__tostring
Rectangle.__lt = Shape.__lt

function Rectangle.new(w, h, name)
  local r = Shape.new(name or "rectangle")
  r.w, r.h = w, h
  return setmetatable(r, Rectangle)
end

function Rectangle:area() return self.w * self.h end

local Square = setmetatable({}, { __index = Rectangle })
Square.__index = Square
Square.__tostring = Shape.__tostring
Square.__lt = Shape.__lt

function Square.new(side)
  local s = Rectangle.new(side, side, "square")
  return setmetatable(s, Square)
end

function Square:describe()
  return Rectangle.describe(self) .. string.format(" (side %g)", self.w)
end

local shapes = { Circle.new(1), Rectangle.new(2, 3), Square.new(2), Circle.new(0.5), Shape.new("point") }
table.sort(shapes, function(a, b) return a < b end)
for _, s in ipairs(shapes) do
  print(tostring(s), s:describe())
end

-- a vector class with arithmetic metamethods
local Vec = {}
Vec.__index = Vec
local function vec(x, y) return setmetatable({ x = x, y = y }, Vec) end
Vec.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
Vec.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
Vec.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
Vec.__unm = function(a) return vec(-a.x, -a.y) end
Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vec.__len = function(a) return math.sqrt(a.x * a.x + a.y * a.y) end
Vec.__tostring = function(a) return "(" .. a.x .. ", " .. a.y .. ")" end

local v1, v2 = vec(3, 4), vec(1, 2)
print("v1 + v2 =", tostring(v1 + v2))
print("v1 - v2 =", tostring(v1 - v2))
print("2 * v2 =", tostring(2 * v2), "v2 * 3 =", tostring(v2 * 3))
print("v1 . v2 =", v1 * v2)
print("-v1 =", tostring(-v1), "|v1| =", #v1)
print("v1 == vec(3, 4):", v1 == vec(3, 4), "v1 == v2:", v1 == v2)

-- privacy through closures
local function Account(owner)
  local balance = 0
  local self = {}
  function self.deposit(v) balance = balance + v; return self end
  function self.balance() return balance end
  function self.owner() return owner end
  return self
end
local acc = Account("ana").deposit(10).deposit(5)
print(acc.owner(), acc.balance(), acc.balance == nil, rawget(acc, "balance") ~= nil)
