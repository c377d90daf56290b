-- Resuming a coroutine counts one nested C call, whether it starts the
-- body or goes on after a yield: a chain of nested resumes ends in
-- "C stack overflow", however the chain is built.

local function report(ok, msg)
  msg = tostring(msg)
  local prefixes = select(2, string.gsub(msg, "core_coroutine_nesting.lua:%d+: ", ""))
  print(ok, string.match(msg, "[^:]*$"), prefixes > 0)
end

-- each body resumes, after its first yield, a fresh coroutine that it
-- started before: every level is a resume of a yielded coroutine
do
  local count = 0
  local function body ()
    coroutine.yield()
    local f = coroutine.wrap(body)
    f()
    count = count + 1
    f()
  end
  local f = coroutine.wrap(body)
  f()
  report(pcall(f))
  print("levels", count)
end

-- the same chain made of starts only
do
  local count = 0
  local function body ()
    count = count + 1
    coroutine.wrap(body)()
  end
  report(pcall(body))
  print("levels", count)
end

-- the same with coroutine.resume, each level raising the error it got
do
  local depth = 0
  local function body ()
    coroutine.yield()
    local co = coroutine.create(body)
    coroutine.resume(co)
    depth = depth + 1
    local ok, msg = coroutine.resume(co)
    if not ok then error(msg, 0) end
  end
  local co = coroutine.create(body)
  coroutine.resume(co)
  local ok, msg = coroutine.resume(co)
  print(ok, msg, depth)
end

-- a coroutine that yields inside pcalls and metamethods can be resumed
-- any number of times: the calls it yielded inside do not pile up
do
  local mt = {__index = function (t, k) return coroutine.yield(k) end}
  local gen = coroutine.wrap(function ()
    local t = setmetatable({}, mt)
    while true do
      pcall(pcall, function () local _ = t.x end)
    end
  end)
  for i = 1, 2000 do assert(gen() == "x") end
  -- and it can still go as deep as a fresh one
  local count = 0
  local function body ()
    count = count + 1
    coroutine.wrap(body)()
  end
  local inner = coroutine.wrap(function () return pcall(body) end)
  local ok = inner()
  print("after many resumes", ok, count)
end
