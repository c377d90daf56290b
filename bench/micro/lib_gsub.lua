-- string.gsub with a pattern, a capture and string/function replacements.
local s = ("the quick brown fox jumps over the lazy dog "):rep(20)
local n = 0
for i = 1, 20000 do
  local r, k = s:gsub("(%w+)", "<%1>")
  n = n + k + #r
  r, k = s:gsub("o", function(c) return "0" end)
  n = n + k
end
print(n)
