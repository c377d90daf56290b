-- The NaN results of math functions outside their domain, as lua5.4 on
-- x86-64 glibc prints them: asin, acos and log10 give "nan", sqrt and log
-- give "-nan", and a NaN argument comes back unchanged (0/0 is "-nan",
-- -(0/0) is "nan").
local xs = {-2, 2, -1/0, 1/0, 0/0, -(0/0), -0.5, 0.5, 1, -1, 0, -0.0, 1e308, -1e308}
for _, x in ipairs(xs) do
  print(x, math.asin(x), math.acos(x), math.log(x, 10), math.log10(x),
    math.log(x), math.log(x, 2), math.log(x, 3), math.sqrt(x), math.atan(x))
end
