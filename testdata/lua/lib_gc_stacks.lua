-- The memory of a coroutine's stack counts in collectgarbage("count"), as
-- the reference counts it: a program that makes many short-lived
-- coroutines is collected in step with the memory their stacks take.
collectgarbage()
collectgarbage("stop")
local before = collectgarbage("count")
local co = coroutine.create(function()
  local function deep(n)
    if n == 0 then
      coroutine.yield()
      return 0
    end
    return deep(n - 1) + 1
  end
  return deep(2000)
end)
assert(coroutine.resume(co))
local grown = collectgarbage("count") - before
-- 2,000 frames of at least two registers of 16 bytes: over 62 KB.
print("deep stack counted", grown > 62)
assert(coroutine.resume(co))
print(coroutine.status(co))
collectgarbage("restart")

-- Many short-lived coroutines: the heap count stays bounded.
local most = 0
for i = 1, 20000 do
  local gen = coroutine.wrap(function(x)
    local a, b, c = x, x + 1, x + 2
    coroutine.yield(a + b + c)
  end)
  gen(i)
  if i % 100 == 0 then
    most = math.max(most, collectgarbage("count"))
  end
end
print("bounded", most < 16 * 1024)
