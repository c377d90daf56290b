-- A metamethod removed from a metatable and then set again (the same
-- key coming back) must be seen again by every operation.

local function try(f, ...)
  local ok, res = pcall(f, ...)
  if ok then return res end
  return "error: " .. tostring(res):gsub("^.-:%d+: ", "")
end

local mt = {__eq = true}
local a = setmetatable({10}, mt)
local b = setmetatable({10}, mt)
mt.__eq = nil
print("eq without", a == b)
mt.__eq = function (x, y) return x[1] == y[1] end
print("eq again", a == b)

local m = {}
local v = setmetatable({}, m)
local events = {
  {"__add", function (x) return x + 1 end},
  {"__concat", function (x) return x .. "s" end},
  {"__len", function (x) return #x end},
  {"__unm", function (x) return -x end},
  {"__index", function (x) return x.field end},
  {"__call", function (x) return x() end},
  {"__lt", function (x) return x < x end},
  {"__bnot", function (x) return ~x end},
}
for _, e in ipairs(events) do
  local name, op = e[1], e[2]
  m[name] = function () return name .. " 1" end
  print(name, try(op, v))
  m[name] = nil
  print(name, try(op, v))
  m[name] = function () return name .. " 2" end
  print(name, try(op, v))
  rawset(m, name, nil)
  print(name, try(op, v))
  rawset(m, name, function () return name .. " 3" end)
  print(name, try(op, v))
end

-- __newindex coming back
local store = {}
local n = setmetatable({}, m)
m.__newindex = store
n.x = 1
m.__newindex = nil
n.y = 2
m.__newindex = store
n.z = 3
print(rawget(n, "x"), rawget(n, "y"), rawget(n, "z"), store.x, store.y, store.z)

-- __tostring and __name through tostring
local o = setmetatable({}, m)
m.__tostring = function () return "first" end
print(tostring(o))
m.__tostring = nil
print((tostring(o):gsub("0x%x+", "ADDR"):gsub(": [%x]+$", ": ADDR")))
m.__tostring = function () return "second" end
print(tostring(o))
