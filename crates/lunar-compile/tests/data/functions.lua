-- functions: statements, locals, methods, nesting, upvalues
function f(a, b) return a + b end
local function g(...) return ... end
function t.a.b(x) return x end
function t.a:m(x) return self, x end
local h = function() end
local k = function(a, ...) local b = ... return a end
local function rec(n) if n > 0 then return rec(n - 1) end return 0 end
local up = 1
local function outer()
  local mid = 2
  return function()
    return function() return up, mid, _ENV end
  end
end
local function nup() up = up + 1 end
