local check = require('lib.check')
local show, try = check.show, check.try
-- §6.6: the table functions go through __index, __newindex and __len;
-- what they do with a __len that is not an integer, and with proxies.
local function proxy(n)
  local store, log = {}, {}
  for i = 1, n do store[i] = i * 10 end
  local t = setmetatable({}, {
    __index = function(_, k) log[#log + 1] = "r" .. tostring(k); return store[k] end,
    __newindex = function(_, k, v) log[#log + 1] = "w" .. tostring(k); store[k] = v end,
    __len = function() log[#log + 1] = "#"; return n end,
  })
  return t, log, store
end
try("insert end", function() local t, log = proxy(3); table.insert(t, 99); return table.concat(log, " ") end)
try("insert middle", function() local t, log = proxy(3); table.insert(t, 2, 99); return table.concat(log, " ") end)
try("remove end", function() local t, log = proxy(3); local v = table.remove(t); return v, table.concat(log, " ") end)
try("remove first", function() local t, log = proxy(3); local v = table.remove(t, 1); return v, table.concat(log, " ") end)
try("concat", function() local t, log = proxy(3); local s = table.concat(t, ","); return s, table.concat(log, " ") end)
try("unpack", function() local t, log = proxy(3); return select("#", table.unpack(t)), table.concat(log, " ") end)
try("sort", function()
  local t, log, store = proxy(3)
  store[1], store[2], store[3] = 3, 1, 2
  table.sort(t)
  return store[1], store[2], store[3]
end)
try("len float", function() local t = setmetatable({}, {__len = function() return 2.0 end}); return table.unpack(t) end)
try("len bad float", function() local t = setmetatable({}, {__len = function() return 2.5 end}); return table.insert(t, 1) end)
try("len string", function() local t = setmetatable({}, {__len = function() return "3" end}); return table.concat(t) end)
try("len bad string", function() local t = setmetatable({}, {__len = function() return "x" end}); return table.remove(t) end)
try("len nil", function() local t = setmetatable({}, {__len = function() return nil end}); return table.unpack(t) end)
try("# operator meta", function() local t = setmetatable({}, {__len = function() return "x" end}); return #t end)
try("ipairs stops at nil via __index", function()
  local t = setmetatable({}, {__index = function(_, k) if k < 4 then return k end end})
  local n = 0
  for i, v in ipairs(t) do n = n + v end
  return n
end)
try("next on proxy", function() local t = proxy(3); return next(t) end)
try("pairs __pairs", function()
  local t = setmetatable({}, {__pairs = function(t) return function(_, k) if not k then return 1, "one" end end, t, nil end})
  local out = {}
  for k, v in pairs(t) do out[#out + 1] = k .. "=" .. v end
  return table.concat(out, ",")
end)
try("move with proxies", function()
  local a, la = proxy(3)
  local b, lb = proxy(0)
  table.move(a, 1, 3, 1, b)
  return table.concat(la, " "), table.concat(lb, " ")
end)
try("insert wrong number of arguments", table.insert, {}, 1, 2, 3)
try("insert position out of bounds", function() local t, log = proxy(3); table.insert(t, 5, 1) end)
try("string len meta ignored", function() return #setmetatable({}, {__len = function() return 7 end}), rawlen({1, 2}) end)
