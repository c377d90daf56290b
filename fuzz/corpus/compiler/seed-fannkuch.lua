-- fannkuch: fannkuch-redux over all permutations of 1..n (array indexing and
-- tight integer loops). Prints the checksum and the maximum flip count.
-- Usage: fannkuch.lua [n]   (default 10)
local N = tonumber(arg and arg[1]) or 10

local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  for i = 1, n do
    perm1[i] = i
  end
  local maxflips, checksum, sign = 0, 0, 1
  local r = n
  while true do
    while r ~= 1 do
      count[r] = r
      r = r - 1
    end
    -- count flips of a copy of the current permutation
    for i = 1, n do
      perm[i] = perm1[i]
    end
    local flips = 0
    local k = perm[1]
    while k ~= 1 do
      local lo, hi = 1, k
      while lo < hi do
        perm[lo], perm[hi] = perm[hi], perm[lo]
        lo = lo + 1
        hi = hi - 1
      end
      flips = flips + 1
      k = perm[1]
    end
    if flips > maxflips then
      maxflips = flips
    end
    checksum = checksum + sign * flips
    sign = -sign
    -- next permutation (rotation scheme of fannkuch-redux)
    while true do
      if r == n then
        return checksum, maxflips
      end
      local first = perm1[1]
      for i = 1, r do
        perm1[i] = perm1[i + 1]
      end
      perm1[r + 1] = first
      count[r + 1] = (count[r + 1] or 0) - 1
      if count[r + 1] > 0 then
        break
      end
      r = r + 1
    end
  end
end

local sum, flips = fannkuch(N)
print(string.format("%d\nPfannkuchen(%d) = %d", sum, N, flips))
