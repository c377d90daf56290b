-- string.dump and loading binary chunks: round trips, stripping, upvalues,
-- and the errors for foreign or damaged chunks.

local function try(f, ...)
  local r = table.pack(pcall(f, ...))
  for i = 1, r.n do r[i] = tostring(r[i]) end
  return table.concat(r, " ", 1, r.n)
end

local function roundtrip(f, strip, ...)
  local s = string.dump(f, strip)
  assert(type(s) == "string" and s:sub(1, 4) == "\27Lua")
  local g = assert(load(s, "chunk", "b"))
  return g(...)
end

-- constants of every kind, control flow, varargs, nested closures
local function sample(n, ...)
  local t = {1, 2.5, "three", true, false, nil, n, ...}
  local acc = 0
  for i = 1, n do
    if i % 2 == 0 then acc = acc + i elseif i % 3 == 0 then acc = acc - i else acc = acc * 2 end
  end
  local nv = select("#", ...)
  local function inner(x) return x * 2, nv end
  local s = ""
  for k, v in pairs({a = 1}) do s = s .. k .. v end
  while acc > 1000 do acc = acc // 3 end
  repeat acc = acc + 1 until acc % 7 == 0
  goto done
  ::done::
  return acc, #t, inner(n), s, 0x7fffffffffffffff, -0.0, 1e300, "\0bin\255", math.mininteger
end
print(sample(10, "x", "y"))
print(roundtrip(sample, false, 10, "x", "y"))
print(roundtrip(sample, true, 10, "x", "y"))
print(roundtrip(function() return end))
print(roundtrip(function(...) return ... end, false, 1, nil, 3))

-- upvalues are fresh (nil) after loading, except _ENV which is the globals
local up = 42
local function useup() return up end
print(pcall(function() return type(roundtrip(useup)) end))
local function useglobal() return type(print), x_global end
x_global = "g"
print(roundtrip(useglobal))
print(roundtrip(function() local a <const> = 10; local b <close> = nil; return a end))

-- load with an environment
local f = load(string.dump(function() return x_global end), "env", "b", {x_global = "from env"})
print(f())

-- debug information: kept, or stripped
local function fails() error("oops") end
print(pcall(load(string.dump(fails), "=dumped", "b")))
local ok, msg = pcall(load(string.dump(fails, true), "=dumped", "b"))
print(ok, msg)
local function fails2() local t = nil; return t.x end
print(pcall(load(string.dump(fails2), "=dumped", "b")))
-- (a runtime error in a stripped function: the reference reports the
-- position as "?:-1:"; not compared here)

-- dumping Go/C functions and non-functions
print(try(string.dump, print))
print(try(string.dump, string.dump))
print(try(string.dump, {}))
print(try(string.dump))

-- modes
local bin = string.dump(function() return 1 end)
print(load(bin, "c", "t"))
print(load("return 1", "c", "b"))
print(load(bin, "c", "bt") ~= nil, load(bin, "c") ~= nil)

-- damaged chunks
local function damaged(s, name)
  local fn, err = load(s, name, "b")
  return tostring(fn ~= nil) .. " " .. tostring(err)
end
print(damaged("\27"))
print(damaged("\27Lu"))
print(damaged("\27Lux"))
print(damaged("\27Lua"))
print(damaged(bin:sub(1, 5)))
print(damaged(bin:sub(1, 4) .. "\83" .. bin:sub(6)))
print(damaged(bin:sub(1, 5) .. "\1" .. bin:sub(7), "=named"))
print(damaged(bin:sub(1, 6) .. "\25\147\r\r\26\n" .. bin:sub(13), "@file.lua"))
print(damaged(bin:sub(1, 12) .. "\8" .. bin:sub(14)))
print(damaged(bin:sub(1, 13) .. "\4" .. bin:sub(15)))
print(damaged(bin:sub(1, 14) .. "\4" .. bin:sub(16)))
print(damaged(bin:sub(1, 15) .. "\0" .. bin:sub(17)))
print(damaged(bin:sub(1, 30) .. "\0" .. bin:sub(32)))
for _, n in ipairs({10, 20, 30, 31, 32, 33}) do
  print(n, damaged(bin:sub(1, n)))
end
print(damaged(bin:sub(1, 40), "plain name"))
