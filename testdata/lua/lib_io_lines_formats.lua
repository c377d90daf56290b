local check = require('lib.check')
local show, try = check.show, check.try
-- §6.8: io.lines and file:lines/read with every format, limits on the
-- number of formats, and wrong arguments. Files are made in os.tmpname().
local name = os.tmpname()
local f = assert(io.open(name, "wb"))
f:write("first line\n", "12 0x1F -3.5e1 .5 nan 0x.8p1 1e 99999999999999999999\n",
        "\n", "last line no newline")
f:close()
local function collect(iter)
  local out = {}
  for a, b, c in iter do out[#out + 1] = show(a) .. "/" .. show(b) .. "/" .. show(c) end
  return table.concat(out, "  ")
end
try("lines default", function() return collect(io.lines(name)) end)
try("lines L", function() return collect(io.lines(name, "L")) end)
try("lines l", function() return collect(io.lines(name, "l")) end)
try("lines 5", function() return collect(io.lines(name, 5)) end)
try("lines 0", function()
  local n = 0
  for s in io.lines(name, 0) do n = n + 1; if n > 3 then break end end
  return n
end)
try("lines n after skip", function()
  local it = io.lines(name, "l", "n", "n", "n", "n", "n", "n", "n", "n")
  return it()
end)
try("lines a", function()
  local it = io.lines(name, "a")
  local a = it()
  local b = it()
  return #a, b
end)
try("lines 2 formats", function() return collect(io.lines(name, 3, "l")) end)
try("lines *l old style", function() return collect(io.lines(name, "*l")) end)
try("lines bad format", function() return collect(io.lines(name, "x")) end)
try("lines bad format 2", function() return collect(io.lines(name, {})) end)
try("lines too many formats", function()
  local fmts = {}
  for i = 1, 300 do fmts[i] = "l" end
  return io.lines(name, table.unpack(fmts)) ~= nil
end)
try("lines missing file", function() return io.lines("/nonexistent/dir/file") end)
try("lines 4 values", function()
  local it, st, ctl, closing = io.lines(name)
  return type(it), st, ctl, io.type(closing)
end)
try("file:lines keeps file open", function()
  local h = io.open(name)
  for l in h:lines() do end
  local t = io.type(h)
  h:close()
  return t, io.type(h)
end)
try("io.lines closes at end", function()
  local it, _, _, h = io.lines(name)
  while it() do end
  return io.type(h)
end)
try("read after end", function()
  local it = io.lines(name)
  while it() do end
  return it()
end)
try("read numbers", function()
  local h = io.open(name)
  h:read("l")
  local r = table.pack(h:read("n", "n", "n", "n", "n", "n", "n", "n"))
  h:close()
  local out = {}
  for i = 1, r.n do out[i] = show(r[i]) end
  return table.concat(out, " ")
end)
try("read mixed", function()
  local h = io.open(name)
  local a, b, c = h:read(5, "l", "L")
  local d = h:read(0)
  local e = h:read("a")
  local g = h:read("a")
  local i = h:read(0)
  local j = h:read("l")
  h:close()
  return a, b, c, d, #e, g, i, j
end)
try("read bad format", function() local h = io.open(name); return h:read("q") end)
try("read closed", function() local h = io.open(name); h:close(); return h:read() end)
try("lines closed", function() local h = io.open(name); h:close(); return h:lines() end)
-- Left out: h:read(-1). lua5.4 fails with "not enough memory" (the count
-- becomes a huge size_t); Lunar reads the rest of the file.
try("read float count", function() local h = io.open(name); return h:read(2.0) end)
try("read bad float count", function() local h = io.open(name); return h:read(2.5) end)
os.remove(name)
