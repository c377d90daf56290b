-- load with a reader function: a number is a piece of the chunk (as its
-- text, like lua_isstring), any other non-string value is an error whose
-- message is placed at load's caller, and the chunk name and mode are
-- checked before the reader is first called. (Under pcall: the standalone
-- interpreter would add a traceback to a reader's error at top level.)

local function main()
  local n = 0
  local f = load(function()
    n = n + 1
    if n == 1 then return "return " elseif n == 2 then return 12 elseif n == 3 then return ".5" end
  end)
  print(f())

  n = 0
  print(load(function()
    n = n + 1
    if n == 1 then return "return " elseif n == 2 then return 1.5 end
  end)())

  n = 0
  print(load(function()
    n = n + 1
    if n == 1 then return 7 end
  end))

  print(load(function() return true end))
  print(load(function() return {} end))
  n = 0
  print(load(function()
    n = n + 1
    if n == 1 then return "return 1" end
    return print
  end))

  print(pcall(load, function() print("reader called") end, {}))
  print(pcall(load, function() print("reader called") end, "name", {}))
  print(pcall(load, {}, {}))
  print(pcall(load))
  print(load("x", "=n", "q"))
  print(load("return 1", "=n", "b"))
  return "done"
end

print(pcall(main))
