local check = require('lib.check')
local show, try = check.show, check.try
-- §6.5: the utf8 functions, strict and lax, with edge code points and
-- wrong arguments.
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
try("char 0", function() return hex(utf8.char(0)) end)
try("char 7f 80", function() return hex(utf8.char(0x7f, 0x80)) end)
try("char 7ff 800", function() return hex(utf8.char(0x7ff, 0x800)) end)
try("char ffff 10000", function() return hex(utf8.char(0xffff, 0x10000)) end)
try("char 10ffff", function() return hex(utf8.char(0x10ffff)) end)
try("char 110000", function() return hex(utf8.char(0x110000)) end)
try("char 7fffffff", function() return hex(utf8.char(0x7fffffff)) end)
try("char 80000000", utf8.char, 0x80000000)
try("char -1", utf8.char, -1)
try("char d800", function() return hex(utf8.char(0xd800)) end)
try("char 'x'", utf8.char, "x")
try("char 1.5", utf8.char, 1.5)
try("char()", utf8.char)
try("charpattern", function() return hex(utf8.charpattern) end)
local samples = {
  "abc", "\u{7ff}\u{800}", "\u{10ffff}", "\xed\xa0\x80", "\xf4\x90\x80\x80",
  "\xc0\x80", "\xe0\x80\x80", "\xf8\x88\x80\x80\x80", "\xfc\x84\x80\x80\x80\x80",
  "\xfd\xbf\xbf\xbf\xbf\xbf", "\xc2", "a\xffb", "\u{7FFFFFFF}",
}
-- Left out: utf8.codes over a string that starts with a continuation byte
-- ("\x80") or has one after a character ("ab\x80"). Lua 5.4.7 (lutf8lib.c,
-- iter_codes and iter_aux) raises "invalid UTF-8 code" there; lua5.4 5.4.4
-- skips the byte. Lunar follows 5.4.7.
try("len continuation", utf8.len, "\x80")
try("codepoint continuation", utf8.codepoint, "ab\x80", 1, -1)
for i, s in ipairs(samples) do
  try("len " .. i, utf8.len, s)
  try("len lax " .. i, utf8.len, s, 1, -1, true)
  try("codepoint " .. i, utf8.codepoint, s, 1, -1)
  try("codepoint lax " .. i, utf8.codepoint, s, 1, -1, true)
  try("codes " .. i, function()
    local t = {}
    for p, c in utf8.codes(s) do t[#t + 1] = p .. ":" .. c end
    return table.concat(t, " ")
  end)
  try("codes lax " .. i, function()
    local t = {}
    for p, c in utf8.codes(s, true) do t[#t + 1] = p .. ":" .. c end
    return table.concat(t, " ")
  end)
end
local s = "a\u{e9}\u{4e2d}\u{1f600}z"
try("len i j", utf8.len, s, 2, 4)
try("len neg", utf8.len, s, -5)
try("len 0", utf8.len, s, 0)
try("len past", utf8.len, s, #s + 1)
try("len past 2", utf8.len, s, #s + 2)
try("len j past", utf8.len, s, 1, #s + 1)
try("len in middle", utf8.len, s, 3)
try("codepoint past", utf8.codepoint, s, #s + 1)
try("codepoint 0", utf8.codepoint, s, 0)
try("codepoint middle", utf8.codepoint, s, 3)
try("codepoint empty range", utf8.codepoint, s, 3, 2)
for _, n in ipairs({0, 1, 2, 3, 4, 5, 6, 7, -1, -2, -5, -6, -7}) do
  try("offset " .. n, utf8.offset, s, n)
end
try("offset 0 middle", utf8.offset, s, 0, 4)
try("offset 1 middle", utf8.offset, s, 1, 4)
try("offset i past", utf8.offset, s, 1, #s + 2)
try("offset i 0", utf8.offset, s, 1, 0)
try("offset -1 end", utf8.offset, s, -1, #s + 1)
try("offset 2 at end", utf8.offset, s, 1, #s + 1)
try("offset bad", utf8.offset, s, "x")
try("len bad", utf8.len, 1)
try("len()", utf8.len)
try("codes bad arg", utf8.codes, 1)
