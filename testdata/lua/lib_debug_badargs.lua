local function show(v)
  local t = type(v)
  if t == "table" or t == "function" or t == "thread" or t == "userdata" then
    return t
  end
  if t == "string" then return string.format("%q", v) end
  if math.type(v) == "float" then return string.format("%.17g", v) end
  return tostring(v)
end

local function try(label, f, ...)
  local r = table.pack(pcall(f, ...))
  local out = {}
  for i = 1, r.n do out[#out + 1] = show(r[i]) end
  print(label, table.concat(out, " | "))
end
-- §6.10: the debug functions with wrong arguments and edge levels.
try("getinfo()", debug.getinfo)
try("getinfo bad level", debug.getinfo, 100)
try("getinfo negative", debug.getinfo, -1)
try("getinfo bad what", debug.getinfo, 1, ">")
try("getinfo bad what 2", debug.getinfo, 1, "q")
try("getinfo > with function", function() return debug.getinfo(print, ">S") end)
try("getinfo string", debug.getinfo, "x")
try("getinfo thread bad level", function() return debug.getinfo(coroutine.create(print), 0) end)
try("getinfo native", function()
  local i = debug.getinfo(print, "Slnu")
  return i.what, i.source, i.short_src, i.linedefined, i.lastlinedefined, i.currentline, i.nups, i.nparams, i.isvararg
end)
try("getinfo lua", function()
  local function f(a, b, ...) return debug.getinfo(1, "Slnut") end
  local i = f()
  return i.what, i.short_src, i.linedefined, i.lastlinedefined, i.currentline, i.nups, i.nparams, i.isvararg, i.name, i.namewhat, i.istailcall
end)
try("getinfo main", function()
  local i = debug.getinfo(2, "S")
  return i.what
end)
try("getinfo f", function() local i = debug.getinfo(1, "f"); return type(i.func) end)
try("getinfo L", function()
  local i = debug.getinfo(function()
    local a = 1
    return a
  end, "L")
  local lines = {}
  for l in pairs(i.activelines) do lines[#lines + 1] = l end
  table.sort(lines)
  return table.concat(lines, ",")
end)
try("getinfo r", function()
  local i = debug.getinfo(1, "r")
  return i.ftransfer, i.ntransfer
end)
try("getlocal()", debug.getlocal)
try("getlocal bad level", debug.getlocal, 100, 1)
try("getlocal level 1", function() local x = 10; return debug.getlocal(1, 1) end)
try("getlocal out of range", function() local x = 10; return debug.getlocal(1, 5) end)
try("getlocal vararg", function(...) return debug.getlocal(1, -1) end, "va")
try("getlocal vararg out", function(...) return debug.getlocal(1, -2) end, "va")
try("getlocal function", function() return debug.getlocal(function(a, b) end, 2) end)
try("getlocal function out", function() return debug.getlocal(function(a, b) end, 3) end)
try("getlocal native", function() return debug.getlocal(print, 1) end)
try("getlocal bad n", debug.getlocal, 1, "x")
try("setlocal", function() local x = 10; local n = debug.setlocal(1, 1, 20); return n, x end)
try("setlocal out", function() local x = 10; return debug.setlocal(1, 5, 20) end)
try("setlocal bad level", debug.setlocal, 100, 1, 1)
try("setlocal missing value", function() local x = 1; return debug.setlocal(1, 1) end)
try("getupvalue native", debug.getupvalue, print, 1)
try("getupvalue", function() local up = 5; local f = function() return up end; return debug.getupvalue(f, 1) end)
try("getupvalue out", function() local f = function() end; return debug.getupvalue(f, 1) end)
try("getupvalue bad", debug.getupvalue, 1, 1)
try("setupvalue", function()
  local up = 5
  local f = function() return up end
  return debug.setupvalue(f, 1, 6), f()
end)
try("setupvalue out", function() return debug.setupvalue(function() end, 1, 1) end)
try("setupvalue missing", function() local up; return debug.setupvalue(function() return up end, 1) end)
try("upvalueid", function()
  local a
  local f = function() return a end
  local g = function() return a end
  return debug.upvalueid(f, 1) == debug.upvalueid(g, 1)
end)
try("upvalueid out", function() return debug.upvalueid(function() end, 1) end)
try("upvalueid out 2", function() local a; return debug.upvalueid(function() return a end, 2) end)
try("upvalueid native", debug.upvalueid, print, 1)
try("upvalueid bad", debug.upvalueid, 1, 1)
try("upvaluejoin", function()
  local a, b = 1, 2
  local f = function() return a end
  local g = function() return b end
  debug.upvaluejoin(f, 1, g, 1)
  return f()
end)
try("upvaluejoin bad", function() local a; debug.upvaluejoin(function() return a end, 2, function() return a end, 1) end)
try("upvaluejoin native", function() local a; debug.upvaluejoin(print, 1, function() return a end, 1) end)
try("getmetatable", function() return debug.getmetatable(1), debug.getmetatable("").__index == string end)
try("setmetatable number", function()
  debug.setmetatable(1, {__index = {twice = function(n) return n * 2 end}})
  local r = (21):twice()
  debug.setmetatable(1, nil)
  return r
end)
try("setmetatable bad", debug.setmetatable, 1, 2)
try("setmetatable returns", function() local t = {}; return debug.setmetatable(t, nil) == t end)
try("getuservalue non-udata", debug.getuservalue, {}, 1)
try("getuservalue file", function() return debug.getuservalue(io.stdout, 1) end)
try("setuservalue bad", debug.setuservalue, {}, 1)
try("getregistry", function() return type(debug.getregistry()) end)
try("traceback non-string", function() return type(debug.traceback({})) end)
try("traceback nil", function() return debug.traceback(nil) end)
try("traceback number", function() return (debug.traceback(12, 100)) end)
try("traceback level big", function() return debug.traceback("msg", 100) end)
try("traceback thread", function()
  local co = coroutine.create(function() coroutine.yield() end)
  coroutine.resume(co)
  return debug.traceback(co, "co")
end)
try("sethook bad", debug.sethook, 1, 2, 3)
try("sethook no args", function() debug.sethook(); return debug.gethook() end)
try("gethook none", debug.gethook)
try("sethook count", function()
  local n = 0
  debug.sethook(function() n = n + 1 end, "", 1)
  local x = 0
  for i = 1, 10 do x = x + i end
  debug.sethook()
  return n > 10
end)
try("upvaluejoin order 1", debug.upvaluejoin, 1, "x")
try("upvaluejoin order 2", function() local a; debug.upvaluejoin(function() return a end, 1, print, "x") end)
try("upvaluejoin order 3", function() local a; debug.upvaluejoin(function() return a end, 1, 1, 1) end)
try("upvaluejoin C closure", function() local a; debug.upvaluejoin(string.gmatch("a", "a"), 1, function() return a end, 1) end)
try("upvalueid order", debug.upvalueid, 1, "x")
try("upvalueid C closure", function() return type(debug.upvalueid(string.gmatch("a", "a"), 1)) end)
try("getinfo bad what middle", debug.getinfo, 1, "S>")
try("getinfo bad what after good", debug.getinfo, 1, "Slq")
try("getinfo out of range before options", debug.getinfo, 100, "q")
try("getinfo > out of range", debug.getinfo, 100, ">")
