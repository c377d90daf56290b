local check = require('lib.check')
local show, try = check.show, check.try
-- §6.7: math.tointeger, math.ult, math.fmod, math.abs and friends at the
-- edges of the integer and float ranges, and wrong arguments.
local mi, ma = math.mininteger, math.maxinteger
for _, v in ipairs({0, -0.0, 3.0, 3.5, -3.0, 2^53, 2^63, -2^63, 1/0, -1/0, "8", "8.0", "x", {}, 0/0}) do
  try("tointeger " .. show(v), math.tointeger, v)
end
try("tointeger()", math.tointeger)
for _, p in ipairs({{1, 2}, {2, 1}, {-1, 1}, {1, -1}, {mi, ma}, {ma, mi}, {0, 0}, {-1, -2}}) do
  try("ult " .. p[1] .. " " .. p[2], math.ult, p[1], p[2])
end
try("ult float", math.ult, 1.0, 2)
try("ult bad float", math.ult, 1.5, 2)
try("ult string", math.ult, "1", 2)
try("ult()", math.ult)
local fm = {
  {7, 3}, {-7, 3}, {7, -3}, {-7, -3}, {7, 0}, {7, 0.0}, {mi, -1}, {mi, 1}, {ma, mi}, {mi, ma},
  {7.5, 2}, {-7.5, 2}, {7, 1/0}, {1/0, 2}, {-0.0, 1}, {0, -1}, {5.3, -0.0}, {2^53, 3},
  {"7", "3"}, {"7.0", 3},
}
for _, p in ipairs(fm) do
  try("fmod " .. show(p[1]) .. " " .. show(p[2]), function()
    local r = math.fmod(p[1], p[2])
    return r, math.type(r)
  end)
end
try("fmod nan", function() local r = math.fmod(1, 0/0) return r ~= r end)
try("fmod()", math.fmod)
try("fmod(1)", math.fmod, 1)
for _, v in ipairs({mi, ma, -0.0, -1/0, -3, -3.5}) do
  try("abs " .. show(v), function() local r = math.abs(v) return r, math.type(r) end)
end
for _, f in ipairs({"floor", "ceil"}) do
  for _, v in ipairs({3.5, -3.5, 2^63, -2^63, 1/0, -0.0, 5, mi, "2.5"}) do
    try(f .. " " .. show(v), function() local r = math[f](v) return r, math.type(r) end)
  end
  try(f .. " nan", function() local r = math[f](0/0) return r ~= r, math.type(r) end)
  try(f .. " bad", math[f], "x")
end
try("modf 3.5", math.modf, 3.5)
try("modf -3.5", math.modf, -3.5)
try("modf inf", math.modf, 1/0)
try("modf -inf", math.modf, -1/0)
try("modf int", math.modf, 5)
try("modf 2^63", math.modf, 2^63)
try("modf nan", function() local a, b = math.modf(0/0) return a ~= a, b ~= b end)
try("max()", math.max)
try("max mixed", function() local r = math.max(1, 2.0, 2) return r, math.type(r) end)
try("max mixed 2", function() local r = math.max(2, 2.0) return r, math.type(r) end)
try("min mixed", function() local r = math.min(1.0, 1) return r, math.type(r) end)
try("max nan first", function() local r = math.max(0/0, 1) return r ~= r end)
try("max nan later", math.max, 1, 0/0)
try("max bad", math.max, 1, "x")
try("max strings", math.max, "10", "9")
try("sqrt -1", function() local r = math.sqrt(-1) return r ~= r end)
try("log", math.log, 8, 2)
try("log 10", math.log, 1000, 10)
try("log base 1", math.log, 8, 1)
try("log 0", math.log, 0)
try("exp 0", math.exp, 0)
try("type", math.type, 1, 1.0, "1")
try("type values", function() return math.type(1), math.type(1.0), math.type("1"), math.type(nil) end)
try("type()", math.type)
try("pi huge", function() return math.pi, math.huge, -math.huge end)
try("int div", function() return mi // -1, mi % -1, 7 // 0.0, -7 // 0.0, 0/0 ~= 0/0 end)
try("int div zero", function() return 1 // 0 end)
try("int mod zero", function() return 1 % 0 end)
try("float mod", function() return 5.5 % -2, -5.5 % 2, 5 % 1/0, -5 % (1/0) end)
try("random(0)", function() return math.type(math.random(0)) end)
try("random(2,1)", math.random, 2, 1)
try("random(1,2,3)", math.random, 1, 2, 3)
try("random(1.5)", math.random, 1.5)
try("random(mi, ma)", function() return math.type(math.random(mi, ma)) end)
try("randomseed returns", function() return select("#", math.randomseed(42)) end)
try("randomseed repeat", function()
  math.randomseed(7, 3)
  local a = {math.random(100), math.random(100), math.random()}
  math.randomseed(7, 3)
  local b = {math.random(100), math.random(100), math.random()}
  return a[1] == b[1] and a[2] == b[2] and a[3] == b[3]
end)
try("randomseed bad", math.randomseed, "x")
