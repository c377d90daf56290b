-- strings: concatenation, string.format, gsub, find and gmatch with
-- patterns, rep, sub, upper/lower, byte and table.concat.
-- Usage: strings.lua [iterations]   (default 150000)
local N = tonumber(arg and arg[1]) or 150000

local format, gsub, find, sub, rep = string.format, string.gsub, string.find, string.sub, string.rep
local byte, upper, lower, gmatch = string.byte, string.upper, string.lower, string.gmatch
local concat = table.concat
local M = 2147483647

local words = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta" }

-- mix folds a string's length and a few of its bytes into the hash.
local function mix(h, s)
  local n = #s
  h = (h * 31 + n) % M
  if n > 0 then
    h = (h * 31 + byte(s, 1)) % M
    h = (h * 31 + byte(s, n)) % M
    h = (h * 31 + byte(s, math.floor((n + 1) / 2))) % M
  end
  return h
end

local h, total = 0, 0
local parts = {}
for i = 1, N do
  local w = words[i % 8 + 1]
  local s = w .. "-" .. i .. ":" .. rep("ab", i % 5) .. "/" .. upper(w)
  local f = format("%s|%5d|%-8s|%.3f|%x", s, i, words[(i * 3) % 8 + 1], i / 7, i)
  local g, digits = gsub(f, "%d", "#")
  local swapped = gsub(s, "(%a+)%-(%d+)", "%2=%1")
  local a, b, num = find(f, "|%s*(%d+)|")
  local piece = sub(f, 3, 10) .. sub(f, -6)
  local nwords = 0
  for word in gmatch(f, "%a+") do
    nwords = nwords + #word
  end
  h = mix(h, g)
  h = mix(h, swapped)
  h = mix(h, lower(piece))
  h = (h * 31 + digits + a + b + nwords + tonumber(num)) % M
  total = total + #f + #g
  parts[#parts + 1] = swapped
  if #parts == 64 then
    local joined = concat(parts, ",")
    local commas = select(2, gsub(joined, ",", ","))
    h = mix(h, joined)
    h = (h * 31 + commas) % M
    total = total + #joined
    parts = {}
  end
end

print(format("strings %d: total=%d hash=%d", N, total, h))
