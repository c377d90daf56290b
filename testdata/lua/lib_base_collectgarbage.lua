-- collectgarbage's options: the answers that do not depend on what the
-- collector finds. The standalone lua starts in generational mode.

print(collectgarbage("incremental"))
print(collectgarbage("incremental"))
print(collectgarbage("generational"))

-- setpause and setstepmul give back the previous value, as the
-- collector stores it (a quarter of it, in a byte)
print(collectgarbage("setpause", 100), collectgarbage("setpause", 100))
print(collectgarbage("setstepmul", 100), collectgarbage("setstepmul", 100))
print(collectgarbage("setpause"), collectgarbage("setpause", 200))
for _, v in ipairs{0, 2, 10, 90, 150, 250, 500, 1021, 5000, 30000,
                   0x7ffffffe, -1, -8, 2^40} do
  collectgarbage("setpause", v)
  collectgarbage("setstepmul", v)
  print(v, collectgarbage("setpause", 200), collectgarbage("setstepmul", 100))
end

-- incremental's arguments set the same parameters; zero keeps one
print(collectgarbage("incremental", 150, 250, 10))
print(collectgarbage("setpause", 200), collectgarbage("setstepmul", 100))
print(collectgarbage("incremental", 0, 300))
print(collectgarbage("setpause", 200), collectgarbage("setstepmul", 100))
print(collectgarbage("generational", 20, 100))

-- in generational mode a step never ends a cycle
print(collectgarbage("step"), collectgarbage("step", 100))

print(collectgarbage(), collectgarbage("collect"))
print(collectgarbage("isrunning"), collectgarbage("stop"),
      collectgarbage("isrunning"), collectgarbage("restart"),
      collectgarbage("isrunning"))
print(math.type(collectgarbage("count")))

-- the numeric arguments are checked
print(pcall(collectgarbage, "setpause", "x"))
print(pcall(collectgarbage, "setstepmul", {}))
print(pcall(collectgarbage, "step", 1.5))
print(pcall(collectgarbage, "incremental", 1, {}))
print(pcall(collectgarbage, "incremental", 1, 2, "z"))
print(pcall(collectgarbage, "generational", 1, 2.5))
print(pcall(collectgarbage, "step", "10"))
print(pcall(collectgarbage, "setpause", "0x10"), collectgarbage("setpause", 200))
print(pcall(collectgarbage, "bogus"))
print(pcall(collectgarbage, 1))

-- inside a finalizer every option fails
local res = {}
setmetatable({}, {__gc = function ()
  res[1] = collectgarbage()
  res[2] = collectgarbage("count")
  res[3] = collectgarbage("setpause", 300)
  res[4] = collectgarbage("incremental")
  res.done = true
end})
collectgarbage()
print(res.done, res[1], res[2], res[3], res[4])
print(collectgarbage("setpause", 200))
