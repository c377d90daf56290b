-- Helpers shared by the lib_* conformance scripts: show(v) prints a value
-- without addresses (tables, functions... by type; strings quoted; floats
-- with all their digits), try(label, f, ...) prints what pcall(f, ...)
-- returns, one line. Scripts load it with require('lib.check').
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
return {show = show, try = try}
