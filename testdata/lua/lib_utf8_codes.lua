-- utf8: decoding in strict and lax modes, every function's bounds and
-- errors.

local function try(f, ...)
  local r = table.pack(pcall(f, ...))
  for i = 1, r.n do
    local v = r[i]
    if type(v) == "string" then
      v = v:gsub("[^\32-\126]", function(c) return string.format("\\x%02X", c:byte()) end)
    end
    r[i] = tostring(v)
  end
  return table.concat(r, " ", 1, r.n)
end

local samples = {
  "", "abc", "h\195\169llo", "\228\184\173\230\150\135", "\240\159\152\128!", "\0",
  "\127\128", "\192\128", "\193\191", "\194\128", "\223\191", "\224\128\128", "\224\160\128",
  "\237\159\191", "\237\160\128", "\237\191\191", "\238\128\128", "\239\191\191",
  "\240\128\128\128", "\240\144\128\128", "\244\143\191\191", "\244\144\128\128",
  "\247\191\191\191", "\248\136\128\128\128", "\251\191\191\191\191", "\252\132\128\128\128\128",
  "\253\191\191\191\191\191", "\254\128\128\128\128\128\128", "\255", "\128", "\191abc",
  "a\226\130", "a\226\130\172b", "\226\130\172\226\130", "\195", "\195\40", "\226\40\161",
}

-- utf8.codes meets a stray continuation byte in these: 5.4.6 made that an
-- error where 5.4.4 skips the byte, so they stay out of the codes lines
-- here (stdlib's TestUTF8CodesStray pins them).
local stray = {["\127\128"] = true, ["\128"] = true, ["\191abc"] = true}

for _, s in ipairs(samples) do
  print(try(utf8.len, s), try(utf8.len, s, 1, -1, true), try(utf8.codepoint, s, 1, -1),
    try(utf8.codepoint, s, 1, -1, true), try(utf8.len, s, 2), try(utf8.len, s, -1))
  if not stray[s] then
    local out = {}
    local ok, err = pcall(function()
      for p, c in utf8.codes(s) do out[#out + 1] = p .. ":" .. c end
    end)
    local lax = {}
    local ok2, err2 = pcall(function()
      for p, c in utf8.codes(s, true) do lax[#lax + 1] = p .. ":" .. c end
    end)
    print("", table.concat(out, ","), ok or err, table.concat(lax, ","), ok2 or err2)
  end
  local offs = {}
  for n = -4, 4 do offs[#offs + 1] = try(utf8.offset, s, n) end
  print("", table.concat(offs, " | "))
end

-- utf8.char
print(try(utf8.char))
print(try(utf8.char, 0, 65, 0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0x10000, 0x10ffff))
print(try(utf8.char, 0x110000, 0x1fffff, 0x200000, 0x3ffffff, 0x4000000, 0x7fffffff))
print(try(utf8.char, 0xd800, 0xdfff))
print(try(utf8.char, 0x80000000))
print(try(utf8.char, -1))
print(try(utf8.char, math.mininteger))
print(try(utf8.char, 65, "66", 67.0))
print(try(utf8.char, 65.5))
print(try(utf8.char, "x"))
print(try(utf8.char, 65, nil))
for _, c in ipairs({0, 0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0x10000, 0x10ffff, 0x110000, 0x7fffffff}) do
  local s = utf8.char(c)
  print(c, #s, try(utf8.codepoint, s, 1, -1, true), try(utf8.len, s), try(utf8.len, s, 1, -1, true))
end

-- positions
local s = "a\195\169b\226\130\172c"
for _, args in ipairs({{1}, {2}, {3}, {4}, {5}, {-1}, {-2}, {0}, {9}, {10}, {1, 8}, {2, 3},
    {4, 3}, {1, 9}, {-100}, {1, -100}, {math.maxinteger}, {math.mininteger}}) do
  print(table.concat(args, ","), try(utf8.codepoint, s, table.unpack(args)), try(utf8.len, s, table.unpack(args)))
end
for _, args in ipairs({{1, 1}, {2, 1}, {3, 1}, {1, 3}, {0, 3}, {0, 4}, {0, 9}, {1, 9}, {-1, 9},
    {1, 10}, {1, 0}, {1, -1}, {2, -1}, {-2}, {-3}, {5}, {6}, {7}, {0, 1}, {-1, 1}, {1, 2}, {-1, 2}}) do
  print("offset", table.concat(args, ","), try(utf8.offset, s, table.unpack(args)))
end
print(try(utf8.offset, "abc"))
print(try(utf8.offset, "abc", 1.5))
print(try(utf8.len))
print(try(utf8.len, 12345))
print(try(utf8.codepoint, 65))
print(try(utf8.codes))
print(select("#", utf8.codes(1)), select(2, utf8.codes(1)))
print(utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*")
local n = 0
for c in ("h\195\169llo \240\159\152\128"):gmatch(utf8.charpattern) do n = n + 1 end
print(n)
-- the codes iterator called by hand
local iter, str, ctl = utf8.codes("ab\195\169")
print(try(iter, str, ctl), try(iter, str, 1), try(iter, str, 2), try(iter, str, 3), try(iter, str, 4), try(iter, str, 5))
print(try(iter, str, -1), try(iter, str, 1.5), try(iter, str, "2"), try(iter, 123, 0), try(iter, nil, 0))
