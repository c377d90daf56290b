-- Table constructors (manual 3.4.9).

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = tostring(k) .. ":" .. type(k) end
  table.sort(ks)
  return table.concat(ks, " ")
end

-- manual example
local calls = {}
local function fn(v) calls[#calls + 1] = v; return "f" .. tostring(v) end
local xx = "X"
local a = { [fn(1)] = "g"; "x", "y"; x = 1, fn(xx), [30] = 23; 45 }
check(a["f1"] == "g", "[f(1)] = g")
check(a[1] == "x" and a[2] == "y", "positional 1 2")
check(a.x == 1, "x = 1")
check(a[3] == "fX", "3rd positional is f(x)")
check(a[30] == 23, "[30] = 23")
check(a[4] == 45, "4th positional")
print(sorted_keys(a))
print("ok manual example")

-- empty and trailing separators
check(next({}) == nil, "empty")
local t1 = { 1, 2, 3, }
local t2 = { 1; 2; 3; }
local t3 = { a = 1, b = 2, }
local t4 = { 1, a = 2; 3, }
check(#t1 == 3 and #t2 == 3, "trailing separator")
check(t3.a == 1 and t3.b == 2, "trailing separator named")
check(t4[1] == 1 and t4[2] == 3 and t4.a == 2, "mixed separators")
check(load("return {,}") == nil, "lone separator is an error")
check(load("return {1,,2}") == nil, "double separator is an error")
print("ok separators")

-- last expression expands, others truncate
local function three() return 1, 2, 3 end
local function none() end
local e1 = { three() }
local e2 = { three(), three() }
local e3 = { three(), 10 }
local e4 = { (three()) }
local e5 = { none() }
local e6 = { none(), 1 }
local e7 = { x = three() }
local e8 = { three(), x = 1 }   -- last field is not positional: truncated
local e9 = { [1] = "a", three() }
print(#e1, #e2, #e3, #e4, #e5, e6[1], e6[2], e7.x, #e8)
check(e9[1] == 1, "positional overrides [1]")
local function va(...) return { ... } end
check(#va() == 0 and #va(1, 2) == 2, "{...}")
local function va2(...) return { n = select("#", ...), ... } end
local p = va2(nil, nil)
check(p.n == 2, "n with nils")
print("ok expansion")

-- computed keys of every kind
local key = {}
local t = { [1] = "int", [2.0] = "float2", [2.5] = "float", ["s"] = "str", [true] = "bool", [key] = "tbl" }
check(t[1] == "int" and t[2] == "float2" and t[2.5] == "float", "numeric keys")
check(t.s == "str" and t[true] == "bool" and t[key] == "tbl", "other keys")
check(math.type(next({ [3.0] = 1 })) == "integer", "float key converted to integer")
print("ok computed keys")

-- nil values are allowed, nil keys are not
local n = { nil, nil, 3 }
check(n[3] == 3, "nil positional values")
local ok, err = pcall(load("return { [nil] = 1 }", "=input"))
print(ok, err)
ok, err = pcall(load("return { [0/0] = 1 }", "=input"))
print(ok, err)
local k = { [1] = nil }
check(next(k) == nil, "[1] = nil adds nothing")
print("ok nil")

-- nested constructors and functions
local tree = { value = 1, children = { { value = 2, children = {} }, { value = 3, children = { { value = 4, children = {} } } } } }
local function total(node)
  local s = node.value
  for _, c in ipairs(node.children) do s = s + total(c) end
  return s
end
check(total(tree) == 10, "nested")
local ops = { add = function(x, y) return x + y end, ["sub"] = function(x, y) return x - y end }
check(ops.add(2, 3) == 5 and ops.sub(5, 3) == 2, "functions in constructor")
print("ok nested")

-- each evaluation creates a new table
local function make() return {} end
check(make() ~= make(), "fresh tables")
local list = {}
for i = 1, 3 do list[i] = { i } end
check(list[1] ~= list[2] and list[2][1] == 2, "loop constructors")
print("ok fresh")

-- large constructors (more than one batch of list items)
local big = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
  21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
  41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, three() }
check(#big == 63 and big[63] == 3 and big[50] == 50, "large constructor " .. #big)
local src = { "return {" }
for i = 1, 1000 do src[#src + 1] = i .. "," end
src[#src + 1] = "}"
local huge = load(table.concat(src))()
check(#huge == 1000 and huge[1000] == 1000, "1000 element constructor")
print("ok large")

-- call sugar with constructors and strings
local function id(x) return x end
check(id { 1, 2 }[2] == 2, "f{...}")
check(id "str" == "str", "f'str'")
check(id [[long]] == "long", "f[[str]]")
check(#id { three() } == 3, "f{ three() }")
print("ok call sugar")

print("fails: " .. fails)
print("done")
