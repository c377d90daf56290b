-- Runtime error messages with variable descriptions (global, local, field,
-- method, upvalue, constant). Texts follow the reference implementation.

local function run(src)
  local f, err = load(src, "=input")
  if not f then return "COMPILE: " .. err end
  local ok, e = pcall(f)
  if ok then return "OK " .. tostring(e) end
  return tostring(e)
end
local function group(title, cases)
  print("-- " .. title)
  for _, c in ipairs(cases) do print(c .. "  =>  " .. run(c)) end
end

group("call", {
  "f()",
  "local f; f()",
  "local t = {} t.x()",
  "local t = {} t:foo()",
  "string.nope()",
  "local s = 'x'; s:nope()",
  "local t = {} t['a b']()",
  "local t = {} t[1]()",
  "return (1)()",
  "return ('s')()",
  "local up; return (function() up() end)()",
  "local t = setmetatable({}, {__index = function() return nil end}); t.m()",
  "local _ENV = {}; x()",
  "local t = {}; t.a.b()",
  "local t = {n = 1}; t.n()",
  "local b = true; b()",
})

group("index", {
  "local x = 1; x.y = 1",
  "local x = 1; return x.y",
  "return a.b",
  "local t = {} return t.x.y",
  "local t = {} t.x.y = 1",
  "return ('x').y.z",
  "local t = {}; return t[1][2]",
  "local up; return (function() return up.x end)()",
  "local a = {}; a.b.c.d = 1",
  "local k = 'key'; local t = {}; return t[k].z",
  "local t = {}; local i = 1; return t[i].z",
  "local t = {}; return t[true].z",
  "return _ENV.x.y",
  "local _ENV = {}; return x.y",
  "local t = {}; t.name:upper()",
  "local f = print; return f.x",
  "local b = false; b.x = 1",
})

group("arithmetic", {
  "return -a",
  "x = y + 1",
  "local t = {} return t.x + 1",
  "local t = {} return 1 + t.x",
  "return {} + 1",
  "local up; return (function() return up * 2 end)()",
  "local t = {} return t.a.b + 1",
  "local s = 'x' return s + 1",
  "local s = '10' return s + {}",
  "return 2 ^ 'x'",
  "local b = true; return b % 2",
  "local t = {}; return t // 1",
})

group("concat and length", {
  "local x; return 'a' .. x",
  "return nil .. 'x'",
  "local a = {}; return a .. a",
  "local t = {}; return t.k .. ''",
  "return #a",
  "local n = 3; return #n",
  "local t = {}; return #t.list",
})

group("compare", {
  "return 1 < {}",
  "local a; return a >= 1",
  "return 'a' <= 1",
  "return {} < {}",
  "return print > print",
})

group("misc", {
  "return next({}, 1)",
  "local t = {}; t[nil] = 1",
  "local t = {}; t[0/0] = 1",
  "rawset({}, 0/0, 1)",
  "local t = setmetatable({}, {__newindex = 1}); t.x = 1",
  "string.rep()",
  "('x'):rep()",
  "('x'):rep('y')",
  "return ('x'):sub({})",
  "return type(setmetatable({}, {__index = 'str'}).len)",
})

print("done")
