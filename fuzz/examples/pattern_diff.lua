-- The lua5.4 side of pattern_diff.rs: prints string.find's results for
-- each pattern corpus file given, in the same format.
local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
for _, file in ipairs(arg) do
  local f = assert(io.open(file, "rb"))
  local data = f:read("a")
  f:close()
  local line
  if #data < 3 then
    line = "short"
  else
    local plen, rlen, init = data:byte(1, 3)
    local rest = data:sub(4)
    local pat = rest:sub(1, plen)
    rest = rest:sub(#pat + 1)
    local src = rest:sub(math.min(rlen, #rest) + 1)
    init = math.min(init, #src)
    local r = table.pack(pcall(string.find, src, pat, init + 1))
    if not r[1] then
      line = "error " .. tostring(r[2])
    elseif r[2] == nil then
      line = "nil"
    else
      local parts = {}
      for i = 2, r.n do
        local v = r[i]
        if i <= 3 then parts[#parts + 1] = tostring(v)
        elseif type(v) == "string" then parts[#parts + 1] = "s:" .. hex(v)
        else parts[#parts + 1] = "p:" .. tostring(v) end
      end
      line = table.concat(parts, " ")
    end
  end
  print((file:match("[^/]+$")) .. " " .. line)
end
