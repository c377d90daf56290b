-- package library (manual 6.3): require, package.path searching,
-- package.loaded, package.preload, package.searchers, package.searchpath.
-- Modules are written next to a temporary file name; that name is replaced
-- by "TMP" in everything printed, and the files are removed at the end.

local base = os.tmpname()
local files = {}

local function clean(s)
  s = tostring(s)
  return (s:gsub(base:gsub("%p", "%%%0"), "TMP"))
end

local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do
    local v = select(i, ...)
    if type(v) == "string" then v = string.format("%q", v) end
    if type(v) == "table" then v = "<table>" end
    if type(v) == "function" then v = "<function>" end
    out[i] = clean(v)
  end
  print(n .. ": " .. table.concat(out, " "))
end

local function try(f, ...)
  local ok, err = pcall(f, ...)
  if ok then
    print("ok")
  else
    print("error: " .. clean(err))
  end
end

local function write(name, text)
  local fname = base .. "_" .. name
  local f = assert(io.open(fname, "w"))
  f:write(text)
  f:close()
  files[#files + 1] = fname
  return fname
end

-- the library's tables
print(type(package), type(require), package.config == "/\n;\n?\n!\n-\n")
print(type(package.path), type(package.cpath), #package.searchers)
print(package.loaded.package == package, package.loaded._G == _G,
      package.loaded.string == string, type(package.preload))
show(require("string") == string)
show(select("#", require("table")))

package.path = base .. "_?.lua"
package.cpath = base .. "_?.so"

-- a module gets its name and file name; require returns both once
write("mod1.lua", [[
local name, file = ...
count1 = (count1 or 0) + 1
return {name = name, file = file, n = select("#", ...)}
]])
local m, extra = require("mod1")
show(m.name, m.file, m.n, extra, count1)
local m2, extra2 = require("mod1")
show(m2 == m, extra2, count1)
show(select("#", require("mod1")))
package.loaded.mod1 = nil
local m3 = require("mod1")
show(m3 == m, count1)

-- a module without a result is recorded as true; one that sets
-- package.loaded itself keeps that value; false is kept
write("noret.lua", "noret_runs = (noret_runs or 0) + 1\n")
show(require("noret"))
show(require("noret"), noret_runs, package.loaded.noret)
write("self.lua", "package.loaded[...] = 'mine'\n")
show(require("self"))
write("selfret.lua", "package.loaded[...] = 'mine'\nreturn 'returned'\n")
show(require("selfret"))
write("false.lua", "return false\n")
show(require("false"))
show(package.loaded["false"])
write("nilret.lua", "return nil, 'ignored'\n")
show(require("nilret"))

-- modules requiring modules
write("outer.lua", "local inner = require('inner') return 'outer+' .. inner\n")
write("inner.lua", "return 'inner'\n")
show(require("outer"))

-- errors while loading and while running
write("syntax.lua", "local x = = 1\n")
try(require, "syntax")
write("syntax2.lua", "\n\nx = 'unfinished\n")
try(require, "syntax2")
write("runtime.lua", "local t\nreturn t.field\n")
try(require, "runtime")
show(package.loaded.runtime)
write("errtable.lua", "error({code = 7})\n")
local ok, e = pcall(require, "errtable")
show(ok, type(e), e.code)
write("shebang.lua", "#!/usr/bin/env lua\nlocal a = ...\n\nerror('line four ' .. a)\n")
try(require, "shebang")
write("shebang2.lua", "# comment line\nreturn 'after comment'\n")
show(require("shebang2"))

-- not found: every searcher's contribution
try(require, "missing")
try(require, "miss.ing")
package.path = base .. "_?.lua;" .. base .. "_?/init.lua;;"
try(require, "missing")
package.path = base .. "_?.lua"

-- a C library found along package.cpath would be loaded by the C
-- searchers; here none is found
package.cpath = ""
try(require, "nothing.here")
package.cpath = base .. "_?.so"

-- modules in a directory: init.lua, dotted names, a directory as a file
local dir = base .. "_pkg"
assert(os.execute("mkdir " .. dir))
write("pkg/init.lua", "return 'init of ' .. ... .. ' from ' .. select(2, ...)\n")
write("pkg/sub.lua", "return 'sub ' .. ...\n")
package.path = base .. "_?.lua;" .. base .. "_?/init.lua"
show(require("pkg"))
show(require("pkg.sub"))
show(package.searchpath("pkg.sub", package.path))
package.path = base .. "_?"
package.loaded.pkg = nil
try(require, "pkg")
package.path = base .. "_?.lua"

-- preload
package.preload.pre = function(...)
  show("loader", ...)
  return {preloaded = true}
end
local p, pextra = require("pre")
show(p.preloaded, pextra)
show(package.searchers[1]("pre") ~= nil, select(2, package.searchers[1]("pre")))
show(package.searchers[1]("nope"))
package.preload["42"] = function(name) return "number " .. name end
show(require(42))
-- the preload table is read with metamethods
setmetatable(package.preload, {__index = function(t, k)
  if k == "virtual" then return function() return "virtual module" end end
end})
show(require("virtual"))
setmetatable(package.preload, nil)
-- so is package.loaded
setmetatable(package.loaded, {__index = function(t, k)
  if k == "ghost" then return "ghost value" end
end})
show(require("ghost"))
setmetatable(package.loaded, nil)
-- the searcher uses the registry's preload table, not package.preload
local savedpre = package.preload
package.preload = {other = function() return "other" end}
try(require, "other")
package.preload = savedpre

-- the searchers themselves
show(package.searchers[2]("mod1"))
show(package.searchers[2]("absent"))
show(package.searchers[3]("absent"))
show(package.searchers[4]("absent"))
show(package.searchers[4]("absent.sub"))
try(package.searchers[2], "syntax")
try(package.searchers[1])

-- custom searchers, in order
local saved = package.searchers
local trace = {}
package.searchers = {
  function(n) trace[#trace + 1] = "first " .. n; return "first says no" end,
  function(n) trace[#trace + 1] = "second " .. n; return nil end,
  function(n) trace[#trace + 1] = "third " .. n; return 3 end,
  function(n) trace[#trace + 1] = "fourth " .. n; return {} end,
  function(n) trace[#trace + 1] = "fifth " .. n; return "ignored", "too" end,
}
try(require, "custom")
print(table.concat(trace, ", "))
trace = {}
table.insert(package.searchers, 3, function(n)
  trace[#trace + 1] = "loader for " .. n
  return function(name, data) return name .. " with " .. tostring(data) end, "data"
end)
show(require("custom"))
show(require("custom2"))
print(table.concat(trace, ", "))
package.searchers = {function() return function() return "no data" end end}
show(require("nodata"))
package.searchers = {}
try(require, "empty")
package.searchers = "no"
try(require, "notatable")
package.searchers = saved

-- package.path and package.cpath must be strings (numbers convert)
package.path = nil
try(require, "nopath")
package.path = 42
try(require, "numpath")
package.path = base .. "_?.lua"
package.cpath = false
try(require, "nocpath")
package.cpath = base .. "_?.so"

-- package.searchpath
show(package.searchpath("mod1", package.path))
show(package.searchpath("mod1", "x/?.lua;" .. package.path))
show(package.searchpath("a.b.c", "?;?.x"))
show(package.searchpath("a.b.c", "?;?.x", "", ""))
show(package.searchpath("a.b.c", "?;?.x", "b", "XX"))
show(package.searchpath("a.b.c", "?;?.x", ".", "::"))
show(package.searchpath("x", ""))
show(package.searchpath("x", ";"))
show(package.searchpath("x", "a;;b;"))
show(package.searchpath("x", "??"))
show(package.searchpath("a;b", "?.lua"))
show(package.searchpath(12, "?.lua"))
try(package.searchpath)
try(package.searchpath, "x")
try(package.searchpath, "x", "y", {})
try(package.searchpath, "x", "y", ".", {})
try(require)
try(require, {})

-- clean up
for _, f in ipairs(files) do assert(os.remove(f)) end
assert(os.remove(dir))
assert(os.remove(base))
print("done")
