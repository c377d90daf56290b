-- debug.setlocal on a numeric for loop's hidden state: the loop goes on
-- from what was written, as the reference's does (the VM reads the
-- counters without testing their tags, and writes whole values back).
local function states(level)
  local idx = {}
  for n = 1, 50 do
    local name = debug.getlocal(level + 1, n)
    if not name then break end
    if name == "(for state)" then idx[#idx + 1] = n end
  end
  return idx
end
local seen = {}
for i = 1, 10 do
  seen[#seen + 1] = i
  if i == 3 then
    local s = states(1)
    assert(#s == 3)
    debug.setlocal(1, s[1], 100)   -- the index
    debug.setlocal(1, s[2], 2)     -- the count of iterations left
  end
end
print(table.concat(seen, " "))
local fseen = {}
for x = 0.5, 3.5, 0.5 do
  fseen[#fseen + 1] = x
  if x == 1.0 then
    local s = states(1)
    debug.setlocal(1, s[1], 2.5)   -- the float index
  end
end
print(table.concat(fseen, " "))
-- A count set to a non-number: the loop must stop or go on, never crash.
local n = 0
for i = 1, 3 do
  n = n + 1
  if i == 1 then
    local s = states(1)
    debug.setlocal(1, s[2], 0)
  end
end
print(n)
