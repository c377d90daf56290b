local a, b, c = 1, 2.5, "s"
local function f(x, y, ...)
  local t = {...}
  t.n = select('#', ...)
  x = x * 2 + y // 3 - a % 4 ^ b / 1.5
  y = x & 0xff | y ~ 3 << 2 >> 1
  if x > 3 and y <= 7 or x ~= c then x = -x elseif not y then y = #t else c = c .. x .. y end
  for i = 10, 1, -2 do t[i] = i end
  for i = 1.0, 3 do t[#t+1] = i end
  local s = 0
  for k, v in next, t do s = s + (tonumber(v) or 0) end
  return s, t:concat(), f(x, y, ...)
end
local o = setmetatable({}, {__index = function(t, k) return k end})
print(o.foo, o[1], o[a], o["x" .. c])
o.x, o[1], o[b], o[c] = 1, 2.0, true, nil
return f(1, 2, 3, 4, 5)
