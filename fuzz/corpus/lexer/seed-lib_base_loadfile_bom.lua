-- loadfile and dofile skip a UTF-8 byte order mark and a first '#' line
-- (keeping line numbers right), and load a binary chunk after that line.

local name = os.tmpname()

local function try(content, mode)
  local f = assert(io.open(name, "wb"))
  f:write(content)
  f:close()
  local fn, err = loadfile(name, mode)
  if not fn then
    print("error", (err:gsub("^[^:]*:", "FILE:")))
  else
    local r = table.pack(pcall(fn))
    for i = 1, r.n do
      if type(r[i]) == "string" then
        r[i] = string.format("%q", (r[i]:gsub("^[^:]*:", "FILE:")))
      end
      r[i] = tostring(r[i])
    end
    print(table.concat(r, " "))
  end
end

try("\xEF\xBB\xBFreturn 239")
try("\xEF\xBB\xBF# some comment\nreturn 234")
try("\xEF\xBB\xBF")
try("\xEF\xBB\xBF\n\nreturn require'debug'.getinfo(1).currentline")
try("# a comment\nreturn require'debug'.getinfo(1).currentline")
try("\xEF\xBB\xBF#!/usr/bin/lua\nerror('boom')")
try("#comment\0\n" .. string.dump(function () return 20, "\0\0\0" end))
try("\xEF\xBB\xBF#c\n" .. string.dump(function () return 21 end))
try("\xEF\xBB\xBF# c\nreturn 1", "b")

local f = assert(io.open(name, "wb"))
f:write("\xEF\xBB\xBFreturn 'dofile ok'")
f:close()
print(dofile(name))
os.remove(name)
