-- The lua5.4 side of format_diff.rs: prints each conversion's result for
-- each format corpus file given, in the same format.
local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
for _, file in ipairs(arg) do
  local f = assert(io.open(file, "rb"))
  local data = f:read("a")
  f:close()
  local name = file:match("[^/]+$")
  if #data >= 16 then
    local fmt = data:sub(1, #data - 16)
    local n, x = string.unpack("<i8d", data, #data - 15)
    local pos = 1
    while true do
      local k = fmt:find("%", pos, true)
      if not k then break end
      if fmt:sub(k + 1, k + 1) == "%" then
        pos = k + 2
      else
        local spec = fmt:match("^%%[-+ #0-9.]*", k)
        if #spec >= 22 then print(name .. " toolong") break end
        local verb = fmt:sub(k + #spec, k + #spec)
        if verb == "" then break end
        local form = spec .. verb
        pos = k + #form
        local arg
        if verb:find("[cdiuoxX]") then arg = n
        elseif verb == "s" then arg = fmt
        elseif verb:find("[aAeEfgG]") then arg = x
        else break end
        local ok, r = pcall(string.format, form, arg)
        if ok then
          print(name .. " " .. hex(form) .. " " .. hex(r))
        elseif tostring(r):find("contains zeros") then
          print(name .. " " .. hex(form) .. " zeros")
        elseif tostring(r):find("invalid conversion") then
          print(name .. " " .. hex(form) .. " invalid")
        else
          print(name .. " " .. hex(form) .. " error " .. tostring(r))
        end
      end
    end
  end
end
