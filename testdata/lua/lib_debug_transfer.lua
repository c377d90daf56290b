-- debug.getinfo's 'r' option in call and return hooks: ftransfer and
-- ntransfer locate the parameters or results, which debug.getlocal reads
-- (as "(temporary)" or "(C temporary)" slots, or by name).

local function hook(ev)
  local ar = debug.getinfo(2, "ruS")
  local t = {}
  for i = ar.ftransfer, ar.ftransfer + ar.ntransfer - 1 do
    local n, v = debug.getlocal(2, i)
    t[#t + 1] = tostring(n) .. "=" .. tostring(v)
  end
  print(ev, ar.what, ar.ftransfer, ar.ntransfer, table.concat(t, " "))
end

local function foo(a, b, ...) local c = a + b return c, "x", ... end
local function tail(n) if n > 0 then return tail(n - 1) end return "done" end

debug.sethook(hook, "cr")
local r = foo(1, 2, 3)
math.max(5, 7, 6)
select(2, "a", "b", "c")
local s = tail(2)
local v = (function (...) return select('#', ...) end)(nil, nil)
debug.sethook()
print(r, s, v)

-- outside hooks there is nothing to report
local ar = debug.getinfo(1, "r")
print(ar.ftransfer, ar.ntransfer)
