-- load with text chunks and environments; _ENV (manual 2.2, 6.1 load).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end

-- load a string chunk and run it
local f = load("return 1 + 2")
check(type(f) == "function" and f() == 3, "simple load")
check(load("")() == nil, "empty chunk")
check(select("#", load("")()) == 0, "empty chunk returns nothing")
check(select("#", load("return")()) == 0, "bare return")
-- chunks are variadic functions
local va = load("local a, b = ...; return b, a, select('#', ...)")
print(va(1, 2, 3))
print("ok load string")

-- load from a function returning pieces
local pieces = { "ret", "urn ", "'pie", "ces'" }
local i = 0
local fromfn = load(function() i = i + 1; return pieces[i] end)
check(fromfn() == "pieces", "load from function")
local j = 0
local stop_empty = load(function() j = j + 1; if j == 1 then return "return 7" elseif j == 2 then return "" else return " + 1" end end)
check(stop_empty() == 7, "empty string ends the chunk")
local k2 = 0
local stop_nil = load(function() k2 = k2 + 1; if k2 == 1 then return "return 8" end end)
check(stop_nil() == 8, "nil ends the chunk")
-- (errors raised by the reader function are not tested: under the standalone
--  interpreter the message handler of lua.c adds a traceback to them)
local bad_piece_fn = load(function() return nil end)
check(bad_piece_fn() == nil, "no pieces is an empty chunk")
print("ok load function")

-- chunk names
local _, msg1 = load("error('e')")
check(msg1 == nil, "no error at load")
print(select(2, pcall(load("error('e')", "=my chunk"))))
print(select(2, pcall(load("error('e')", "@path/to/file.lua"))))
local once = false
print(select(2, pcall(load(function() if once then return nil end once = true; return "error('e')" end))))
print("ok chunk names")

-- mode argument
check(load("return 1", "=m", "t")() == 1, "text mode")
check(load("return 1", "=m", "bt")() == 1, "bt mode")
print(load("return 1", "=m", "b"))
print("ok mode")

-- env argument: the chunk's _ENV upvalue
local env = { x = 10 }
local g = load("y = x * 2; return x", "=env", "t", env)
check(g() == 10, "reads env")
check(env.y == 20, "writes env")
check(rawget(_G, "y") == nil, "global untouched")
local printer = load("return print", "=env", "t", {})
check(printer() == nil, "empty env has no print")
local nilenv = load("return x", "=nilenv", "t", nil)
print(pcall(nilenv))
local errs = load("return undefined_global.field", "=env", "t", {})
print(pcall(errs))
-- functions defined inside the chunk share its environment
local lib = {}
load("function helper() return 'helped' end; function use() return helper() end", "=lib", "t", lib)()
check(lib.use() == "helped" and rawget(_G, "helper") == nil, "functions see chunk env")
-- environment with __index to the globals
local sandbox = setmetatable({}, { __index = _G })
load("sandboxed = tostring(123)", "=sb", "t", sandbox)()
check(sandbox.sandboxed == "123" and rawget(_G, "sandboxed") == nil, "sandbox with __index")
print("ok env")

-- _ENV as a regular name
do
  local _ENV = { tostring = tostring }
  z = 5
  check_value = tostring(z)
end
check(rawget(_G, "z") == nil, "local _ENV captures globals")
local function with_env(_ENV) return a + b end
check(with_env({ a = 1, b = 2 }) == 3, "_ENV as a parameter")
local function set_env()
  local _ENV = { }
  w = 1
  return _ENV
end
check(set_env().w == 1, "returned env")
-- global access after _ENV is replaced by a non-table value
print(pcall(load("local _ENV = 5; return x", "=input")))
print(pcall(load("local _ENV = nil; x = 1", "=input")))
-- _ENV in nested function is an upvalue
local make = load("return function() return value end", "=nested", "t", { value = "from env" })()
check(make() == "from env", "nested function env")
print("ok _ENV")

-- each load creates a fresh function with fresh upvalues
local src = "local n = 0; return function() n = n + 1; return n end"
local c1, c2 = load(src)(), load(src)()
c1(); c1()
check(c1() == 3 and c2() == 1, "fresh upvalues per load")
print("ok fresh")

-- _G is the global environment
check(_G._G == _G and _ENV == _G, "_G")
local saved = _G
_G = nil
check(saved.print ~= nil and print ~= nil, "changing _G does not affect globals")
_G = saved
print("ok _G")

-- load errors for wrong argument types
print(pcall(load))
print(pcall(load, 42))
print(select("#", load("x=")))
print("fails: " .. fails)
print("done")
