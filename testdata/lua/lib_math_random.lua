-- math.random / math.randomseed (manual 6.7): xoshiro256** sequences must be
-- reproduced exactly for a given seed.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end

-- randomseed returns the two seed components
print(math.randomseed(42))
print(math.randomseed(42, 7))
print(math.randomseed(-1, math.mininteger))
print(math.randomseed(0))
print("ok randomseed results")

-- a fixed sequence of floats
math.randomseed(42)
local floats = {}
for i = 1, 10 do floats[i] = string.format("%.17g", math.random()) end
print(table.concat(floats, " "))

-- integers in ranges
math.randomseed(42)
local ints = {}
for i = 1, 20 do ints[i] = math.random(100) end
print(table.concat(ints, " "))
ints = {}
for i = 1, 20 do ints[i] = math.random(-5, 5) end
print(table.concat(ints, " "))
ints = {}
for i = 1, 5 do ints[i] = math.random(0) end
print(table.concat(ints, " "))
ints = {}
for i = 1, 5 do ints[i] = math.random(math.mininteger, math.maxinteger) end
print(table.concat(ints, " "))
ints = {}
for i = 1, 5 do ints[i] = math.random(1, 2^40) end
print(table.concat(ints, " "))
ints = {}
for i = 1, 5 do ints[i] = math.random(7, 7) end
print(table.concat(ints, " "))
print("ok sequences")

-- two-component seed
math.randomseed(123, 456)
local two = {}
for i = 1, 5 do two[i] = math.random(1000) end
print(table.concat(two, " "))
math.randomseed(123)
local one = {}
for i = 1, 5 do one[i] = math.random(1000) end
print(table.concat(one, " "))
print("ok two seeds")

-- same seed, same sequence; reseeding with the returned components repeats it
math.randomseed(2024)
local s1 = {}
for i = 1, 50 do s1[i] = math.random(1, 1000000) end
local a, b = math.randomseed(2024)
local same = true
for i = 1, 50 do if math.random(1, 1000000) ~= s1[i] then same = false end end
check(same, "same seed same sequence")
math.randomseed(a, b)
check(math.random(1, 1000000) == s1[1], "returned components repeat the sequence")
print("ok repeatability")

-- ranges are respected
math.randomseed(7)
local okrange = true
for i = 1, 2000 do
  local r = math.random(3, 9)
  if r < 3 or r > 9 or math.type(r) ~= "integer" then okrange = false end
  local f = math.random()
  if f < 0 or f >= 1 or math.type(f) ~= "float" then okrange = false end
end
check(okrange, "ranges")
-- every value of a small range appears
local seen = {}
for i = 1, 200 do seen[math.random(4)] = true end
check(seen[1] and seen[2] and seen[3] and seen[4], "all values appear")
print("ok ranges")

-- float arguments with integral values are accepted
math.randomseed(42)
local x = math.random(10.0)
math.randomseed(42)
check(x == math.random(10), "float argument")
print("ok float arguments")

-- errors
print(pcall(math.random, 0, -1))
print(pcall(math.random, 2, 1))
print(pcall(math.random, -1))
print(pcall(math.random, 1, 2, 3))
print(pcall(math.random, 1.5))
print(pcall(math.random, "x"))
print("ok errors")

print("fails: " .. fails)
print("done")
