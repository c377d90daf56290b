-- utf8 library (manual 6.5).
-- Note: invalid sequences inside utf8.codes are only tested for a clearly
-- invalid lead byte; 5.4.4 and 5.4.7 differ for stray continuation bytes.

local fails = 0
local function check(cond, msg)
  if not cond then
    fails = fails + 1
    print("FAIL: " .. tostring(msg))
  end
end
local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02X", c:byte()) end))
end
local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do out[i] = tostring((select(i, ...))) end
  print(n .. ": " .. table.concat(out, " "))
end

-- utf8.char
print(hex(utf8.char(72, 0x20AC, 0x10348, 0xE9)))
print(hex(utf8.char()), hex(utf8.char(0)), hex(utf8.char(0x7F)), hex(utf8.char(0x80)), hex(utf8.char(0x7FF)))
print(hex(utf8.char(0x800)), hex(utf8.char(0xFFFF)), hex(utf8.char(0x10000)), hex(utf8.char(0x10FFFF)))
print(hex(utf8.char(0x110000)), hex(utf8.char(0x7FFFFFFF)), hex(utf8.char(0xD800)))
check(utf8.char(0x4E2D, 0x6587) == "\u{4E2D}\u{6587}", "char matches escapes")
show(pcall(utf8.char, 0x80000000))
show(pcall(utf8.char, -1))
show(pcall(utf8.char, "x"))
show(utf8.char(65.0), utf8.char("66"))
print("ok char")

-- charpattern
print(utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*")
local s = "héllo wörld €"
local chars = {}
for c in s:gmatch(utf8.charpattern) do chars[#chars + 1] = hex(c) end
print(#chars, table.concat(chars, " "))
print("ok charpattern")

-- utf8.codes
local out = {}
for p, c in utf8.codes(s) do out[#out + 1] = p .. ":" .. c end
print(table.concat(out, " "))
out = {}
for p, c in utf8.codes("") do out[#out + 1] = p end
check(#out == 0, "empty codes")
out = {}
for p, c in utf8.codes("\u{7FFFFFFF}a", true) do out[#out + 1] = p .. ":" .. c end
print(table.concat(out, " "))
show(pcall(load("for p, c in utf8.codes('ab\\xFFcd') do end", "=input")))
show(pcall(load("for p, c in utf8.codes('\\u{110000}') do end", "=input")))
print("ok codes")

-- utf8.codepoint
show(utf8.codepoint("héllo"))
show(utf8.codepoint("héllo", 1, -1))
show(utf8.codepoint("héllo", 2))
show(utf8.codepoint("héllo", 4, 3))
show(utf8.codepoint("€", 1))
show(utf8.codepoint("\u{10FFFF}"))
show(utf8.codepoint("\u{7FFFFFFF}", 1, 1, true))
show(pcall(utf8.codepoint, "héllo", 3))
show(pcall(utf8.codepoint, "\xFF"))
show(pcall(utf8.codepoint, "\u{110000}"))
show(pcall(utf8.codepoint, "\u{D800}"))
show(utf8.codepoint("\u{D800}", 1, 1, true))
show(pcall(utf8.codepoint, "abc", 5))
show(pcall(utf8.codepoint, "abc", 0))
show(pcall(utf8.codepoint, "\xC0\x80"))
print("ok codepoint")

-- utf8.len
show(utf8.len("héllo"), utf8.len(""), utf8.len("abc"), utf8.len("€€€"))
show(utf8.len("héllo", 3))
show(utf8.len("héllo", 2, 3))
show(utf8.len("héllo", -2))
show(utf8.len("abc\xFFdef"))
show(utf8.len("\xC0\x80"))
show(utf8.len("\u{110000}"))
show(utf8.len("\u{110000}", 1, -1, true))
show(utf8.len("\u{D800}x"))
show(utf8.len("abc", 4))
show(pcall(utf8.len, "abc", 5))
show(pcall(utf8.len, "abc", 0))
print("ok len")

-- utf8.offset
local w = "a€b\u{10348}c"
show(utf8.offset(w, 1), utf8.offset(w, 2), utf8.offset(w, 3), utf8.offset(w, 4), utf8.offset(w, 5), utf8.offset(w, 6))
show(utf8.offset(w, 7))
show(utf8.offset(w, -1), utf8.offset(w, -2), utf8.offset(w, -3), utf8.offset(w, -5), utf8.offset(w, -6))
show(utf8.offset(w, 0, 3), utf8.offset(w, 0, 4), utf8.offset(w, 0, 2), utf8.offset(w, 0, 6))
show(utf8.offset(w, 2, 2), utf8.offset(w, -1, 5))
show(utf8.offset("", 1), utf8.offset("", -1), utf8.offset("abc", 0))
show(pcall(utf8.offset, w, 1, 3))
show(pcall(utf8.offset, w, 1, 100))
print("ok offset")

-- reversing a UTF-8 string by characters
local rev = {}
for _, c in utf8.codes("añb€") do table.insert(rev, 1, utf8.char(c)) end
print(hex(table.concat(rev)))
print("ok reverse")

print("fails: " .. fails)
print("done")
