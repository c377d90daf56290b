-- The numerical for loop (manual 3.3.5).

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
local function collect(a, b, c)
  local out = {}
  if c == nil then
    for i = a, b do out[#out + 1] = tostring(i) .. "/" .. math.type(i) end
  else
    for i = a, b, c do out[#out + 1] = tostring(i) .. "/" .. math.type(i) end
  end
  return table.concat(out, " ")
end

print(collect(1, 3))
print(collect(1, 0))
print(collect(3, 1, -1))
print(collect(1, 10, 3))
print(collect(10, 1, -4))
print(collect(1, 1))
print(collect(-2, 2))
print("ok integer loops")

-- float loops: initial value or step is a float
print(collect(1.0, 3))
print(collect(1, 3, 1.0))
print(collect(0, 1, 0.25))
print(collect(1, 0, -0.5))
print(collect(0.1, 0.35, 0.1))
print("ok float loops")

-- integer init/step with float limit: limit is converted (floor/ceil)
print(collect(1, 3.5))
print(collect(1, 3.9999))
print(collect(3, 0.5, -1))
print(collect(1, -0.5))
print(collect(-3, -1.5))
print("ok float limit")

-- limits out of integer range and infinities
local n = 0
for i = 1, math.huge do n = n + 1; if n == 5 then break end end
check(n == 5, "loop to huge")
n = 0
for i = 1, -math.huge do n = n + 1 end
check(n == 0, "loop to -huge")
n = 0
for i = -1, -math.huge, -1 do n = n + 1; if n == 3 then break end end
check(n == 3, "down to -huge")
n = 0
for i = 1, 2 ^ 70 do n = n + 1; if n == 3 then break end end
check(n == 3, "limit 2^70")
n = 0
for i = 1, 0 / 0 do n = n + 1 end
check(n == 0, "NaN limit: no iterations")
-- (not tested: a float loop with a NaN limit; the reference runs the body once,
--  although the manual says the loop runs while the value is <= the limit)
print("ok infinite limits")

-- loops near maxinteger/mininteger never wrap around
local maxi, mini = math.maxinteger, math.mininteger
print(collect(maxi - 2, maxi))
print(collect(mini + 2, mini, -1))
print(collect(maxi - 5, maxi, 2))
print(collect(mini, mini + 4, 3))
print(collect(maxi, maxi))
print(collect(mini, mini, -1))
n = 0
for i = maxi - 1, maxi, 10 do n = n + 1 end
check(n == 1, "large step near maxint")
n = 0
for i = 0, maxi, maxi do n = n + 1 end
check(n == 2, "step maxint")
n = 0
for i = mini, maxi, maxi do n = n + 1 end
check(n == 3, "from minint to maxint step maxint")
n = 0
for i = maxi, mini, mini do n = n + 1 end
check(n == 2, "step minint")
print("ok overflow-safe")

-- control expressions are evaluated once
local evals = 0
local function lim() evals = evals + 1; return 3 end
for i = 1, lim() do end
check(evals == 1, "limit evaluated once")
local limit = 3
n = 0
for i = 1, limit do limit = 10; n = n + 1 end
check(n == 3, "changing limit variable has no effect")
print("ok evaluated once")

-- control variable is local to the loop
local i = "outer"
for i = 1, 2 do end
check(i == "outer", "loop var is local")
-- assigning to it does not change iteration count
n = 0
for j = 1, 3 do j = j + 100; n = n + 1 end
check(n == 3, "assign to control var")
print("ok scope")

-- errors
print(run("for i = 1, 10, 0 do end"))
print(run("for i = 1.0, 10, 0.0 do end"))
print(run("for i = 1, 10, 0.0 do end"))
print(run("for i = 'a', 10 do end"))
-- the reference converts numeric strings in the control expressions; since the
-- initial value is then not an integer, the loop is done with floats
print(run("local s = '' for i = '1', 3 do s = s .. i .. ' ' end return s"))
print(run("for i = 1, 'x' do end"))
print(run("local s = '' for i = 1, '3' do s = s .. i .. ' ' end return s"))
print(run("for i = 1, 10, 'x' do end"))
print(run("for i = nil, 10 do end"))
print(run("local t = {} for i = 1, t do end"))
print(run("for i = 1, 10, {} do end"))
print("ok errors")

-- break and nested loops
local out = {}
for a = 1, 3 do
  for b = 1, 3 do
    if b > a then break end
    out[#out + 1] = a .. b
  end
end
print(table.concat(out, " "))
print("ok nested")

print("fails: " .. fails)
print("done")
