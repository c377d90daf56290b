-- string.find: plain, with a class pattern, anchored, with captures.
local s = ("lorem ipsum dolor sit amet, consectetur adipiscing elit "):rep(4)
local n = 0
for i = 1, 300000 do
  if s:find("elit", 1, true) then n = n + 1 end
  local a, b = s:find("%d+")
  if not a then n = n + 1 end
  local _, _, w = s:find("^(%a+)")
  n = n + #w
end
print(n)
