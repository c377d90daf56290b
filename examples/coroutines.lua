-- coroutines.lua: producer/consumer with coroutines, plus a filter stage.

local function producer(items)
  return coroutine.create(function()
    for _, item in ipairs(items) do
      coroutine.yield(item)
    end
    return nil
  end)
end

local function receive(prod)
  local ok, value = coroutine.resume(prod)
  assert(ok, value)
  return value
end

-- a filter is a coroutine that consumes from one coroutine and produces for the next
local function filter(prod, predicate, transform)
  return coroutine.create(function()
    while true do
      local v = receive(prod)
      if v == nil then return nil end
      if predicate(v) then coroutine.yield(transform(v)) end
    end
  end)
end

local function consumer(prod)
  local got = {}
  while true do
    local v = receive(prod)
    if v == nil then break end
    got[#got + 1] = v
    print("consumed", v)
  end
  return got
end

local p = producer({ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })
local f = filter(p, function(n) return n % 2 == 0 end, function(n) return n * n end)
local results = consumer(f)
print("total items:", #results)

-- generators with coroutine.wrap
local function chars(s)
  return coroutine.wrap(function()
    for i = 1, #s do coroutine.yield(i, s:sub(i, i)) end
  end)
end
local out = {}
for i, c in chars("lua") do out[#out + 1] = i .. c end
print(table.concat(out, " "))

-- a round-robin scheduler of cooperative tasks
local tasks = {}
local function spawn(name, steps)
  tasks[#tasks + 1] = {
    name = name,
    co = coroutine.create(function()
      for step = 1, steps do
        coroutine.yield(name .. " step " .. step)
      end
      return name .. " finished"
    end),
  }
end
spawn("A", 2)
spawn("B", 3)
spawn("C", 1)
while #tasks > 0 do
  local task = table.remove(tasks, 1)
  local ok, msg = coroutine.resume(task.co)
  print(msg)
  if coroutine.status(task.co) ~= "dead" then tasks[#tasks + 1] = task end
end
