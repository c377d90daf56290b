-- s:byte and s:sub in loops: a checksum over every byte of a string, then
-- over every 3-byte substring, the way a hand-written tokenizer walks its
-- input.
local s = string.rep("The quick brown fox jumps over the lazy dog. ", 200)
local n = #s
local h = 0
for round = 1, 600 do
  for i = 1, n do
    h = (h * 31 + s:byte(i)) % 2147483647
  end
  for i = 1, n - 2, 3 do
    local t = s:sub(i, i + 2)
    if t == "fox" then h = h + round end
  end
end
print(h)
