-- string.format with integers, floats, strings and %q.
local n = 0
for i = 1, 300000 do
  local s = string.format("%d %5.2f %s %x %-8s|%g", i, i / 3, "item", i, "ab", i * 0.5)
  n = n + #s
  n = n + #string.format("%q", "line\n" .. i)
end
print(n)
