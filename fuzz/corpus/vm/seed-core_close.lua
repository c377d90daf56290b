-- To-be-closed variables (manual 3.3.8).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function compile_error(src)
  local f, err = load(src, "=input")
  if f then return "NO ERROR" end
  return err
end

local log = {}
local function flush(label)
  print(label .. ": " .. table.concat(log, ", "))
  log = {}
end
local function closer(name)
  return setmetatable({ name = name }, {
    __close = function(self, err)
      log[#log + 1] = self.name .. "(" .. tostring(err) .. ")"
    end
  })
end

-- normal block end, reverse order
do
  local a <close> = closer("a")
  local b <close> = closer("b")
  local c <close> = closer("c")
  log[#log + 1] = "body"
end
flush("block")

-- nil and false are ignored
do
  local x <close> = nil
  local y <close> = false
  local z <close> = closer("z")
end
flush("nil/false")

-- break
for i = 1, 3 do
  local v <close> = closer("loop" .. i)
  if i == 2 then break end
end
flush("break")

-- goto out of the block
do
  do
    local g <close> = closer("g")
    goto out
  end
  ::out::
end
flush("goto")

-- return (values are computed before closing)
local function ret()
  local r <close> = closer("r")
  log[#log + 1] = "returning"
  return "result"
end
local res = ret()
log[#log + 1] = res
flush("return")

-- error: the error object is passed to __close
local ok, err = pcall(function()
  local e1 <close> = closer("e1")
  local e2 <close> = closer("e2")
  error("boom", 0)
end)
log[#log + 1] = tostring(ok) .. " " .. err
flush("error")

-- error with a table value is passed as is
local errobj = setmetatable({}, { __tostring = function() return "errobj" end })
ok, err = pcall(function()
  local t <close> = closer("t")
  error(errobj)
end)
check(err == errobj, "error object preserved")
flush("error object")

-- the value of a to-be-closed variable is the first argument of __close
local seen
do
  local obj <close> = setmetatable({}, { __close = function(o) seen = o end })
  check(seen == nil, "not closed yet")
end
check(type(seen) == "table", "closed with itself")
print("ok self argument")

-- closing in nested functions and blocks
local function inner()
  local i1 <close> = closer("inner")
  do
    local i2 <close> = closer("inner-block")
  end
  log[#log + 1] = "after inner block"
end
do
  local o <close> = closer("outer")
  inner()
end
flush("nested")

-- a closure can still see the variable before it is closed
do
  local holder <close> = closer("holder")
  local f = function() return holder.name end
  log[#log + 1] = f()
end
flush("closure")

-- error inside __close during normal exit propagates
ok, err = pcall(function()
  local bad <close> = setmetatable({}, { __close = function() error("close failed", 0) end })
  log[#log + 1] = "body"
end)
log[#log + 1] = tostring(ok) .. " " .. tostring(err)
flush("error in close")

-- other pending closes still run after an error in a __close
ok, err = pcall(function()
  local first <close> = closer("first")
  local bad <close> = setmetatable({}, { __close = function() error("close failed 2", 0) end })
  log[#log + 1] = "body"
end)
log[#log + 1] = tostring(ok) .. " " .. tostring(err)
flush("error in close with others")

-- the variable is constant
print(compile_error("local x <close> = nil; x = 1"))
print(compile_error("local a <close>, b <close> = nil, nil"))
print(compile_error("local a <foo> = 1"))
print(compile_error("local a <close = 1"))
print("ok compile errors")

-- a non-closable value raises an error at declaration
local ok2, msg = pcall(load("local x <close> = {}", "=input"))
print(ok2, msg)
ok2, msg = pcall(load("local y <close> = 42", "=input"))
print(ok2, msg)
ok2, msg = pcall(load("local z <close> = 'str'", "=input"))
print(ok2, msg)
ok2, msg = pcall(load("local w <close> = setmetatable({}, {__index = {__close = print}})", "=input"))
print(ok2, msg)
print("ok non-closable")

-- a return in the scope of a to-be-closed variable is not a tail call, and
-- multiple return values are preserved
local function multi()
  local m <close> = closer("m")
  return 1, 2, 3
end
local n1, n2, n3 = multi()
check(n1 == 1 and n2 == 2 and n3 == 3, "multiple returns")
flush("multi return")

-- __close metamethod looked up when closing: changing it later is used
local mt = { __close = function() log[#log + 1] = "original" end }
do
  local c <close> = setmetatable({}, mt)
  mt.__close = function() log[#log + 1] = "replaced" end
end
flush("late metamethod")

print("fails: " .. fails)
print("done")
