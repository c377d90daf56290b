-- assert's message: a string gets the position of assert's caller, as
-- error(msg) would give it; other values go through untouched.

local function try(f, ...)
  local ok, msg = pcall(f, ...)
  print(ok, type(msg), msg)
end

try(function () assert(false, "a message") end)
try(function () assert(nil, "line " .. 11) end)
try(function () assert(false) end)
try(function () assert(false, 42) end)
try(function () assert(false, 4.5) end)
do local t = {}; local ok, msg = pcall(function () assert(false, t) end); print(ok, msg == t) end
try(function () assert(false, nil) end)
try(function () assert(false, "x", "extra") end)
try(function () assert() end)

-- called straight from pcall, there is no Lua caller to name
try(assert, false, "direct")
try(assert, nil)

-- a true value gives back all the arguments
print(assert(1, 2, 3))
print(select("#", assert(true, nil, nil)))

-- the position is that of the function calling assert
local function check(v) assert(v, "check failed") end
try(check, false)
try(function () check(nil) end)

-- through a method call and a tail call
local obj = {}
function obj:verify() return assert(self.ok, "not ok") end
try(function () return obj:verify() end)
