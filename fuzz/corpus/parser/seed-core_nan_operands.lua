-- NaN signs as the reference prints them (C's pow and fmod pass NaN
-- operands through, invalid operations give the x86 default NaN), and
-- which operand arithmetic and bitwise errors name.
local n = 0/0
local p = -n
print(n, p, n^1, p^1, n^2, n^3, n^4, n^5, n^-1, n^-2, n^0.5, p^0.5)
print(2^n, 2^p, n^n, (-8)^(1/3), (-2)^0.5, 0^-1, n^0, 1^n)
print(math.fmod(1, n), 1 % n, n % 2, math.huge % 2, 5 % math.huge, -5 % math.huge)
print(10.0 % 0, -(2^n), math.sqrt(-1))

local function e(src)
  local f = load(src, "=input")
  print(select(2, pcall(f)))
end
e("local s = '10' return s >> true")
e("local t = {} return ('x' .. 1) | t")
e("local b = true return b & '7'")
e("return 2.5 >> math.huge")
e("return math.huge & (math.huge - 1)")
e("local x, y = 1.5, 2.5 return x | y")
e("local x = 1 return x | 2.5")
e("return {} + 1")
e("local t = {} return 1 + t")
e("return math.fmod('x', true)")
e("return math.fmod(1, {})")
print("done")
