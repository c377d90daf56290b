local function show(v)
  local t = type(v)
  if t == "table" or t == "function" or t == "thread" or t == "userdata" then
    return t
  end
  if t == "string" then return string.format("%q", v) end
  if math.type(v) == "float" then return string.format("%.17g", v) end
  return tostring(v)
end

local function try(label, f, ...)
  local r = table.pack(pcall(f, ...))
  local out = {}
  for i = 1, r.n do out[#out + 1] = show(r[i]) end
  print(label, table.concat(out, " | "))
end
-- §6.6: table.move with overlaps, limits and metamethods; the other table
-- functions with wrong arguments.
local function dump(t, n)
  local out = {}
  for i = 1, n do out[#out + 1] = tostring(t[i]) end
  return table.concat(out, ",")
end
local function mk() return {1, 2, 3, 4, 5, 6, 7, 8} end
local cases = {
  {1, 3, 2}, {2, 4, 1}, {1, 8, 3}, {3, 8, 1}, {1, 3, 6}, {5, 8, 4}, {1, 0, 3}, {4, 3, 1},
  {1, 8, 1}, {-1, 2, 3}, {0, 2, 3},
}
for _, c in ipairs(cases) do
  try(string.format("move(%d,%d,%d)", c[1], c[2], c[3]), function()
    local t = mk()
    local r = table.move(t, c[1], c[2], c[3])
    return r == t, dump(t, 10)
  end)
end
try("move to other", function()
  local a, b = mk(), {}
  local r = table.move(a, 2, 4, 1, b)
  return r == b, dump(b, 4), dump(a, 8)
end)
try("move big range", table.move, {}, 1, math.maxinteger, 2)
try("move neg start", table.move, {}, math.mininteger, 0, 1)
try("move dest wrap", table.move, {}, 1, 2, math.maxinteger)
try("move dest max ok", table.move, {}, 1, 1, math.maxinteger)
try("move empty max", table.move, {}, math.maxinteger, math.maxinteger - 1, 1)
try("move bad a1", table.move, 1, 1, 1, 1)
try("move bad f", table.move, {}, "x", 1, 1)
try("move bad a2", table.move, {}, 1, 1, 1, 2)
try("move missing", table.move, {}, 1, 1)
try("move meta", function()
  local log = {}
  local src = setmetatable({}, {__index = function(_, k) log[#log + 1] = "get" .. k; return k * 10 end})
  local dst = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = "set" .. k .. "=" .. v; rawset(t, k, v) end})
  table.move(src, 1, 3, 2, dst)
  return table.concat(log, " ")
end)
try("move meta overlap backwards", function()
  local log = {}
  local t = setmetatable({}, {__index = function(_, k) log[#log + 1] = "g" .. k; return k end,
                              __newindex = function(t, k, v) log[#log + 1] = "s" .. k; rawset(t, k, v) end})
  table.move(t, 1, 3, 2)
  return table.concat(log, " ")
end)
try("insert()", table.insert)
try("insert(nil, 1)", table.insert, nil, 1)
try("insert({})", table.insert, {})
try("insert({}, 1, 2, 3)", table.insert, {}, 1, 2, 3)
try("insert pos 0", table.insert, {}, 0, 1)
try("insert pos 2 of empty", table.insert, {}, 2, 1)
try("insert pos 1 of empty", function() local t = {}; table.insert(t, 1, "a"); return t[1] end)
try("insert pos n+1", function() local t = {1}; table.insert(t, 2, "a"); return dump(t, 2) end)
try("insert pos x", table.insert, {}, "x", 1)
try("insert pos float", table.insert, {1}, 1.5, 1)
try("remove()", table.remove)
try("remove({})", table.remove, {})
try("remove({}, 0)", table.remove, {}, 0)
try("remove({}, 1)", table.remove, {}, 1)
try("remove({}, 2)", table.remove, {}, 2)
try("remove({}, -1)", table.remove, {}, -1)
try("remove({1}, 2)", table.remove, {1}, 2)
try("remove({1}, 3)", table.remove, {1}, 3)
try("remove({1,2,3}, 1)", function() local t = {1, 2, 3}; return table.remove(t, 1), dump(t, 3) end)
try("remove n+1", function() local t = {1, 2}; return table.remove(t, 3), #t end)
try("remove #t==0 with t[0]", function() local t = {[0] = "z"}; return table.remove(t, 0), t[0] end)
try("concat()", table.concat)
try("concat bad value", table.concat, {1, {}, 3})
try("concat bad value idx", table.concat, {1, 2, 3, true}, ",", 2, 4)
try("concat sep number", table.concat, {1, 2}, 3)
try("concat range", table.concat, {1, 2, 3, 4}, "-", 2, 3)
try("concat empty range", table.concat, {1, 2}, "-", 3, 2)
try("concat floats", table.concat, {1.5, 2, -0.0, 1e100}, " ")
try("concat bad sep", table.concat, {}, {})
try("concat nil hole", table.concat, {1, nil, 3}, ",", 1, 3)
try("unpack()", table.unpack)
try("unpack range", table.unpack, {1, 2, 3}, 2)
try("unpack range 2", table.unpack, {1, 2, 3}, -1, 1)
try("unpack empty", table.unpack, {}, 1, 0)
try("unpack too many", table.unpack, {}, 1, 1e7)
try("unpack too many 2", table.unpack, {}, math.mininteger, math.maxinteger)
try("unpack max", table.unpack, {}, math.maxinteger, math.maxinteger)
try("pack", function() local t = table.pack(1, nil, 3) return t.n, t[1], t[2], t[3] end)
try("pack none", function() local t = table.pack() return t.n, #t end)
try("sort bad", table.sort, 1)
try("sort bad cmp", table.sort, {3, 2, 1}, 1)
try("sort mixed", table.sort, {3, "a", 1})
try("sort invalid order", function() table.sort({5, 4, 3, 2, 1, 6, 7, 8, 9, 10, 11, 12}, function(a, b) return true end) end)
try("sort with nil cmp", function() local t = {3, 1, 2}; table.sort(t, nil); return dump(t, 3) end)
