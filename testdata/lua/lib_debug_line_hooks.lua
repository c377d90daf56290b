-- Line hooks fire as the reference's: on a new line, on a jump back (even
-- to the same line), never for the rest of the line that installed the
-- hook, never inside a hook (even for a hook installed by the hook), and
-- the function running a hook is named "hook '?'".

local function trace(src)
  local lines = {}
  local f = assert(load(src, "=chunk"))
  debug.sethook(function (e, l) lines[#lines + 1] = l end, "l"); f(); debug.sethook()
  print(table.concat(lines, ","))
end

trace("for i = 1, 4 do local x = i end")
trace("local a = 0\nwhile a < 3 do a = a + 1 end\nreturn a")
trace("local t = {}\nfor k, v in pairs{1, 2} do\n  t[k] = v\nend")
trace("local function f()\n  return 1\nend\nf()\nf()")
trace("local a = 1\nrepeat\n  a = a + 1\nuntil a > 2")
trace("goto skip\n::back:: do return end\n::skip:: goto back")

-- a hook set by a call hook runs only after the call hook returns
local log = {}
local function target(a, b) local c = a + b; return c end
debug.sethook(function (e)
  log[#log + 1] = "call hook"
  debug.sethook(function (e2, l)
    log[#log + 1] = e2 .. " " .. tostring(debug.getinfo(2, "n").name)
    debug.sethook()
  end, "l")
end, "c")
target(1, 2)
print(table.concat(log, "; "))

-- hook arguments and names
local got = {}
debug.sethook(function (...)
  if #got < 3 then
    got[#got + 1] = select("#", ...) .. " " .. tostring((select(1, ...)))
      .. " " .. debug.getinfo(1, "n").namewhat .. " " .. tostring(debug.getinfo(1, "n").name)
  end
end, "cr")
local _ = math.abs(-1)
debug.sethook()
print(table.concat(got, "; "))

local tb
debug.sethook(function ()
  tb = debug.traceback("tb", 1)
  debug.sethook()
end, "l")
local _ = 1
print((tb:match("\n[^\n]*\n([^\n]*)")))
