-- The generic for loop (manual 3.3.5), pairs/ipairs/next based iteration.
-- Note: the closing value is only tested for loops that end normally; the
-- reference 5.4.4 differs from the 5.4.7 manual for some 'break' cases.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function run(src)
  local f, err = load(src, "=input")
  if not f then return "COMPILE: " .. err end
  local ok, e = pcall(f)
  if ok then return "OK " .. tostring(e) end
  return e
end

-- ipairs stops at the first nil
local out = {}
for i, v in ipairs({ "a", "b", nil, "d" }) do out[#out + 1] = i .. "=" .. v end
print(table.concat(out, " "))
out = {}
for i, v in ipairs({}) do out[#out + 1] = i end
check(#out == 0, "ipairs empty")
-- ipairs respects __index
local proxy = setmetatable({}, { __index = function(t, i) if i <= 3 then return i * 10 end end })
out = {}
for i, v in ipairs(proxy) do out[#out + 1] = v end
print(table.concat(out, " "))
print("ok ipairs")

-- pairs over a table (sorted for determinism)
local t = { 10, 20, 30, x = 1, y = 2, [true] = 3 }
local keys = {}
for k, v in pairs(t) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys)
print(table.concat(keys, " "))
-- __pairs metamethod
local mp = setmetatable({}, { __pairs = function(self)
  local i = 0
  return function(_, _) i = i + 1; if i <= 3 then return i, i * i end end, self, nil
end })
out = {}
for k, v in pairs(mp) do out[#out + 1] = k .. ":" .. v end
print(table.concat(out, " "))
print("ok pairs")

-- next directly
local only = { solo = 1 }
local k1, v1 = next(only)
check(k1 == "solo" and v1 == 1, "next first")
check(next(only, "solo") == nil, "next after last")
check(next({}) == nil, "next empty")
local count = 0
for k, v in next, { a = 1, b = 2, c = 3 } do count = count + v end
check(count == 6, "for with next")
print(run("return next({}, 'nokey')"))
print("ok next")

-- a hand written iterator: the state and control variable are passed
local function range(n)
  return function(state, control)
    if control < state then return control + 1 end
  end, n, 0
end
out = {}
for i in range(4) do out[#out + 1] = i end
print(table.concat(out, " "))
-- stateless iterator with several values
local function iter(s, c)
  c = c + 1
  if c <= #s then return c, string.sub(s, c, c), c * 2 end
end
out = {}
for i, ch, dbl in iter, "abc", 0 do out[#out + 1] = i .. ch .. dbl end
print(table.concat(out, " "))
print("ok custom iterators")

-- extra loop variables get nil
for a, b, c, d in range(1) do
  check(a == 1 and b == nil and c == nil and d == nil, "extra vars nil")
end
-- explist adjusted: extra values beyond four are discarded
local calls = 0
for i in function(s, c) calls = calls + 1; if c < 2 then return c + 1 end end, nil, 0, nil, "extra" do end
check(calls == 3, "iterator called until nil")
print("ok adjustment")

-- closing value: closed when the loop ends normally
local log = {}
local function closing_iter(n)
  local closer = setmetatable({}, { __close = function(_, err) log[#log + 1] = "closed err=" .. tostring(err) end })
  return function(s, c) if c < n then return c + 1 end end, nil, 0, closer
end
for i in closing_iter(2) do log[#log + 1] = "body " .. i end
print(table.concat(log, ", "))
-- closing value nil or false is ignored
for i in function(s, c) if c < 1 then return c + 1 end end, nil, 0, nil do end
for i in function(s, c) if not c then return 1 end end, nil, nil, false do end
-- (the internal variable name in this message differs between releases)
check(string.find(run("for i in function() end, nil, nil, 42 do end"), "got a non-closable value", 1, true), "non-closable 42")
check(string.find(run("for i in function() end, nil, nil, {} do end"), "got a non-closable value", 1, true), "non-closable {}")
print("ok closing value")

-- the control variable is a fresh local each iteration
local fns = {}
for i, v in ipairs({ "x", "y" }) do fns[i] = function() return v end end
check(fns[1]() == "x" and fns[2]() == "y", "fresh vars")
print("ok fresh")

-- errors
print(run("for i in 42 do end"))
print(run("local t = {} for k in t do end"))
print(run("for k, v in pairs(nil) do end"))
print(run("for k, v in ipairs() do end"))
print(run("local x for k in x do end"))
print("ok errors")

-- iterating with modification of existing fields is allowed
local m = { a = 1, b = 2, c = 3, d = 4 }
for k, v in pairs(m) do m[k] = v * 10 end
local s = 0
for _, v in pairs(m) do s = s + v end
check(s == 100, "modify during traversal")
-- clearing fields during traversal is allowed
for k in pairs(m) do m[k] = nil end
check(next(m) == nil, "clear during traversal")
print("ok modification")

print("fails: " .. fails)
print("done")
