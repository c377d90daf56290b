-- Error handling (manual 2.3): error, pcall, xpcall, error values and levels.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do out[i] = tostring((select(i, ...))) end
  print(table.concat(out, " | "))
end

-- error levels: position of the function that called error (1), its caller (2), none (0)
local src = [[
local function lvl1() error("at level 1") end
local function lvl2() error("at level 2", 2) end
local function lvl0() error("no position", 0) end
local function caller()
  lvl2()
end
local which = ...
if which == 1 then lvl1()
elseif which == 2 then caller()
elseif which == 0 then lvl0()
elseif which == 3 then error("main chunk")
else
  local function inner() error("level 3", 3) end
  local function middle() inner() end
  local function outer()
    middle()
  end
  outer()
end
]]
local chunk = load(src, "=input")
show(pcall(chunk, 1))
show(pcall(chunk, 2))
show(pcall(chunk, 0))
show(pcall(chunk, 3))
show(pcall(chunk, 4))
show(pcall(error, "direct", 1))
show(pcall(load("error('from input', 2)", "=input")))
print("ok levels")

-- chunk names in positions
show(pcall(load("error('x')", "=custom name")))
show(pcall(load("error('x')", "@file.lua")))
show(pcall(load("\n\nerror('line 3')", "=input")))
show(pcall(load("error('x')", "local s = 1")))
show(pcall(load("error('x')")))
show(pcall(load("error('x')", "a long chunk name that goes on and on and on and on and on beyond the limit of characters")))
show(pcall(load("error('x')", "line one\nline two")))
print("ok chunk names")

-- non-string error values are passed through unchanged
local errt = { code = 42 }
local ok, e = pcall(error, errt)
check(not ok and e == errt, "table error value")
ok, e = pcall(error, 42)
check(e == 42 and math.type(e) == "integer", "number error value without position")
ok, e = pcall(error, 4.5, 1)
check(e == 4.5, "float error value")
ok, e = pcall(error, true)
check(e == true, "boolean error value")
ok, e = pcall(error, nil)
check(ok == false and e == nil, "error(nil)")
ok, e = pcall(error)
check(ok == false and e == nil, "error()")
print(select("#", pcall(error)))
local withts = setmetatable({}, { __tostring = function() return "custom error" end })
ok, e = pcall(error, withts)
check(e == withts and tostring(e) == "custom error", "__tostring error")
print("ok error values")

-- pcall returns all results on success
show(pcall(function(...) return ... end, 1, nil, 3))
show(pcall(function() end))
show(pcall(print == print and select, "#", 1, 2))
show(pcall(nil))
show(pcall({}))
show(pcall(pcall))
show(pcall(pcall, error, "inner"))
print("ok pcall")

-- nested pcall
local function level3() error("deep", 0) end
local function level2()
  local ok2, e2 = pcall(level3)
  return "caught " .. e2 .. " " .. tostring(ok2)
end
show(pcall(level2))
show(pcall(function()
  local ok3, e3 = pcall(error, "first", 0)
  error("second after " .. e3, 0)
end))
print("ok nested pcall")

-- xpcall with message handler
show(xpcall(function() error("oops", 0) end, function(m) return "handled: " .. m end))
show(xpcall(function() return "fine", 2 end, function(m) return "unused" end))
show(xpcall(function(a, b) return a + b end, print, 3, 4))
show(xpcall(function() error({ code = 7 }) end, function(m) return type(m) == "table" and m.code end))
show(xpcall(function() error("x", 0) end, function(m) return m .. "1", "ignored" end))
show(xpcall(load("local t = nil; return t.x", "=input"), function(m) return "H:" .. m end))
show(xpcall(nil, function(m) return "H:" .. m end))
show(pcall(xpcall))
show(pcall(xpcall, print))
show(xpcall(function() error("a", 0) end, function(m) error("handler fails") end))
-- the handler runs before the stack unwinds: it can see the error position
local handler_seen
xpcall(load("local x = nil\nreturn x.field", "=input"), function(m) handler_seen = m; return m end)
print(handler_seen)
print("ok xpcall")

-- errors from inside metamethods and C functions propagate through pcall
show(pcall(function() return setmetatable({}, { __index = function() error("from __index", 0) end }).x end))
show(pcall(string.rep))
show(pcall(setmetatable, 1))
show(pcall(function() return ("x"):rep(1, 2, 3) end))
print("ok propagated")

-- error with a level that points into a C function gives no position
show(pcall(error, "msg", 1))
show(load("return pcall(error, 'msg', 2)", "=input")())
print("ok C level")

-- runtime errors carry a position
show(pcall(load("local a = {}\n\nreturn a.b.c", "=input")))
show(pcall(load("return 1 + {}", "=input")))
print("ok runtime positions")

-- assert
show(pcall(assert, true, "unused"))
show(pcall(assert, 1, 2, 3))
show(pcall(assert, false))
show(pcall(assert, nil, "assert message"))
show(pcall(assert))
local ok4, e4 = pcall(assert, false, errt)
check(e4 == errt, "assert with table message")
print("ok assert")

print("fails: " .. fails)
print("done")
