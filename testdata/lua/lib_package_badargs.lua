local check = require('lib.check')
local show, try = check.show, check.try
-- §6.3: require and package.searchpath with wrong arguments and missing
-- modules (paths set here, so that the messages do not depend on the
-- installation).
package.path = "./?.lua;./nonexistent_dir/?/init.lua"
package.cpath = "./nonexistent_dir/?.so"
try("require()", require)
try("require table", require, {})
try("require missing", require, "no_such_module_xyz")
try("require dotted", require, "no.such.mod")
try("require preload", function()
  package.preload["virtual.mod"] = function(name, extra) return {name = name, extra = extra} end
  local m, extra = require("virtual.mod")
  return m.name, m.extra, extra, package.loaded["virtual.mod"] == m
end)
try("require preload returns nil", function()
  package.preload.nilmod = function() end
  local m, extra = require("nilmod")
  return m, extra, package.loaded.nilmod
end)
try("require preload false", function()
  package.preload.falsemod = function() return false end
  return require("falsemod"), package.loaded.falsemod
end)
try("require loader error", function()
  package.preload.badmod = function() error("loader failed") end
  return require("badmod")
end)
try("require cached", function()
  package.loaded.cached = "value"
  return require("cached")
end)
try("searchers not table", function()
  local s = package.searchers
  package.searchers = nil
  local ok, e = pcall(require, "zzz")
  package.searchers = s
  return ok, e
end)
try("searcher returns string", function()
  local s = package.searchers
  package.searchers = {function(name) return "\n\tcustom searcher says no" end}
  local ok, e = pcall(require, "zzz")
  package.searchers = s
  return ok, e
end)
try("searcher returns loader", function()
  local s = package.searchers
  package.searchers = {function(name) return function(n, x) return n .. ":" .. tostring(x) end, "extra" end}
  local ok, e, x = pcall(require, "yyy")
  package.searchers = s
  return ok, e, x
end)
try("searchpath", package.searchpath, "a.b.c", "./?.x;/nonexistent/?.y")
try("searchpath sep", package.searchpath, "a.b", "./?.x", ".", "_")
try("searchpath empty sep", package.searchpath, "a.b", "./?.x", "")
try("searchpath bad", package.searchpath, {}, "x")
try("searchpath bad path", package.searchpath, "x")
-- Left out: package.loadlib. Lunar loads no C libraries, so it answers
-- "absent" where lua5.4 tries the file and answers "open".
try("config", function() return package.config end)
