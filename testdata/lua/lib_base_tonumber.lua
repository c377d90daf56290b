-- tonumber with a base: signs, spaces, digits out of range and malformed
-- numerals.

local cases = {
  {"  +1Z  ", 36}, {"+1z", 36}, {"-1z", 36}, {"+10", 10}, {"+ff", 16},
  {"-ff", 16}, {"+", 10}, {"-", 10}, {"+-1", 10}, {"-+1", 10}, {"++1", 10},
  {"+ 1", 10}, {"- 1", 10}, {" \t+7\n", 8}, {"+8", 8}, {"+0", 2},
  {"1\0", 2}, {"", 8}, {"0xf", 16}, {"+7fffffffffffffff", 16},
  {"+8000000000000000", 16}, {"-8000000000000000", 16},
}
for _, c in ipairs(cases) do
  local r = tonumber(c[1], c[2])
  print(string.format("%q", c[1]), c[2], r, math.type(r))
end
print(pcall(tonumber, 10, 16))
print(pcall(tonumber, "10", 37))
print(pcall(tonumber, "10", 1.5))
