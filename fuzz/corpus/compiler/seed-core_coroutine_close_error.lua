-- coroutine.close on a coroutine that died by an error returns false and
-- that error, even after later resumes were refused.
local co = coroutine.create(function() error('boom') end)
print(coroutine.resume(co))
print(coroutine.resume(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co), coroutine.close(co))
print(coroutine.close(co))

co = coroutine.create(function() error({code = 7}) end)
print(select('#', coroutine.resume(co)))
print(coroutine.resume(co))
local ok, e = coroutine.close(co)
print(ok, type(e), e.code)

-- A coroutine that finished normally closes with true.
co = coroutine.create(function() return 1 end)
print(coroutine.resume(co))
print(coroutine.resume(co))
print(coroutine.close(co))
