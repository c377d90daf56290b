-- math.random sequences (manual 6.7): the reference's xoshiro256**, its
-- seeding from one or two integers, floats from the top 53 bits and the
-- projection of integers into intervals, for many seeds and intervals.
for _, seed in ipairs{{0}, {1}, {42}, {-1}, {123456789}, {math.maxinteger}, {math.mininteger}, {7, 9}, {-5, -6}, {3.0}} do
  print(math.randomseed(table.unpack(seed)))
  local out = {}
  for i = 1, 4 do out[#out+1] = math.random(0) end
  for i = 1, 3 do out[#out+1] = math.random() end
  out[#out+1] = math.random(1, 100)
  out[#out+1] = math.random(10)
  out[#out+1] = math.random(math.mininteger, math.maxinteger)
  out[#out+1] = math.random(0, 2^40)
  out[#out+1] = math.random(-5, 5)
  out[#out+1] = math.random(3, 3)
  out[#out+1] = math.random(1, 3)
  out[#out+1] = math.random(0, 6)
  out[#out+1] = math.random(1, 1000000007)
  out[#out+1] = math.random(-2^62, 2^62 + 12345)
  out[#out+1] = math.random(math.maxinteger)
  out[#out+1] = math.random(math.mininteger, -1)
  out[#out+1] = math.random(3.0)
  print(table.concat(out, " "))
end
math.randomseed(42)
print(math.random(1, 100), math.random(), math.random(10))
math.randomseed(123)
local t = {}
for i = 1, 40 do t[i] = math.random(i) end
print(table.concat(t, " "))
local counts = {0, 0, 0, 0, 0, 0}
for i = 1, 6000 do local r = math.random(6) counts[r] = counts[r] + 1 end
print(table.concat(counts, " "))
print(pcall(math.random, 0, -1), pcall(math.random, math.maxinteger, math.mininteger))
print(pcall(math.random, 1, 2, 3), pcall(math.random, 1.5), pcall(math.random, "x"), pcall(math.random, nil))
print(math.random(math.maxinteger, math.maxinteger), math.random(math.mininteger, math.mininteger))
print(pcall(math.randomseed, "x"), pcall(math.randomseed, 1, 2.5), pcall(math.randomseed, 1.5))
local a, b = math.randomseed()
print(math.type(a), math.type(b))
local r = math.random()
print(r >= 0 and r < 1)
