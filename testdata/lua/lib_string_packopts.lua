-- string.pack, string.unpack and string.packsize: every option, byte
-- orders, alignment and the reference's errors.

local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

local function try(f, ...)
  local r = table.pack(pcall(f, ...))
  if not r[1] then return "error: " .. tostring(r[2]) end
  for i = 2, r.n do
    local v = r[i]
    r[i] = type(v) == "string" and "<" .. hex(v) .. ">" or tostring(v)
  end
  return table.concat(r, " ", 2, r.n)
end

local cases = {
  {"b", 0}, {"b", 127}, {"b", -128}, {"b", 128}, {"b", -129},
  {"B", 255}, {"B", 256}, {"B", -1},
  {"h", 0x7fff}, {"h", -0x8000}, {"h", 0x8000}, {"H", 0xffff}, {"H", 0x10000},
  {"i", 1}, {"i", -1}, {"i", 0x7fffffff}, {"i", 0x80000000}, {"I", 0xffffffff},
  {"i1", 5}, {"i2", -2}, {"i3", 0x7fffff}, {"i3", 0x800000}, {"I3", 0xffffff},
  {"i5", -5}, {"i7", 2^40}, {"i8", math.mininteger}, {"i9", -1}, {"i9", math.mininteger},
  {"I9", -1}, {"i16", -2}, {"I16", math.maxinteger}, {"j", math.maxinteger}, {"J", -1},
  {"l", -3}, {"L", 3}, {"T", 12345}, {"i", 3.0}, {"i", 3.5}, {"i", "7"}, {"i", "x"},
  {"f", 1.5}, {"f", 0.1}, {"f", 1e40}, {"f", -0.0}, {"d", 0.1}, {"n", -2.5}, {"d", 1/0},
  {"d", "1e2"}, {"f", "x"},
  {"c5", "abc"}, {"c3", "abc"}, {"c2", "abc"}, {"c0", ""}, {"c1", 7},
  {"z", "hello"}, {"z", ""}, {"z", "a\0b"},
  {"s", "hi"}, {"s1", "hi"}, {"s1", string.rep("x", 255)}, {"s1", string.rep("x", 256)},
  {"s2", "abc"}, {"s16", "xy"}, {"s", ""},
}
for _, c in ipairs(cases) do
  local fmt, v = c[1], c[2]
  for _, order in ipairs({"<", ">", "="}) do
    local packed = try(string.pack, order .. fmt, v)
    local ok, bin = pcall(string.pack, order .. fmt, v)
    local back = ok and try(string.unpack, order .. fmt, bin) or "-"
    print(order .. fmt, tostring(v):sub(1, 20), packed:sub(1, 80), back:sub(1, 80))
  end
end

-- alignment
local fmts = {
  "!8 b i8", "!8 b d", "!4 b i8", "! b h b i b j", "!2 b i4", "!16 b j", "b x i", "!4 b Xi4 b",
  "!8 b Xd", "!8 bXh", "! i3 b", "!1 b i8", ">!4 h i", "<!8 b s4", "!8 b z", "!4 i1 i2 i4 i8",
  "b X i4", "bXi16", "!16 bXi16", "c3 Xi4", "!8 c3 Xi8 b",
}
for _, f in ipairs(fmts) do
  print(f, try(string.packsize, f))
end
print(try(string.pack, "!8 b i8", 1, 2))
print(try(string.pack, "!4 b Xi4 b", 1, 2))
print(try(string.pack, "b x i", 1, 2))
print(try(string.unpack, "!8 b i8", string.pack("!8 b i8", 1, 2)))
print(try(string.unpack, "!4 b Xi4 b", string.pack("!4 b Xi4 b", 1, 2)))

-- packsize and its errors
for _, f in ipairs({"", " ", "<>=!", "b", "h", "i", "l", "j", "T", "f", "d", "n", "i16", "c10",
    "x", "xx", "c0", "s", "z", "i0", "i17", "!17", "!0", "y", "c", "X", "Xz", "Xc1", "Xx", "X ",
    "i3!3Xi3", "!3 b i3", "c2147483647", "c214748364c214748364c214748364c214748364c214748364c214748364c214748364c214748364c214748364c214748364",
    "i123456789012", "b\0i"}) do
  print(string.format("%q", f), try(string.packsize, f))
end

-- unpack positions and errors
local data = string.pack("<i4 i4 z s1", 1, 2, "zz", "s")
print(try(string.unpack, "<i4", data, 1), try(string.unpack, "<i4", data, 5), try(string.unpack, "<i4", data, -4))
print(try(string.unpack, "<i4", data, 0), try(string.unpack, "<i4", data, #data + 1), try(string.unpack, "<i4", data, #data + 2))
print(try(string.unpack, "<i4", data, 100), try(string.unpack, "<i4", data, -100))
print(try(string.unpack, "<i4 i4 z s1", data))
print(try(string.unpack, "<i4 i4 z s1 b", data))
print(try(string.unpack, "z", "abc"))
print(try(string.unpack, "z", "abc\0"))
print(try(string.unpack, "s1", "\5abc"))
print(try(string.unpack, "s1", "\3abc"))
print(try(string.unpack, "c4", "abc"))
print(try(string.unpack, "i9", string.rep("\255", 9)))
print(try(string.unpack, "i9", string.rep("\255", 8) .. "\0"))
print(try(string.unpack, "I9", string.rep("\255", 8) .. "\0"))
print(try(string.unpack, "I9", string.rep("\255", 9)))
print(try(string.unpack, ">i16", string.rep("\0", 8) .. string.rep("\255", 8)))
print(try(string.unpack, "<i16", string.rep("\255", 8) .. string.rep("\0", 8)))
print(try(string.unpack, "<i12", string.rep("\0", 7) .. "\128" .. string.rep("\255", 4)))
print(try(string.unpack, "<I12", string.rep("\0", 7) .. "\128" .. string.rep("\0", 4)))
print(try(string.unpack, ">s9", string.rep("\0", 8) .. "\1x"))
print(try(string.unpack, ">s9", "\1" .. string.rep("\0", 7) .. "\1x"))
print(try(string.unpack, "<f", "\0\0\192\127"))
print(try(string.unpack, "b", ""))
print(try(string.unpack, "", "abc"))
print(try(string.unpack, "", "abc", 4))
print(try(string.unpack, "x", "abc", 3))
print(try(string.unpack, "!4 i4", "\0\0\0\0\1\0\0\0", 2))
print(try(string.unpack, "i4"))
print(try(string.unpack))
print(try(string.unpack, "i4", "abcd", 1.5))
print(try(string.pack, "i4"))
print(try(string.pack, "i4", {}))
print(try(string.pack, "z", 12))
print(try(string.pack, "c", "x"))
print(try(string.pack, "y", 1))
print(try(string.pack, "b", 1, 2, 3))
print(try(string.pack))
print(try(string.pack, "<d>d=d", 1.5, 1.5, 1.5))
print(try(string.pack, "i2 i2", 1))
print(select("#", string.unpack(string.rep("b", 200), string.rep("\1", 200))))
