-- Method calls on strings (through the string metatable's __index):
-- upper, len, rep, reverse and format on short strings.
local words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
local total = 0
for round = 1, 1000000 do
  local w = words[round % 8 + 1]
  total = total + w:upper():len() + w:rep(2):len() + #w:reverse()
  total = total + #("%s-%d"):format(w, round % 100)
end
print(total)
