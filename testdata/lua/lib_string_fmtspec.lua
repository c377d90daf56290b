-- string.format: every conversion with flag, width and precision
-- combinations, the reference's limits and error messages.

local function try(...)
  local ok, r = pcall(string.format, ...)
  if ok then return r end
  return "error: " .. r
end

local flags = {"", "-", "+", " ", "#", "0", "-+ #0"}
local widths = {"", "6"}
local precs = {"", ".", ".0", ".3", ".12"}
local ints = {0, -42, 255, math.mininteger, 3.0, "17"}
local floats = {0.0, -0.0, -1.5, 0.1, 2.5, 1e-5, 123456789.0, 1e100, 5e-324, 2^53, 1/0, 0/0, "7"}

for _, conv in ipairs({"d", "i", "u", "c", "x", "X", "o"}) do
  for _, f in ipairs(flags) do
    for _, w in ipairs(widths) do
      for _, p in ipairs(precs) do
        local spec = "%" .. f .. w .. p .. conv
        local out = {}
        for _, v in ipairs(conv == "c" and {65, 97, 48} or ints) do
          out[#out + 1] = try("[" .. spec .. "]", v)
        end
        print(spec, table.concat(out, " "))
      end
    end
  end
end

for _, conv in ipairs({"e", "E", "f", "g", "G", "a", "A"}) do
  for _, f in ipairs(flags) do
    for _, w in ipairs({"", "12"}) do
      for _, p in ipairs({"", ".0", ".1", ".17"}) do
        local spec = "%" .. f .. w .. p .. conv
        local out = {}
        for _, v in ipairs(floats) do
          out[#out + 1] = try("[" .. spec .. "]", v)
        end
        print(spec, table.concat(out, " "))
      end
    end
  end
end

for _, f in ipairs({"", "-", "0", "#", "+", " "}) do
  for _, w in ipairs({"", "3", "10"}) do
    for _, p in ipairs({"", ".0", ".2", ".20"}) do
      local spec = "%" .. f .. w .. p .. "s"
      print(spec, try("[" .. spec .. "]", "hello"), try("[" .. spec .. "]", 12), try("[" .. spec .. "]", 1.5),
        try("[" .. spec .. "]", true), try("[" .. spec .. "]", nil), try("[" .. spec .. "]", "a\0b"))
    end
  end
end
print(try("%s|%10s|%.3s", string.rep("x", 120), string.rep("y", 120), string.rep("z", 120)))
print(#try("%5s", string.rep("x", 99)), #try("%5s", string.rep("x", 100)), #try("%.200s", "x"))
print(try("%s", setmetatable({}, {__tostring = function() return "obj" end})))
print(try("%s", setmetatable({}, {__tostring = function() return 42 end})))
print(try("%s", setmetatable({}, {__tostring = function() return {} end})))
print(try("%s", setmetatable({}, {__tostring = function() error("inner") end})))
print(try("%d %s", 1, setmetatable({}, {__name = "MyType"})):match("^1 MyType: ") ~= nil)

-- %q
for _, v in ipairs({0, 1, -1, math.maxinteger, math.mininteger, 0.5, -0.0, 1e300, 2^63, -2^63,
    1/0, -1/0, 0.1, 1/3, 5e-324, "", "plain", "quote\"back\\slash", "new\nline", "cr\rlf",
    "\0", "\0001", "\1\0029", "\127\128\255", "tab\t", "\27[0m", true, false}) do
  local q = try("%q", v)
  local back = load("return " .. q)()
  print(q, back == v or (v ~= v and back ~= back), math.type(back) == math.type(v))
end
print(try("%q", nil))
print(try("%q", {}))
print(try("%q", print))
print(try("%10q", "x"))
print(try("%-q", "x"))
print(try("%q"))
print(string.format("%q", 0/0))

-- %p on values that are not objects, %%, literal text
print(try("%p|%10p|%-10p|", 1, true, nil))
print(try("%p", "str") ~= "(null)", try("%p", {}) ~= try("%p", {}))
local t = {}
print(try("%p", t) == try("%p", t), try("%p", print) == try("%p", print))
print(try("%5.1p", 1))
print(try("%#p", 1))
print(try("100%% sure %d%%", 5))
print(try("no conversions"), try(""), try("%%"))

-- argument errors and limits
print(try("%d", 1.5))
print(try("%d", "1.5"))
print(try("%d", "abc"))
print(try("%d", {}))
print(try("%x", 2^63))
print(try("%c", "A"))
print(try("%f", "x"))
print(try("%a", {}))
print(try("%d %d", 1))
print(try("%d", nil))
print(try("%s"))
print(try("%"))
print(try("%z", 1))
print(try("%10z", 1))
print(try("%l", 1))
print(try("%lld", 1))
print(try("%*d", 1, 2))
print(try("%$d", 1))
print(try("%123d", 1))
print(try("%1.123d", 1))
print(try("%.123d", 1))
print(try("%100.2f", 1))
print(try("%--5d", 1))
print(try("%-----------------------------5d", 1))
print(try("%0000000000000000000000000000005d", 1))
print(try("%5.5.5d", 1))
print(try("%.-5d", 1))
print(try("%d", "0x10"), try("%d", " 10 "), try("%.3f", "1e2"))
print(try("%5d|%-5d|%05d", -0.0, 2^53, -2^53))
print(try(1), try(12.5), pcall(string.format))
print(pcall(string.format, {}))
