-- load with a reader function that raises an error: load returns nil and
-- the error value, and the calling code goes on normally afterwards.
-- (Everything runs under pcall: the standalone lua5.4 would otherwise add
-- a traceback to the reader's error message.)

local function main()
  local function show(...)
    print(select('#', ...), ...)
    return ...
  end

  show(load(function () error("reader failed") end))
  print("after the first failing reader")

  local function two(a, b) return a, b end
  local f, msg = two(load(function () error({code = 7}) end))
  print(f, type(msg), msg.code)

  -- a failing reader deep in other calls
  local function nested(n)
    if n == 0 then
      return load(function () error("deep", 0) end)
    end
    local a, b = nested(n - 1)
    return a, b
  end
  print(nested(5))

  -- a reader that fails after returning some pieces
  local pieces = {"return ", "1 + "}
  local i = 0
  print(load(function ()
    i = i + 1
    if pieces[i] then return pieces[i] end
    error("no more pieces", 0)
  end))

  -- a reader that works
  i = 0
  local g = load(function ()
    i = i + 1
    return pieces[i] or (i == 3 and "41") or nil
  end)
  print(g())
  return "done"
end

print(pcall(main))

-- A reader that returns something other than a string: load's error names
-- the position of load's caller (luaL_error), and none when load's caller
-- is a native function (pcall). Called from a function run by pcall, so
-- that no message handler is in force (lua.c's would add a traceback).
local function bad_reader() return {} end
print(pcall(function() return load(bad_reader) end))
print(pcall(load, bad_reader))
print(pcall(function() return load(function() return 1 < 2 end) end))
