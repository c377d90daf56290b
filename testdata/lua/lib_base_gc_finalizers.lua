-- __gc metamethods run when their objects become garbage: at once in a
-- full collection (collectgarbage()), and on their own while a script
-- keeps allocating. Values left in registers or above the stack top by
-- finished calls are garbage too.

local function gcobj(msg)
  return setmetatable({}, {__gc = function () print("gc", msg) end})
end

local t = gcobj(1)
t = nil
collectgarbage()
print("after 1")

do
  local x = gcobj(2)
end
collectgarbage()
print("after 2")

local function f() local y = gcobj(3) return 1 end
f()
collectgarbage("collect")
print("after 3")

-- order: the newest first, as the reference runs them at a full collection
do
  local a, b, c = gcobj("a"), gcobj("b"), gcobj("c")
end
collectgarbage()
print("after abc")

-- the finalizer's name
setmetatable({}, {__gc = function ()
  local i = debug.getinfo(1, "n")
  print("name", i.name, i.namewhat)
end})
collectgarbage()

-- errors in finalizers are warnings, not errors
print(pcall(function ()
  setmetatable({}, {__gc = function () error("in gc") end})
  collectgarbage()
  return "no error"
end))

-- resurrection: the object is usable in its finalizer
local saved
setmetatable({v = 42}, {__gc = function (o) saved = o end})
collectgarbage()
print("saved", saved and saved.v)

-- without collectgarbage: a loop that allocates sees it run
local done = false
setmetatable({}, {__gc = function () done = true end})
local n = 0
repeat local a = {} n = n + 1 until done
print("ran while allocating", done)

-- weak tables lose collected entries at a full collection
local w = setmetatable({}, {__mode = "k"})
w[{}] = 1
local keep = {}
w[keep] = 2
collectgarbage()
local count = 0
for k, v in pairs(w) do count = count + 1 end
print("weak entries", count, w[keep])
