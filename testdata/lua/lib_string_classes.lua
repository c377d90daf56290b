local check = require('lib.check')
local show, try = check.show, check.try
-- §6.4.1: the character classes over all 256 byte values (C locale), their
-- complements, sets with ranges and classes, and string.upper/lower.
local function ranges(pred)
  local out, start = {}, nil
  for b = 0, 256 do
    local yes = b < 256 and pred(b)
    if yes and not start then start = b end
    if not yes and start then
      out[#out + 1] = start == b - 1 and tostring(start) or (start .. "-" .. (b - 1))
      start = nil
    end
  end
  return table.concat(out, ",")
end
for c in ("acdglpsuwx"):gmatch(".") do
  for _, k in ipairs({c, c:upper()}) do
    try("%" .. k, ranges, function(b) return string.find(string.char(b), "^%" .. k .. "$") ~= nil end)
  end
end
try("dot", ranges, function(b) return string.find(string.char(b), "^.$") ~= nil end)
try("set a-f", ranges, function(b) return string.find(string.char(b), "^[a-f]$") ~= nil end)
try("set ^a-f", ranges, function(b) return string.find(string.char(b), "^[^a-f]$") ~= nil end)
try("set %d_-", ranges, function(b) return string.find(string.char(b), "^[%d_-]$") ~= nil end)
try("set ]", ranges, function(b) return string.find(string.char(b), "^[]]$") ~= nil end)
try("set ^]", ranges, function(b) return string.find(string.char(b), "^[^]]$") ~= nil end)
try("set high range", ranges, function(b) return string.find(string.char(b), "^[\128-\255]$") ~= nil end)
try("set %a%d", ranges, function(b) return string.find(string.char(b), "^[%a%d]$") ~= nil end)
try("set %%", ranges, function(b) return string.find(string.char(b), "^[%%]$") ~= nil end)
try("escaped non-class", ranges, function(b) return string.find(string.char(b), "^%.$") ~= nil end)
try("upper", ranges, function(b) return string.upper(string.char(b)) ~= string.char(b) end)
try("lower", ranges, function(b) return string.lower(string.char(b)) ~= string.char(b) end)
try("zero in pattern", string.find, "a\0b", "\0")
try("zero in set", string.find, "a\0b", "[\0]")
try("%z class", string.find, "a\0b", "%z")
try("frontier", function()
  local t = {}
  for p in string.gmatch("THE (quick) fox", "%f[%a]%a+") do t[#t + 1] = p end
  return table.concat(t, ",")
end)
try("frontier at ends", string.gsub, "hello world", "%f[%w]", "|")
try("frontier end", string.gsub, "hello world", "%f[%W]", "|")
try("balance", string.match, "x = (a(b)c) y", "%b()")
try("balance same", string.match, "'a'b'c'", "%b''")
try("balance unbalanced", string.match, "((a)", "%b()")
try("lazy", string.match, "<a><b>", "<(.-)>")
try("greedy", string.match, "<a><b>", "<(.*)>")
try("optional", string.match, "color colour", "colou?r")
try("anchored gsub", string.gsub, "aaa", "^a", "b")
try("$ not at end", string.find, "a$b", "a$b")
try("position capture", string.match, "hello", "()ll()")
try("back reference", string.match, "abcabc", "(abc)%1")
-- Left out: work-heavy matches (string.match(string.rep("a", 300000),
-- ".-b") takes lua5.4 minutes); Lunar's matcher has a step budget and
-- stops them with "pattern too complex" on purpose (string/pattern.rs).
try("too complex", function() return pcall(string.match, string.rep("a", 300000), string.rep("a?", 300000) .. string.rep("a", 300000)) end)
