-- debug library basics (manual 6.10): traceback, getinfo, getlocal,
-- getupvalue/setupvalue, getmetatable/setmetatable.
-- Stacks are inspected inside coroutines whose code comes from "=input"
-- chunks so that no file path appears in the output.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end

-- traceback of a suspended coroutine
local src = [[
local function lvl3() coroutine.yield("yielded") end
local function lvl2() lvl3() end
function globalfn() lvl2() end
return function() globalfn() end
]]
local body = load(src, "=input")()
local co = coroutine.create(body)
print(coroutine.resume(co))
print(debug.traceback(co))
print(debug.traceback(co, "message"))
print(debug.traceback(co, "from level 1", 1))
print(debug.traceback(co, nil, 2))
globalfn = nil
-- traceback of a coroutine that died with an error
local co2 = coroutine.create(load("local x = nil\nlocal function f() return x.y end\nf()", "=input"))
print(coroutine.resume(co2))
print(debug.traceback(co2))
-- non-string messages are returned untouched
local t = {}
check(debug.traceback(t) == t, "table message returned")
check(type(debug.traceback("x")) == "string", "string traceback")
check(string.find(debug.traceback("x"), "x\nstack traceback:\n", 1, true) == 1, "traceback header")
print("ok traceback")

-- getinfo on functions
local f = load("local a, b = ...\nlocal c = a + b\nreturn c\n", "=input")
local info = debug.getinfo(f)
print(info.source, info.short_src, info.what, info.linedefined, info.lastlinedefined,
  info.nups, info.nparams, info.isvararg, info.currentline)
local g = load("return function(x, y, ...)\n  return x\nend", "=input")()
info = debug.getinfo(g, "Su")
print(info.source, info.what, info.linedefined, info.lastlinedefined, info.nups, info.nparams, info.isvararg)
info = debug.getinfo(print)
print(info.source, info.short_src, info.what, info.linedefined, info.lastlinedefined, info.currentline, info.nparams, info.isvararg)
info = debug.getinfo(f, "L")
local lines = {}
for l in pairs(info.activelines) do lines[#lines + 1] = l end
table.sort(lines)
print(table.concat(lines, " "))
check(debug.getinfo(f, "f").func == f, "func field")
check(debug.getinfo(1, "l").currentline == 56, "current line of the caller")
info = debug.getinfo(load("x = 1", "=(load)"), "S")
print(info.source, info.short_src)
info = debug.getinfo(load("x = 1"), "S")
print(info.source, info.short_src)
info = debug.getinfo(load("x = 1", "@some/file.lua"), "S")
print(info.source, info.short_src)
check(debug.getinfo(1000) == nil, "level out of range")
print(pcall(debug.getinfo, 1, ">"))
print(pcall(debug.getinfo, {}))
print("ok getinfo")

-- getinfo with names, from inside functions loaded as "input"
local named = load([[
local function inner() local i = debug.getinfo(1, "nSl"); return i.name, i.namewhat, i.currentline, i.what end
local t = { method = function(self) return debug.getinfo(1, "n").name, debug.getinfo(1, "n").namewhat end }
function gfn() return debug.getinfo(1, "n").name, debug.getinfo(1, "n").namewhat end
local a, b, c, d = inner()
local e, f2 = t:method()
local g2, h = gfn()
gfn = nil
return a, b, c, d, e, f2, g2, h
]], "=input")
print(named())
print("ok names")

-- getlocal
local lf = load([[
local first, second = 10, "two"
local result = {}
local i = 1
while true do
  local name, value = debug.getlocal(1, i)
  if not name then break end
  result[#result + 1] = name .. "=" .. (type(value) == "table" and "table" or tostring(value))
  i = i + 1
end
return table.concat(result, " ")
]], "=input")
print(lf())
local function params(a, b, ...) return debug.getlocal(1, 1), debug.getlocal(1, 2), debug.getlocal(1, -1) end
print(params(1, 2, 3))
print(debug.getlocal(params, 1), debug.getlocal(params, 2), debug.getlocal(params, 3))
print("ok getlocal")

-- upvalues
local up1, up2 = "u1", 2
local function uses() return up1, up2 end
print(debug.getupvalue(uses, 1), debug.getupvalue(uses, 2), debug.getupvalue(uses, 3))
print(debug.setupvalue(uses, 1, "changed"))
print(uses())
print(debug.getupvalue(print, 1))
local chunk = load("return x")
print(debug.getupvalue(chunk, 1) == "_ENV")
debug.setupvalue(chunk, 1, { x = "from new env" })
print(chunk())
local function a1() return up1 end
local function a2() return up2 end
check(debug.upvalueid(a1, 1) == debug.upvalueid(uses, 1), "shared upvalue id")
check(debug.upvalueid(a1, 1) ~= debug.upvalueid(a2, 1), "different upvalue id")
debug.upvaluejoin(a1, 1, a2, 1)
check(a1() == 2, "upvaluejoin")
print("ok upvalues")

-- metatables of any value
check(debug.getmetatable("x").__index == string, "string metatable")
check(debug.getmetatable(1) == nil, "no number metatable")
debug.setmetatable(1, { __index = { double = function(n) return n * 2 end } })
print((21):double(), (1.5):double())
debug.setmetatable(1, nil)
check(debug.getmetatable(1) == nil, "number metatable removed")
local prot = setmetatable({}, { __metatable = "protected" })
check(getmetatable(prot) == "protected" and type(debug.getmetatable(prot)) == "table", "debug.getmetatable ignores __metatable")
check(type(debug.getregistry()) == "table", "registry")
print("ok metatables")

print("fails: " .. fails)
print("done")
