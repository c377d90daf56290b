-- Where a coroutine may yield: across metamethods, pcall, xpcall, __close,
-- iterators and __pairs, but not across C functions such as table.sort,
-- string.gsub or tostring.
local function run(name, f, ...)
  local co = coroutine.create(f)
  local out = {}
  local args = table.pack(...)
  for i = 1, 5 do
    local r = table.pack(coroutine.resume(co, table.unpack(args, 1, args.n)))
    for j = 1, r.n do r[j] = type(r[j]) == "table" and "tbl" or tostring(r[j]) end
    out[#out + 1] = table.concat(r, ",", 1, r.n)
    if coroutine.status(co) == "dead" then break end
    args = table.pack(i * 10)
  end
  print(name, table.concat(out, " | "), coroutine.status(co))
end
run("index", function() local t = setmetatable({}, {__index = function(t, k) return coroutine.yield(k) end}); return t.foo end)
run("newindex", function() local t = setmetatable({}, {__newindex = function(t, k, v) coroutine.yield(k, v) end}); t.a = 1; return "ok" end)
run("add", function() local t = setmetatable({}, {__add = function(a, b) return coroutine.yield("add") end}); return t + 1 end)
run("lt", function() local t = setmetatable({}, {__lt = function(a, b) return coroutine.yield("lt") end}); if t < t then return "yes" else return "no" end end)
run("le", function() local t = setmetatable({}, {__le = function(a, b) return coroutine.yield("le") end}); return t <= t end)
run("eq", function() local mt = {__eq = function(a, b) return coroutine.yield("eq") end}; local a, b = setmetatable({}, mt), setmetatable({}, mt); return a == b, a ~= b end)
run("concat", function() local t = setmetatable({}, {__concat = function(a, b) return coroutine.yield("cat") end}); return "x" .. t .. "y" end)
run("len", function() local t = setmetatable({}, {__len = function(a) return coroutine.yield("len") end}); return #t end)
run("call", function() local t = setmetatable({}, {__call = function(self, a) return coroutine.yield("call", a) end}); return t(5) end)
run("unm", function() local t = setmetatable({}, {__unm = function(a) return coroutine.yield("unm") end}); return -t end)
run("close", function() do local c <close> = setmetatable({}, {__close = function() coroutine.yield("close") end}) end; return "after" end)
run("sort", function() table.sort({3, 2, 1}, function(a, b) coroutine.yield("sort"); return a < b end) end)
run("gsub", function() return string.gsub("ab", ".", function(c) coroutine.yield(c) end) end)
run("tostring", function() return tostring(setmetatable({}, {__tostring = function() return coroutine.yield("ts") end})) end)
run("pcall", function() return pcall(function() local v = coroutine.yield("in pcall"); error(v) end) end)
run("xpcall", function() return xpcall(function() local v = coroutine.yield("in xpcall"); error(v) end, function(m) return "H" .. tostring(m) end) end)
run("iter", function() for k in function(s, c) if c < 2 then return coroutine.yield(c) + 1 end end, nil, 0 do end return "done" end)
run("require", function() return select('#', coroutine.yield()) end, 1, 2, 3)
run("pairs", function() for k, v in pairs(setmetatable({}, {__pairs = function(t) coroutine.yield("pairs"); return next, {1}, nil end})) do coroutine.yield(k, v) end end)
run("load", function() local f = load(function() return coroutine.yield("reader") end) return f end)
run("dofile", function() return select('#', dofile()) end)
run("wrapinside", function() local w = coroutine.wrap(function() coroutine.yield(1) end); w(); return coroutine.yield("outer") end)
run("isyield", function() return coroutine.isyieldable(), coroutine.running() ~= nil end)
run("closeself", function() return coroutine.close(coroutine.running()) end)
run("resumeself", function() return coroutine.resume(coroutine.running()) end)
run("index2", function() local t = setmetatable({}, {__index = setmetatable({}, {__index = function(t, k) return coroutine.yield("deep") end})}); return t.x end)
run("forprep", function() for i = 1, coroutine.yield("lim") do coroutine.yield(i) end end)
