-- Metatables (manual 2.4): __index, __newindex, __call, __metatable,
-- __tostring, __name, getmetatable/setmetatable, raw access.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function run(src)
  local f, err = load(src, "=input")
  if not f then return "COMPILE: " .. err end
  local ok, e = pcall(f)
  if ok then return "OK " .. tostring(e) end
  return e
end

-- getmetatable / setmetatable basics
local t = {}
check(getmetatable(t) == nil, "no metatable")
local mt = {}
check(setmetatable(t, mt) == t, "setmetatable returns table")
check(getmetatable(t) == mt, "getmetatable")
setmetatable(t, nil)
check(getmetatable(t) == nil, "remove metatable")
check(getmetatable("abc").__index == string, "string metatable")
check(getmetatable(1) == nil and getmetatable(nil) == nil and getmetatable(print) == nil, "no mt for others")
print(run("return setmetatable(1, {})"))
print(run("return setmetatable({}, 1)"))
print(run("return setmetatable({})"))
print("ok get/set")

-- __metatable protects the metatable
local protected = setmetatable({}, { __metatable = "locked" })
check(getmetatable(protected) == "locked", "__metatable value returned")
local ok, err = pcall(setmetatable, protected, {})
print(ok, err)
ok, err = pcall(setmetatable, protected, nil)
print(ok, err)
local pf = setmetatable({}, { __metatable = false })
check(getmetatable(pf) == false, "__metatable false")
print(pcall(setmetatable, pf, {}))
print("ok __metatable")

-- __index with a table, chains of tables
local base = { greet = "hello", kind = "base" }
local mid = setmetatable({ kind = "mid" }, { __index = base })
local leaf = setmetatable({}, { __index = mid })
check(leaf.greet == "hello" and leaf.kind == "mid", "__index chain")
check(rawget(leaf, "greet") == nil, "rawget bypasses")
check(leaf.missing == nil, "missing through chain")
leaf.kind = "leaf"
check(leaf.kind == "leaf" and mid.kind == "mid", "own field shadows")
print("ok __index table")

-- __index with a function
local calls = {}
local dyn = setmetatable({ present = 1 }, { __index = function(tbl, key)
  calls[#calls + 1] = tostring(key)
  return key .. "!"
end })
check(dyn.present == 1, "present key no metamethod")
check(dyn.abc == "abc!" and dyn[1] == "1!", "function __index")
print(table.concat(calls, " "))
local two = setmetatable({}, { __index = function() return 1, 2 end })
local a, b = two.x
check(a == 1 and b == nil, "__index adjusted to one value")
-- __index function receives the original table
local self_seen
local sp = setmetatable({}, { __index = function(tbl) self_seen = tbl; return 0 end })
local _ = sp.q
check(self_seen == sp, "__index self")
-- __index is a callable table
local callable_index = setmetatable({}, { __call = function(self, tbl, key) return "called:" .. key end })
local ci = setmetatable({}, { __index = callable_index })
check(ci.z == nil, "__index table is indexed, not called")
print("ok __index function")

-- __index loops are detected
local l1, l2 = {}, {}
setmetatable(l1, { __index = l2 })
setmetatable(l2, { __index = l1 })
ok, err = pcall(function() return l1.x end)
check(not ok and string.find(err, "'__index' chain too long", 1, true), "index loop: " .. tostring(err))
print("ok __index loop")

-- __newindex with a function and rawset
local store = {}
local logged = setmetatable({}, { __newindex = function(tbl, k, v)
  store[#store + 1] = k .. "=" .. tostring(v)
  rawset(tbl, k, v)
end })
logged.x = 1
logged.x = 2       -- existing key: no metamethod
logged.y = nil
print(table.concat(store, " "), logged.x)
-- __newindex with a table redirects the assignment
local target = {}
local redirect = setmetatable({}, { __newindex = target })
redirect.a = 10
check(rawget(redirect, "a") == nil and target.a == 10, "__newindex table")
-- chained __newindex through tables
local final = {}
local middle = setmetatable({}, { __newindex = final })
local front = setmetatable({}, { __newindex = middle })
front.k = "v"
check(final.k == "v" and rawget(middle, "k") == nil, "__newindex chain")
-- read-only table
local ro = setmetatable({}, { __index = { a = 1 }, __newindex = function(t, k) error("read-only field " .. k, 2) end })
ok, err = pcall(function() ro.b = 2 end)
check(not ok and string.find(err, "read-only field b", 1, true), "read-only")
check(ro.a == 1, "read-only read")
rawset(ro, "b", 2)
check(ro.b == 2, "rawset bypasses __newindex")
print("ok __newindex")

-- __call
local callee = setmetatable({ name = "obj" }, { __call = function(self, x, y)
  return self.name, x, y
end })
print(callee(1, 2))
print(callee())
local multi = setmetatable({}, { __call = function(self, ...) return select("#", ...), ... end })
print(multi("a", nil, "c"))
print(pcall(multi, "p"))
-- chained __call: the metavalue is itself a callable table
local inner = setmetatable({}, { __call = function(self, outer, x) return "inner got " .. tostring(x) end })
local chained = setmetatable({}, { __call = inner })
print(chained(5))
-- method call on callable value
local holder = { m = callee }
print(holder.m("via field"))
print(run("local t = setmetatable({}, {}); return t()"))
print(run("local t = {}; t()"))
print("ok __call")

-- __tostring and __name
local named = setmetatable({}, { __tostring = function(self) return "I am named" end })
print(tostring(named), string.format("%s", named))
local badts = setmetatable({}, { __tostring = function() return {} end })
print(pcall(tostring, badts))
local typed = setmetatable({}, { __name = "MyType" })
check(string.sub(tostring(typed), 1, 8) == "MyType: ", "__name in tostring")
print(run("local x = setmetatable({}, {__name = 'MyType'}); return x + 1"))
print(run("local x = setmetatable({}, {__name = 'MyType'}); return x < x"))
print(run("local x = setmetatable({}, {__name = 'MyType'}); return x()"))
print(run("local x = setmetatable({}, {__name = 'MyType'}); return x .. 'a'"))
print(run("local x = setmetatable({}, {__name = 42}); return x + 1"))
print("ok __tostring and __name")

-- metamethods are looked up raw in the metatable
local meta_with_index = setmetatable({}, { __index = { __index = function() return "never" end } })
local raw_lookup = setmetatable({}, meta_with_index)
check(raw_lookup.x == nil, "metamethod lookup is raw")
print("ok raw lookup")

-- rawequal, rawlen, rawget, rawset
local eqmt = { __eq = function() return true end }
local e1, e2 = setmetatable({}, eqmt), setmetatable({}, eqmt)
check(e1 == e2 and not rawequal(e1, e2), "rawequal ignores __eq")
check(rawget(setmetatable({}, { __index = function() return 1 end }), "x") == nil, "rawget")
print(run("return rawget(1, 'x')"))
print(run("return rawset({}, nil, 1)"))
print(run("return rawset(1, 1, 1)"))
print("ok raw functions")

print("fails: " .. fails)
print("done")
