-- Stack overflow is a catchable error (manual 2.3 / 4.1.1 limits).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function has(s, sub) return type(s) == "string" and string.find(s, sub, 1, true) ~= nil end

-- infinite non-tail recursion
local function rec(n) return 1 + rec(n + 1) end
local ok, err = pcall(rec, 1)
check(not ok and has(err, "stack overflow"), "plain recursion: " .. tostring(err))
print("ok recursion")

-- recursion through a metamethod
local mt = {}
mt.__index = function(t, k) return t[k .. "x"] end
local obj = setmetatable({}, mt)
ok, err = pcall(function() return obj.a end)
check(not ok and has(err, "stack overflow"), "__index recursion: " .. tostring(err))
print("ok metamethod recursion")

-- recursion with many arguments and locals
local function fat(a, b, c, d, e, f, g, h)
  local x1, x2, x3, x4, x5, x6, x7, x8 = a, b, c, d, e, f, g, h
  return fat(x1, x2, x3, x4, x5, x6, x7, x8) + 1
end
ok, err = pcall(fat, 1, 2, 3, 4, 5, 6, 7, 8)
check(not ok and has(err, "stack overflow"), "fat frames")
print("ok fat frames")

-- recursion through pcall itself
local function viapcall(n)
  local ok2, e2 = pcall(viapcall, n + 1)
  if not ok2 then error(e2, 0) end
  return e2
end
ok, err = pcall(viapcall, 1)
check(not ok and (has(err, "stack overflow") or has(err, "error in error handling")), "via pcall: " .. tostring(err))
print("ok recursion via pcall")

-- the interpreter is usable after an overflow
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
check(depth(5000) == 5000, "usable after overflow")
-- and deep (but finite) recursion still works
check(depth(15000) == 15000, "depth 15000")
print("ok recovery")

-- a coroutine that overflows reports the error through resume
local co = coroutine.create(function() return rec(1) end)
local okc, errc = coroutine.resume(co)
check(not okc and has(errc, "stack overflow"), "coroutine overflow")
check(coroutine.status(co) == "dead", "dead after overflow")
print("ok coroutine overflow")

-- deeply nested data built iteratively and walked recursively
local list = nil
for i = 1, 5000 do list = { next = list, v = i } end
local function len(l) if l == nil then return 0 end return 1 + len(l.next) end
check(len(list) == 5000, "walk 5000")
print("ok nested data")

-- error message of the overflow with a string position (from a loaded chunk)
local f = load("local function r() return 1 + r() end; return r()", "=input")
ok, err = pcall(f)
check(has(err, "input:1: stack overflow"), "position prefix: " .. tostring(err))
print("ok message")

print("fails: " .. fails)
print("done")
