-- wordfreq.lua: counts words of a text and prints the ten most frequent.

local text = [[
It was the best of times, it was the worst of times, it was the age of
wisdom, it was the age of foolishness, it was the epoch of belief, it was
the epoch of incredulity, it was the season of Light, it was the season of
Darkness, it was the spring of hope, it was the winter of despair, we had
everything before us, we had nothing before us, we were all going direct to
Heaven, we were all going direct the other way - in short, the period was so
far like the present period, that some of its noisiest authorities insisted
on its being received, for good or for evil, in the superlative degree of
comparison only.
]]

local counts = {}
local total = 0
for word in text:gmatch("%a+") do
  word = word:lower()
  counts[word] = (counts[word] or 0) + 1
  total = total + 1
end

local words = {}
for word in pairs(counts) do words[#words + 1] = word end
-- most frequent first; ties broken alphabetically so the output is stable
table.sort(words, function(x, y)
  if counts[x] ~= counts[y] then return counts[x] > counts[y] end
  return x < y
end)

print(string.format("%d words, %d distinct", total, #words))
for i = 1, 10 do
  local w = words[i]
  print(string.format("%2d. %-10s %3d %s", i, w, counts[w], string.rep("*", counts[w])))
end
