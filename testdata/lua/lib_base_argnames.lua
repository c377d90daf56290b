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
-- §6 (luaL_argerror): how a bad argument names the function: from the
-- call site (global, field, method, local), from the loaded modules
-- when there is no call site, with "calling 'f' on bad self" for methods.
try("direct field", function() table.insert(nil, 1) end)
try("direct field 2", function() string.rep() end)
try("local alias", function() local ins = table.insert; ins(nil, 1) end)
try("global alias", function() myinsert = table.insert; myinsert(nil, 1) end)
try("method on string", function() local s = "x"; return s:rep({}) end)
try("method bad self", function() local t = {rep = string.rep}; return t:rep(2) end)
try("method bad self 2", function() local f = io.stdout; return f.write({}, "x") end)
try("method self via colon", function() local t = setmetatable({}, {__index = {write = io.stdout.write}}); return t:write("x") end)
try("pcall no call site", pcall, string.rep)
try("upvalue alias", function()
  local sub = string.sub
  return (function() return sub() end)()
end)
try("table field alias", function() local t = {f = math.floor}; return t.f("x") end)
try("string key alias", function() local t = {}; t["odd name"] = math.abs; return t["odd name"]("x") end)
try("method on number", function() local n = 5; return n:foo() end)
try("arith on field", function() local t = {}; return t.x + 1 end)
try("arith on upvalue", function() local u; return (function() return u + 1 end)() end)
try("arith on global", function() return undefinedglobal + 1 end)
try("concat on local", function() local t = {}; return "a" .. t end)
try("call a nil field", function() local t = {}; t.missing() end)
try("call a nil method", function() local t = {}; t:missing() end)
try("call a nil global", function() missingfunction() end)
try("call a number", function() local n = 1; n() end)
try("index a nil local", function() local x; return x.y end)
try("index a nil field", function() local t = {}; return t.a.b end)
try("index a nil upvalue", function() local u; return (function() return u.x end)() end)
try("index via string key", function() local t = {}; return t["a b"].c end)
try("compare", function() return {} < 1 end)
try("compare same", function() return {} < {} end)
try("compare strings numbers", function() return "1" < 1 end)
try("bitwise float", function() return 1.5 | 1 end)
try("bitwise string", function() return "1.5" | 1 end)
try("bitwise string ok", function() return "3" | 4 end)
try("bitwise table", function() local t = {}; return t & 1 end)
try("length of number", function() local n = 1; return #n end)
try("unary minus table", function() local t = {}; return -t end)
try("for initial", function() for i = "a", 2 do end end)
try("for limit", function() for i = 1, {} do end end)
try("for step", function() for i = 1, 2, nil do end end)
try("for step zero", function() for i = 1, 2, 0 do end end)
try("integer overflow for", function() local n = 0; for i = math.maxinteger - 2, math.maxinteger do n = n + 1 end return n end)
try("float for", function() local n = 0; for i = 1, 2, 0.5 do n = n + 1 end return n end)
try("tostring ints floats", function()
  return tostring(1), tostring(1.0), tostring(-0.0), tostring(1e15), tostring(1e16), tostring(2^63),
    tostring(math.mininteger), tostring(1/0), tostring(0.1), tostring(100 // 1.0)
end)
try("string to number coercion", function() return "10" + 1, "0x10" + 0, "1e1" * 1, " 5 " - 1, "10" // "3" end)
try("coercion fail", function() return "abc" + 1 end)
try("int conversion", function() return 2^53 | 0, math.tointeger(2^53) end)
try("int conversion fail", function() return 2^64 | 0 end)
try("string.format %d float", function() return string.format("%d", 2^31) end)
