-- Ephemeron tables (weak keys, strong values, §2.5.4): a value counts as
-- reachable only through its key, so entries whose values refer to their
-- own keys (directly, through a closure, or in a chain) go away at a full
-- collection; entries whose keys are alive stay.
local t = setmetatable({}, {__mode = "k"})
do
  local k1 = {}
  t[k1] = {ref = k1}          -- value refers to its key
  local k2 = {}
  t[k2] = function() return k2 end
  local a, b = {}, {}
  t[a] = b t[b] = a           -- a chain
end
local keep = {}
t[keep] = {keep}
collectgarbage()
local n = 0
for k, v in pairs(t) do n = n + 1 assert(k == keep and v[1] == keep) end
print(n, t[keep][1] == keep)
-- weak values and fully weak tables are unaffected
local wv = setmetatable({}, {__mode = "v"})
wv[1] = {} wv[2] = keep
collectgarbage()
print(wv[1], wv[2] == keep)
