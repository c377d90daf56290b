-- Proper tail calls (manual 3.4.10).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end

-- deep tail recursion does not overflow the stack
local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + 1)
end
print(loop(100000, 0))
print(loop(1000000, 0))
print("ok deep tail recursion")

-- mutual tail recursion
local is_even, is_odd
function is_even(n) if n == 0 then return true end return is_odd(n - 1) end
function is_odd(n) if n == 0 then return false end return is_even(n - 1) end
print(is_even(100001), is_odd(100001))
print("ok mutual tail recursion")

-- tail call returns all results of the callee
local function multi() return 1, 2, 3 end
local function tail() return multi() end
check(select("#", tail()) == 3, "tail call keeps results")
-- non-tail forms from the manual adjust results
local function paren() return (multi()) end
local function twice() return 2 * multi() end
local function extra() return 0, multi() end
local function dropped() multi(); return end
local function orcall() return nil or multi() end
print(select("#", paren()), twice(), select("#", extra()), select("#", dropped()), select("#", orcall()))
print("ok results")

-- tail calls through a table of states (state machine)
local states = {}
local visits = 0
function states.a(n) visits = visits + 1; if n == 0 then return "end in a" end return states.b(n - 1) end
function states.b(n) visits = visits + 1; if n == 0 then return "end in b" end return states.a(n - 1) end
print(states.a(200001), visits)
print("ok state machine")

-- tail call to a method, with varargs
local obj = { count = 0 }
function obj:step(n, ...)
  if n == 0 then return self.count, select("#", ...) end
  self.count = self.count + 1
  return self:step(n - 1, ...)
end
print(obj:step(50000, "a", "b"))
print("ok method tail call")

-- tail calls to C functions and through __call
local function tc() return select("#", 1, 2, 3) end
check(tc() == 3, "tail call to C function")
local callable = setmetatable({}, { __call = function(self, n, acc)
  return acc + n
end })
local function via_call(n) return callable(n, 100) end
check(via_call(5) == 105, "tail call via __call")
local function deep_callable(n)
  if n == 0 then return "deep" end
  return deep_callable(n - 1)
end
check(deep_callable(300000) == "deep", "300000 tail calls")
print("ok C and __call")

-- non-tail recursion of moderate depth works too
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(10000))
print("ok non-tail recursion")

print("fails: " .. fails)
print("done")
