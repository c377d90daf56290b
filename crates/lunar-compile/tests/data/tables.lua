-- table constructors: list items, records, batches of 50, open calls
local a = {}
local b = {1, 2, 3}
local c = {x = 1, y = 2, [3] = 3, ["z"] = 4, [1.5] = 5, [true] = 6}
local d = {1, x = 2, 3, y = 4, ...}
local e = {f(), f()}
local g = {[f()] = f()}
local h = {
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
  21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38,
  39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, f(),
}
local i = {{}, {{}}, {x = {y = {}}}}
return a, b, c, d, e, g, h, i
